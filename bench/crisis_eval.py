"""Evaluate crisis language detection (earned.safety) on two sets of labelled texts.

First set, bench/data/crisis_eval.tsv: short first-person texts written for this project
by the author of the rules (never copied), labelled risk | passive (should fire) and
negated | idiom | sadness | ordinary (should not). The texts were all written first; the
rules were then developed looking only at the odd data rows (the dev half), so the even
rows (held-out) show how the rules do on text they were not tuned to. Both halves are
reported, then the whole set. The held-out half was first run once the rules were done:
recall 0.986 (one miss, "I want to hit myself until it stops", hidden by an over-broad
idiom), false alarms 0.000. That idiom was then narrowed, so today's held-out figures have
been seen once.

Second set, bench/data/crisis_eval_2.tsv: 500 texts in English and Spanish written
independently of the rules, columns label (risk | passive | other), lang, group, text.
It is split by data row parity: odd rows are the dev half (the rules were widened looking
at these), even rows the held-out half (never shown to whoever writes the rules; measured
once by someone else). Until the full file is here, bench/data/crisis_eval_2_dev.tsv (the
odd rows alone, in order) stands in for it and only the dev half is reported; with both,
the dev file must equal the full file's odd rows. --show never prints held-out texts of
the second set, only its figures.

    uv run python bench/crisis_eval.py [--show]     # --show also prints missed texts

Goals (issue 4): recall >= 0.95 on risk+passive and false alarms <= 10% on the rest of the
first set; tests/test_safety.py holds the whole first set to it, and the exit status
follows it. The second set's dev half aims at recall >= 0.90 with false alarms <= 0.10.
Timing: microseconds per call against a floor measured in the same run (`str.split` of the
same text, the least any word-level reading can cost).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from earned import safety

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "crisis_eval.tsv"
SECOND = ROOT / "bench" / "data" / "crisis_eval_2.tsv"
SECOND_DEV = ROOT / "bench" / "data" / "crisis_eval_2_dev.tsv"
FIRE = ("risk", "passive")
QUIET = ("negated", "idiom", "sadness", "ordinary")
SECOND_QUIET = ("other",)
GOAL_RECALL = 0.95
GOAL_FALSE_ALARMS = 0.10
SECOND_GOAL_RECALL = 0.90  # on the second set's dev half; an aim, not a test


@dataclass(frozen=True)
class Row:
    number: int  # 1-based data row: odd rows are the dev half, even rows held out
    label: str
    text: str
    lang: str = "en"
    group: str = ""

    @property
    def half(self) -> str:
        return "dev" if self.number % 2 else "held-out"

    @property
    def fires(self) -> bool:
        return self.label in FIRE


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _check_labels(rows: list[Row], allowed: tuple[str, ...], path: Path) -> None:
    unknown = {r.label for r in rows} - set(allowed)
    if unknown:
        raise SystemExit(f"unknown labels in {path.name}: {sorted(unknown)}")


def load(path: Path = DATA) -> list[Row]:
    """The first set, numbered from 1 in file order."""
    rows = [Row(n, r["label"], r["text"]) for n, r in enumerate(_read(path), start=1)]
    _check_labels(rows, FIRE + QUIET, path)
    return rows


def load_second(full: Path = SECOND, dev: Path = SECOND_DEV) -> list[Row]:
    """The second set: the full file when present (both halves), else the dev file alone.

    Rows keep their number in the full file, so the dev file's k-th row is row 2k - 1 and
    `Row.half` is "dev" for all of them. With both files, the dev file must be exactly the
    full file's odd rows: anything else means the split is not the one the rules saw.
    """

    def rows_of(raw: list[dict[str, str]], numbers: Iterable[int]) -> list[Row]:
        return [
            Row(n, r["label"], r["text"], r["lang"], r["group"])
            for n, r in zip(numbers, raw, strict=True)
        ]

    if full.exists():
        raw = _read(full)
        rows = rows_of(raw, range(1, len(raw) + 1))
        if dev.exists() and _read(dev) != raw[::2]:
            raise SystemExit(f"{dev.name} is not the odd data rows of {full.name}")
    elif dev.exists():
        raw = _read(dev)
        rows = rows_of(raw, range(1, 2 * len(raw), 2))
    else:
        raise SystemExit(f"neither {full.name} nor {dev.name} is in {full.parent}")
    _check_labels(rows, FIRE + SECOND_QUIET, full if full.exists() else dev)
    return rows


Found = tuple[Row, safety.Finding | None]


@dataclass
class Result:
    rows: list[Found]

    def of(self, labels: tuple[str, ...]) -> list[Found]:
        return [(r, f) for r, f in self.rows if r.label in labels]

    def where(self, keep: Callable[[Row], bool]) -> Result:
        return Result([(r, f) for r, f in self.rows if keep(r)])

    def by(self, key: Callable[[Row], str]) -> dict[str, Result]:
        """The rows split by `key`, in sorted key order."""
        parts: dict[str, Result] = {}
        for r, f in self.rows:
            parts.setdefault(key(r), Result([])).rows.append((r, f))
        return dict(sorted(parts.items()))

    @property
    def should(self) -> list[Found]:
        return [(r, f) for r, f in self.rows if r.fires]

    @property
    def quiet(self) -> list[Found]:
        return [(r, f) for r, f in self.rows if not r.fires]

    @property
    def recall(self) -> float:
        return _rate(self.should)

    @property
    def false_alarms(self) -> float:
        return _rate(self.quiet)


def _rate(rows: list[Found]) -> float:
    return sum(f is not None for _r, f in rows) / len(rows) if rows else float("nan")


def _count(rows: list[Found]) -> str:
    fired = sum(f is not None for _r, f in rows)
    return f"{_rate(rows):.3f} ({fired}/{len(rows)})" if rows else "-"


def run(rows: list[Row]) -> Result:
    return Result([(r, safety.detect(r.text)) for r in rows])


def report(
    name: str,
    result: Result,
    labels: tuple[str, ...],
    show: bool,
    goal_recall: float = GOAL_RECALL,
) -> None:
    print(f"\n== {name}: {len(result.rows)} texts")
    print(f"{'label':<9} {'n':>4} {'fired':>6}  by level")
    for label in labels:
        part = result.of((label,))
        levels = Counter(f.level for _r, f in part if f is not None)
        fired = sum(levels.values())
        shown = ", ".join(f"{k} {v}" for k, v in sorted(levels.items())) or "-"
        print(f"{label:<9} {len(part):>4} {fired:>6}  {shown}")
    recall, alarms = result.recall, result.false_alarms
    ok_r = "ok" if recall >= goal_recall else "BELOW GOAL"
    ok_a = "ok" if alarms <= GOAL_FALSE_ALARMS else "ABOVE GOAL"
    print(f"recall on risk+passive: {_count(result.should)} (goal >= {goal_recall}: {ok_r})")
    print(f"false alarms on the rest: {_count(result.quiet)} (goal <= {GOAL_FALSE_ALARMS}: {ok_a})")
    misses = [r for r, f in result.should if f is None]
    print("misses by category:", dict(Counter(r.group or r.label for r in misses)) or "none")
    alarms_by = Counter(f"{r.group or r.label}<-{f.rule}" for r, f in result.quiet if f is not None)
    print("false alarms by category and rule:", dict(sorted(alarms_by.items())) or "none")
    if show:
        _show(result)


def _show(result: Result) -> None:
    for r, f in result.should:
        if f is None:
            print(f"  missed   #{r.number} [{r.lang} {r.group or r.label}] {r.text}")
    for r, f in result.quiet:
        if f is not None:
            print(f"  alarmed  #{r.number} [{r.lang} {r.group or r.label}] ({f.rule}) {r.text}")


def report_second(name: str, result: Result, show: bool) -> None:
    """One half (or both) of the second set: by label, by language, by group."""
    if not result.rows:
        print(f"\n== {name}: not present (add bench/data/crisis_eval_2.tsv)")
        return
    report(name, result, FIRE + SECOND_QUIET, show=False, goal_recall=SECOND_GOAL_RECALL)
    print(f"{'by lang':<24} {'recall':>16} {'false alarms':>16}")
    for lang, part in result.by(lambda r: r.lang).items():
        print(f"{lang:<24} {_count(part.should):>16} {_count(part.quiet):>16}")
    print(f"{'by group (label)':<32} {'fired':>16}")
    for name, part in result.by(lambda r: f"{r.group} ({r.label})").items():
        print(f"{name:<32} {_count(part.rows):>16}")
    supporting = result.where(lambda r: r.group == "supporting_other" and not r.fires)
    print(f"alarm on supporting_other: {_count(supporting.rows)}")
    # Someone else's words are met with the gentle panel by design (docs/crisis-language.md),
    # so the set's third_person texts are alarms on purpose; shown apart for that decision.
    others = result.where(lambda r: r.group != "third_person")
    print(f"false alarms leaving out third_person (by design): {_count(others.quiet)}")
    if show:
        _show(result)


def _time(fn: Callable[[], object], repeat: int = 200) -> float:
    """Median microseconds per call over `repeat` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def timing(rows: list[Row], second: list[Row]) -> None:
    quiet = " ".join(r.text for r in rows if r.label in QUIET)
    everything = " ".join(r.text for r in rows)
    spanish = " ".join(r.text for r in second if r.lang == "es" and r.half == "dev")
    entry = (ROOT / "bench" / "data" / "long_entry.txt").read_text(encoding="utf-8")
    cases = {
        "a journal entry, 2,260 chars": entry,
        "that entry repeated to 20,000 chars": (entry * 9)[:20_000],
        "dense: the quiet eval texts to 20,000 chars": (quiet * 20)[:20_000],
        "dense: all eval texts to 20,000 chars": (everything * 20)[:20_000],
        "dense: Spanish dev texts (accents) to 20,000": (spanish * 20)[:20_000],
        "pathological: 'not ' * 5,000 + 'kill myself'": "not " * 4997 + "kill myself",
        "pathological: 'kill ' * 4,000": "kill " * 4000,
        "pathological: 'a' * 20,000": "a" * 20_000,
        "pathological: 'bridge ' * 2,857 (long gaps)": "bridge " * 2857,
        "pathological: 'i want to ' * 2,000": "i want to " * 2000,
        "pathological: curly quotes and emoji": ("I\u2019m \U0001f62d fine\u2014 " * 1200)[:20_000],
        "pathological: 'é' * 20,000": "\u00e9" * 20_000,
        "pathological: 'no quiero ' * 2,000": "no quiero " * 2000,
    }
    print("\n== timing (median of 200 calls; floor = str.split of the same text)")
    for name, text in cases.items():
        ours = _time(partial(safety.detect, text))
        floor = _time(partial(str.split, text))
        print(
            f"{name:<46} {len(text):>6} chars {ours:8.1f} µs  floor {floor:6.1f} µs"
            f"  ratio {ours / floor:5.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--show", action="store_true", help="print missed and alarmed texts (not held-out ones)"
    )
    args = parser.parse_args(argv)
    rows = load()
    dev = [r for r in rows if r.half == "dev"]
    held = [r for r in rows if r.half == "held-out"]
    report(
        "first set, dev half (odd rows; rules developed on these)",
        run(dev),
        FIRE + QUIET,
        args.show,
    )
    report("first set, held-out half (even rows; seen once)", run(held), FIRE + QUIET, args.show)
    whole = run(rows)
    report("first set, whole", whole, FIRE + QUIET, args.show)
    second = run(load_second())
    report_second(
        "second set, dev half (odd rows)", second.where(lambda r: r.half == "dev"), args.show
    )
    report_second(
        "second set, held-out half (even rows; figures only)",
        second.where(lambda r: r.half == "held-out"),
        show=False,
    )
    timing(rows, [r for r, _f in second.rows])
    ok = whole.recall >= GOAL_RECALL and whole.false_alarms <= GOAL_FALSE_ALARMS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
