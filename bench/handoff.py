"""Benchmark: the therapist hand-off PDF on three years of dense data.

Builds the journal of bench/pages.py (three years of dense activations plus the demo
person's questionnaires, beliefs, ladder and notes), then times, in this process:

- the floor: WeasyPrint drawing a one-page PDF of a trivial HTML document (measured first,
  so it also pays WeasyPrint's and the fonts' first-use cost);
- the hand-off of the last four weeks (the default) and of the whole last year, every
  section, the moments' own words included: the store's read (gather), the HTML, and the
  PDF, each the median of --runs.

    uv run python bench/handoff.py [--runs 5] [--days 1095] [--per-day 12]

Goal (issue 13): the four-week hand-off PDF in at most 3 s on this journal. This is a
script, not a test: building the journal takes a minute or two.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from journal import PASSPHRASE  # noqa: E402 - bench/ is not a package
from pages import bench_env, say, three_years  # noqa: E402

GOAL_S = 3.0
TRIVIAL = "<!doctype html><html><body><p>One line.</p></body></html>"


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The median seconds of `runs` calls of `fn`, and its last result."""
    took = []
    result = None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        took.append(time.perf_counter() - began)
    return statistics.median(took), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each")
    parser.add_argument("--days", type=int, default=3 * 365, help="days of data (3 years)")
    parser.add_argument("--per-day", type=int, default=12, help="activations per day")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the data")
    args = parser.parse_args()
    say("earned hand-off PDF benchmark")
    work = Path(tempfile.mkdtemp(prefix="earned-handoff-"))
    env = bench_env(work)
    try:
        three_years(env, args.days, args.per_day, args.seed)
        from earned import handoff as rules
        from earned import paths
        from earned.reports import handoff as report
        from earned.store import handoff as gathering
        from earned.store import personal

        floor, _ = timed(lambda: report.pdf(TRIVIAL), args.runs)
        say(f"  floor: a one-page PDF of a trivial document  {floor * 1000:8.0f} ms")
        store, _key = personal.unlock(paths.profile(), PASSPHRASE)
        worst = 0.0
        try:
            today = datetime.now(UTC).date()
            for label, days in (("last 4 weeks", rules.DEFAULT_DAYS), ("last year", 365)):
                start, end = today - timedelta(days=days - 1), today
                choice = rules.Choice(start=start, end=end, written=True, note="A note.")

                def gather(start: Any = start, end: Any = end) -> Any:
                    with store.session() as session:
                        return gathering.gather(session=session, start=start, end=end, zone=UTC)

                read, g = timed(gather, args.runs)
                drawn, document = timed(
                    lambda g=g, c=choice: report.html(g, c, today=today), args.runs
                )
                made, body = timed(lambda d=document: report.pdf(d), args.runs)
                total = read + drawn + made
                say(
                    f"  {label:<13} {g.moments.count:>6,} moments  read {read * 1000:6.0f} ms  "
                    f"html {drawn * 1000:5.0f} ms  pdf {made * 1000:6.0f} ms  "
                    f"total {total:5.2f} s  ({total / floor:5.1f}× the floor, "
                    f"{len(body) / 1024:,.0f} KiB)"
                )
                if days == rules.DEFAULT_DAYS:
                    worst = total
        finally:
            store.close()
        ok = worst <= GOAL_S
        verdict = "met" if ok else "NOT met"
        say(f"  goal: the four-week hand-off in at most {GOAL_S:.0f} s: {verdict}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
