"""Benchmark: hostile input to every form route of the web app, ten thousand cases and more.

The same fuzzer as tests/web/test_fuzz.py (tests/support/fuzz.py), at scale: the routes
come from the app's route table, their fields from the forms its pages show and the names
its handlers read, and each case is one request with a valid session and CSRF token and
some fields hostile (empty, missing, 10x their limit and 1 MB long, NUL, bytes that are
not UTF-8, other scripts' digits, huge or NaN numbers, dates out of range, ids of no
record or of another kind), sent urlencoded, as multipart (files too), JSON, text/plain,
under a garbled Content-Type, cut short or too large. The cases are spread evenly over
the routes, each route on its own copy of a journal with one of everything, in-process
(TestClient), so an exception that escapes the app is seen as what it is.

    uv run python bench/fuzz.py [CASES=10000] [--seed 1] [--route 'POST /moment' ...]

It prints the routes covered, the cases run, a histogram of statuses, the 5xx count, the
partial-write count (a refusal that changed rows, or a record that is not whole), the
slowest case and the wall time, and exits 1 if there is any 5xx or partial write. The
same seed and routes give the same cases; a suite failure names the command to rerun it.
Key derivation uses the cheap test parameters: unlocking is not what is measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EARNED_KDF_PROFILE", "test")
from tests.support import forms, fuzz  # noqa: E402 - after the path and the KDF profile
from tests.support.journals import make_template  # noqa: E402


def say(text: str = "") -> None:
    print(text, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="?", type=int, default=10_000, help="cases in all")
    parser.add_argument("--seed", type=int, default=1, help="the cases follow from it alone")
    parser.add_argument(
        "--route", action="append", default=[], help="only this route, e.g. 'POST /moment'"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    say(f"earned form fuzzer: {args.cases:,} cases, seed {args.seed}")
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="earned-fuzz-"))
    fuzzer: fuzz.Fuzzer | None = None
    try:
        seeded = fuzz.seed_journal(work, make_template(work / "template"))
        catalogue = fuzz.discover(work, seeded)
        routes = [
            r for r in catalogue.routes if not args.route or forms.name(r.route) in args.route
        ]
        unknown = set(args.route) - {forms.name(r.route) for r in routes}
        if unknown or not routes:
            say(f"  no such route: {', '.join(sorted(unknown)) or 'none chosen'}")
            return 2
        say(f"  {catalogue.pages} pages walked, {len(routes)} form routes found "
            f"({time.perf_counter() - began:.1f} s)")  # fmt: skip
        for route in catalogue.unreached():
            say(f"  (nothing leads to {forms.name(route)}: left out)")
        fuzzer = fuzz.Fuzzer(work / "cases", seeded, catalogue, seed=args.seed)
        tally = fuzz.Tally()
        say()
        say(f"  {'route':<42} {'cases':>6} {'5xx':>4} {'partial':>7}  statuses")
        for i, info in enumerate(routes):
            count = args.cases // len(routes) + (i < args.cases % len(routes))
            mine = fuzz.Tally()
            for case in fuzzer.cases(info, count):
                result = fuzzer.run(case)
                tally.add(result)
                mine.add(result)
            fuzzer.done_with(info.route)
            statuses = " ".join(f"{s}:{n}" for s, n in sorted(mine.statuses.items()))
            say(f"  {forms.name(info.route):<42} {mine.cases:>6} {mine.server_errors:>4} "
                f"{mine.partial_writes:>7}  {statuses}")  # fmt: skip
        wall = time.perf_counter() - began
        say()
        say(f"Routes covered: {len(tally.routes)}")
        say(f"Cases run: {tally.cases:,}")
        say("Statuses: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(tally.statuses.items())))
        say(f"5xx: {tally.server_errors}")
        say(f"Partial writes: {tally.partial_writes}")
        say(f"Slowest case: {tally.slowest[0] * 1000:.0f} ms ({fuzz.short(tally.slowest[1], 200)})")
        say(f"Wall time: {wall:.1f} s ({wall / max(tally.cases, 1) * 1000:.1f} ms a case)")
        if tally.problems:
            say()
            say(f"Problems ({len(tally.problems)}):")
            say(tally.report(most=20))
            routes_hit = sorted({forms.name(r.case.route) for r in tally.problems})
            again = " ".join(f"--route '{r}'" for r in routes_hit)
            say(f"Run their routes again: uv run python bench/fuzz.py {args.cases} "
                f"--seed {args.seed} {again}")  # fmt: skip
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "routes": sorted(forms.name(r) for r in tally.routes),
                        "cases": tally.cases,
                        "statuses": {str(s): n for s, n in sorted(tally.statuses.items())},
                        "server_errors": tally.server_errors,
                        "partial_writes": tally.partial_writes,
                        "seconds": round(wall, 1),
                    },
                    indent=1,
                )
            )
        return 1 if tally.server_errors or tally.partial_writes else 0
    finally:
        if fuzzer is not None:
            fuzzer.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
