"""Benchmark: the progress dashboard (/progress) and its analytics.

1. Server time of /progress on three years of dense data: bench/journal.py's journal with
   19 activations a day (20,805), topped up to 5,000 practice logs, plus the demo
   person's 36 months (questionnaires, a year and more of ladder tries and belief
   ratings, people). The median of fresh-connection requests, with the trivial page
   /pause measured in the same run as the floor. Goal: at most 100 ms.
2. How the analytics grow with the data: the four signs and their trends (the store's
   reads, the weekly medians and shares, Theil-Sen and Mann-Kendall) on a journal whose
   26-week window holds N moments, and on one holding 10 N. Goal: 10x the data at most
   12x the time.

    uv run python bench/progress.py [--runs 15]

A script, not a test: it takes a minute or two. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from journal import PASSPHRASE, build_earned  # noqa: E402
from pages import Client, add_demo, bench_env, say, start_server  # noqa: E402

GOAL_MS = 100.0
PRACTICES = 5_000


def top_up_practices(total: int, seed: int) -> tuple[int, int]:
    """Add practice logs until the journal holds `total`; returns how many it holds, and
    how many questionnaires."""
    from sqlalchemy import func, insert, select

    from earned import paths
    from earned.store import personal
    from earned.store.models import AssessmentRow, PracticeRow

    store, _key = personal.unlock(paths.profile(), PASSPHRASE)
    try:
        with store.session() as s:
            have = int(s.scalar(select(func.count()).select_from(PracticeRow)) or 0)
            rng = random.Random(seed)
            now = datetime.now(UTC)
            rows = [
                {
                    "id": f"{rng.getrandbits(128):032x}",
                    "kind": "breathing-box",
                    "started_at": now - timedelta(minutes=rng.randrange(1, 3 * 365 * 24 * 60)),
                    "seconds": 180,
                }
                for _ in range(max(0, total - have))
            ]
            if rows:
                s.execute(insert(PracticeRow), rows)
            taken = int(s.scalar(select(func.count()).select_from(AssessmentRow)) or 0)
            return have + len(rows), taken
    finally:
        store.close()


def dashboard(runs: int) -> tuple[float, float, float]:
    """(median ms of /progress, of /pause, their ratio) on the three-year journal."""
    work = Path(tempfile.mkdtemp(prefix="earned-progress-"))
    env = bench_env(work)
    began = time.perf_counter()
    rows = build_earned(env, 3 * 365, 19, 11)
    add_demo(3 * 365)
    practices, taken = top_up_practices(PRACTICES, 12)
    say(f"  journal: {rows:,} activations, {practices:,} practice logs, {taken} questionnaires "
        f"and the demo person's program ({time.perf_counter() - began:.0f} s)")  # fmt: skip
    proc, port = start_server(env)
    try:
        client = Client(port)
        client.unlock()
        for path in ("/progress", "/pause"):
            client.get(path)  # warm-up
        took: dict[str, list[float]] = {"/progress": [], "/pause": []}
        for _ in range(runs):
            for path in took:
                seconds, status, _size = client.get(path)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}")
                took[path].append(seconds * 1000)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    page, floor = (statistics.median(took[p]) for p in ("/progress", "/pause"))
    return page, floor, page / floor


def analytics_ms(per_day: int, runs: int) -> tuple[int, float]:
    """(moments in the window, median ms of the four signs and their trends)."""
    work = Path(tempfile.mkdtemp(prefix="earned-analytics-"))
    env = bench_env(work)
    build_earned(env, 26 * 7, per_day, 13)
    from earned import paths, trends
    from earned.store import personal
    from earned.store import progress as gather

    store, _key = personal.unlock(paths.profile(), PASSPHRASE)
    try:
        times = []
        with store.session() as s:
            now = datetime.now(UTC)
            for _ in range(runs):
                began = time.perf_counter()
                series = gather.signs(session=s, now=now, zone=UTC)
                for sign in trends.SIGNS:
                    trends.trend(series[sign.key])
                times.append((time.perf_counter() - began) * 1000)
    finally:
        store.close()
    return 26 * 7 * per_day, statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    say("earned progress benchmark")
    page, floor, ratio = dashboard(args.runs)
    mark = "" if page <= GOAL_MS else "  OVER GOAL"
    say(f"  /progress {page:.1f} ms median, /pause {floor:.1f} ms (x{ratio:.1f}); "
        f"goal {GOAL_MS:.0f} ms{mark}")  # fmt: skip
    small_n, small = analytics_ms(2, args.runs)
    large_n, large = analytics_ms(20, args.runs)
    grew = large / small
    mark = "" if grew <= 12 else "  OVER GOAL"
    say(f"  analytics: {small_n:,} moments in the window {small:.1f} ms, {large_n:,} moments "
        f"{large:.1f} ms: {large_n / small_n:.0f}x the data, {grew:.1f}x the time "
        f"(goal at most 12x){mark}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
