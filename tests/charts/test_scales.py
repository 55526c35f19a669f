"""Scales: nice ticks a person can read, and date ticks that name the year when needed."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from earned.charts.scales import Dates, Linear, date_ticks, nice_step, nice_ticks


def test_ticks_on_the_answer_scale_and_on_awkward_ranges() -> None:
    assert nice_ticks(1, 5) == [1, 2, 3, 4, 5]
    assert nice_ticks(0.13, 0.87) == [0.2, 0.4, 0.6, 0.8]
    assert nice_ticks(-3.2, 41.7) == [0, 10, 20, 30, 40]
    assert nice_ticks(0, 27, most=4) == [0, 10, 20]
    assert nice_ticks(2, 2) == [2]
    assert nice_ticks(5, 1) == [1, 2, 3, 4, 5]  # reversed bounds read the same
    assert nice_ticks(0, math.inf) == []


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=300)
@given(finite, finite, st.integers(min_value=1, max_value=12))
def test_ticks_are_round_evenly_spaced_inside_the_range_and_few(
    a: float, b: float, most: int
) -> None:
    lo, hi = min(a, b), max(a, b)
    ticks = nice_ticks(lo, hi, most)
    if hi == lo:
        assert ticks == [lo]
        return
    step = nice_step(hi - lo, most)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))
    assert len(ticks) <= most + 1
    tolerance = 1e-6 * max(1.0, abs(lo), abs(hi))
    assert all(lo - tolerance <= t <= hi + tolerance for t in ticks)
    for x, y in itertools.pairwise(ticks):
        assert math.isclose(y - x, step, rel_tol=1e-6, abs_tol=1e-9)


def test_linear_maps_ends_to_ends_and_a_flat_domain_to_the_middle() -> None:
    y = Linear(1, 5, 200, 20)
    assert (y(1), y(5), y(3)) == (200, 20, 110)
    assert Linear(2, 2, 0, 100)(2) == 50


def test_dates_map_by_day_and_one_day_sits_in_the_middle() -> None:
    x = Dates(date(2026, 1, 1), date(2026, 1, 11), 0, 100)
    assert x(date(2026, 1, 6)) == 50
    assert Dates(date(2026, 1, 1), date(2026, 1, 1), 0, 100)(date(2026, 1, 1)) == 50


def test_date_ticks_choose_days_weeks_months_or_years() -> None:
    days = date_ticks(date(2026, 11, 26), date(2026, 11, 30))
    assert [label for _d, label in days] == ["26 Nov", "27 Nov", "28 Nov", "29 Nov", "30 Nov"]
    weeks = date_ticks(date(2026, 10, 20), date(2026, 11, 30))
    assert all(b - a == timedelta(days=7) for (a, _), (b, _) in itertools.pairwise(weeks))
    months = date_ticks(date(2026, 9, 1), date(2026, 11, 30))
    assert [label for _d, label in months] == ["Sep", "Oct", "Nov"]
    span = date_ticks(date(2025, 5, 29), date(2026, 11, 30))
    labels = [label for _d, label in span]
    assert labels[0].endswith("2025") and "Jan 2026" in labels  # the year is named
    years = date_ticks(date(2019, 3, 3), date(2026, 11, 30))
    assert all(label.isdigit() and len(label) == 4 for _d, label in years)


@settings(max_examples=300)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=2, max_value=10),
)
def test_date_ticks_stay_inside_ascend_and_are_few(first: date, days: int, most: int) -> None:
    last = first + timedelta(days=days)
    ticks = date_ticks(first, last, most)
    assert all(first <= d <= last for d, _label in ticks)
    assert [d for d, _ in ticks] == sorted({d for d, _ in ticks})
    assert len(ticks) <= max(most, 1) + 1
    assert all(label for _d, label in ticks)


def test_a_range_near_the_smallest_float_still_has_a_step() -> None:
    assert nice_step(5e-324, 2) == 1e-300
    assert nice_ticks(0.0, 5e-324, 1) == [0.0]
