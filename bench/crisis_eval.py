"""Evaluate crisis language detection (earned.safety) on bench/data/crisis_eval.tsv.

The set is short first-person texts written for this project (never copied), labelled
risk | passive (should fire) and negated | idiom | sadness | ordinary (should not). The
texts were all written first; the rules were then developed looking only at the odd data
rows (the dev half), so the even rows (held-out) show how the rules do on text they were
not tuned to. Both halves are reported, then the whole set.

The held-out half was first run once the rules were done: recall 0.986 (one miss, "I want
to hit myself until it stops", hidden by an over-broad idiom), false alarms 0.000. That
idiom was then narrowed, so today's held-out figures have been seen once; a new held-out
set is needed for an unseen estimate (docs/crisis-language.md).

    uv run python bench/crisis_eval.py [--show]     # --show also prints the missed texts

Goal (issue 4): recall >= 0.95 on risk+passive and false alarms <= 10% on the rest;
tests/test_safety.py holds the whole set to it. Timing: microseconds per call against a
floor measured in the same run (`str.split` of the same text, the least any word-level
reading can cost).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from earned import safety

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "crisis_eval.tsv"
FIRE = ("risk", "passive")
QUIET = ("negated", "idiom", "sadness", "ordinary")
GOAL_RECALL = 0.95
GOAL_FALSE_ALARMS = 0.10


@dataclass(frozen=True)
class Row:
    number: int  # 1-based data row: odd rows are the dev half, even rows held out
    label: str
    text: str

    @property
    def half(self) -> str:
        return "dev" if self.number % 2 else "held-out"


def load(path: Path = DATA) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = [Row(n, r["label"], r["text"]) for n, r in enumerate(reader, start=1)]
    unknown = {r.label for r in rows} - set(FIRE + QUIET)
    if unknown:
        raise SystemExit(f"unknown labels in {path.name}: {sorted(unknown)}")
    return rows


@dataclass
class Result:
    rows: list[tuple[Row, safety.Finding | None]]

    def of(self, labels: tuple[str, ...]) -> list[tuple[Row, safety.Finding | None]]:
        return [(r, f) for r, f in self.rows if r.label in labels]

    @property
    def recall(self) -> float:
        should = self.of(FIRE)
        return sum(f is not None for _r, f in should) / len(should)

    @property
    def false_alarms(self) -> float:
        quiet = self.of(QUIET)
        return sum(f is not None for _r, f in quiet) / len(quiet)


def run(rows: list[Row]) -> Result:
    return Result([(r, safety.detect(r.text)) for r in rows])


def report(name: str, result: Result, show: bool) -> None:
    print(f"\n== {name}: {len(result.rows)} texts")
    print(f"{'label':<9} {'n':>4} {'fired':>6}  by level")
    for label in FIRE + QUIET:
        part = result.of((label,))
        levels = Counter(f.level for _r, f in part if f is not None)
        fired = sum(levels.values())
        shown = ", ".join(f"{k} {v}" for k, v in sorted(levels.items())) or "-"
        print(f"{label:<9} {len(part):>4} {fired:>6}  {shown}")
    recall, alarms = result.recall, result.false_alarms
    ok_r = "ok" if recall >= GOAL_RECALL else "BELOW GOAL"
    ok_a = "ok" if alarms <= GOAL_FALSE_ALARMS else "ABOVE GOAL"
    print(f"recall on risk+passive: {recall:.3f} (goal >= {GOAL_RECALL}: {ok_r})")
    print(f"false alarms on the rest: {alarms:.3f} (goal <= {GOAL_FALSE_ALARMS}: {ok_a})")
    misses = [r for r, f in result.of(FIRE) if f is None]
    print("misses by category:", dict(Counter(r.label for r in misses)) or "none")
    alarms_by = Counter(f"{r.label}<-{f.rule}" for r, f in result.of(QUIET) if f is not None)
    print("false alarms by category and rule:", dict(alarms_by) or "none")
    if show:
        for r in misses:
            print(f"  missed   #{r.number} [{r.label}] {r.text}")
        for r, f in result.of(QUIET):
            if f is not None:
                print(f"  alarmed  #{r.number} [{r.label}] ({f.rule}) {r.text}")


def _time(fn: Callable[[], object], repeat: int = 200) -> float:
    """Median microseconds per call over `repeat` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def timing(rows: list[Row]) -> None:
    quiet = " ".join(r.text for r in rows if r.label in QUIET)
    everything = " ".join(r.text for r in rows)
    entry = (ROOT / "bench" / "data" / "long_entry.txt").read_text(encoding="utf-8")
    cases = {
        "a journal entry, 2,260 chars": entry,
        "that entry repeated to 20,000 chars": (entry * 9)[:20_000],
        "dense: the quiet eval texts to 20,000 chars": (quiet * 20)[:20_000],
        "dense: all eval texts to 20,000 chars": (everything * 20)[:20_000],
        "pathological: 'not ' * 5,000 + 'kill myself'": "not " * 4997 + "kill myself",
        "pathological: 'kill ' * 4,000": "kill " * 4000,
        "pathological: 'a' * 20,000": "a" * 20_000,
        "pathological: 'bridge ' * 2,857 (long gaps)": "bridge " * 2857,
        "pathological: 'i want to ' * 2,000": "i want to " * 2000,
        "pathological: curly quotes and emoji": ("I\u2019m \U0001f62d fine\u2014 " * 1200)[:20_000],
    }
    print("\n== timing (median of 200 calls; floor = str.split of the same text)")
    for name, text in cases.items():
        ours = _time(lambda t=text: safety.detect(t))
        floor = _time(lambda t=text: t.split())
        print(
            f"{name:<46} {len(text):>6} chars {ours:8.1f} µs  floor {floor:6.1f} µs"
            f"  ratio {ours / floor:5.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print missed and alarmed texts")
    args = parser.parse_args(argv)
    rows = load()
    dev = [r for r in rows if r.half == "dev"]
    held = [r for r in rows if r.half == "held-out"]
    report("dev half (odd rows; rules developed on these)", run(dev), args.show)
    report("held-out half (even rows; seen once, see the docstring)", run(held), args.show)
    whole = run(rows)
    report("whole set", whole, args.show)
    timing(rows)
    ok = whole.recall >= GOAL_RECALL and whole.false_alarms <= GOAL_FALSE_ALARMS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
