"""Properties of the weekly practice counts (earned.regulation.weekly_counts): a row per
week, Mondays one week apart ending with this one, every practice in those weeks counted
once, the order of the practices irrelevant, and no practices just zeros."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from earned.regulation import week_start, weekly_counts
from tests.support.properties import examples, moments

days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
practice_times = st.lists(
    moments(lowest=datetime(2019, 6, 1), highest=datetime(2031, 1, 1)).map(
        lambda t: t.astimezone(UTC)
    ),
    max_size=40,
)


@given(practice_times, days, st.integers(1, 60), st.randoms(use_true_random=False))
@examples(100)
def test_weekly_counts_cover_each_week_once_in_order(
    times: list[datetime], today: date, weeks: int, rnd: random.Random
) -> None:
    counts = weekly_counts(times, today=today, weeks=weeks)
    assert len(counts) == weeks
    starts = [start for start, _n in counts]
    assert starts[-1] == week_start(today) and starts[-1] <= today
    assert all(s.weekday() == 0 for s in starts)
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(starts))
    shown = set(starts)
    assert sum(n for _s, n in counts) == sum(week_start(t.date()) in shown for t in times)
    assert all(n >= 0 for _s, n in counts)
    shuffled = list(times)
    rnd.shuffle(shuffled)
    assert weekly_counts(shuffled, today=today, weeks=weeks) == counts
    assert weekly_counts([], today=today, weeks=weeks) == [(s, 0) for s in starts]
