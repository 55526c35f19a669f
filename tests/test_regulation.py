"""Regulation domain (earned.regulation): breathing patterns, practice bounds, weekly counts
(never a streak) and the toolkit ranked by the median drop each tool gives. Pure, frozen time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from earned import regulation
from earned.errors import EarnedError
from earned.regulation import BREATHING, weekly_counts
from earned.toolkit import ToolUse, rank_tools

# A Wednesday; its week starts on Monday 2 March 2026.
TODAY = date(2026, 3, 4)
MONDAY = date(2026, 3, 2)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


# --- breathing patterns ------------------------------------------------------------------------


def test_the_three_patterns_exist() -> None:
    assert set(BREATHING) == {"box", "478", "coherent"}
    for key, pattern in BREATHING.items():
        assert pattern.key == key
        assert pattern.title and pattern.description
        assert pattern.phases[0].name == "in"
        assert any(p.name == "out" for p in pattern.phases)
        assert all(p.seconds > 0 and p.label for p in pattern.phases)
        assert f"breathing-{key}" in regulation.PRACTICE_KINDS


def test_box_is_four_equal_sides_of_four_seconds() -> None:
    box = BREATHING["box"]
    assert [p.name for p in box.phases] == ["in", "hold", "out", "rest"]
    assert [p.seconds for p in box.phases] == [4, 4, 4, 4]
    assert box.cycle_seconds == 16
    assert box.breaths_per_minute == pytest.approx(3.75)


def test_four_seven_eight() -> None:
    p478 = BREATHING["478"]
    assert [(p.name, p.seconds) for p in p478.phases] == [("in", 4), ("hold", 7), ("out", 8)]
    assert p478.cycle_seconds == 19
    assert p478.breaths_per_minute == pytest.approx(60 / 19)


def test_coherent_is_about_five_and_a_half_breaths_a_minute() -> None:
    coherent = BREATHING["coherent"]
    assert [p.name for p in coherent.phases] == ["in", "out"]
    inhale, exhale = coherent.phases
    assert inhale.seconds == exhale.seconds  # even in and out
    assert coherent.cycle_seconds == pytest.approx(10.9)
    assert coherent.breaths_per_minute == pytest.approx(5.5, abs=0.05)


def test_durations_are_short_sorted_choices() -> None:
    assert list(regulation.DURATIONS_MINUTES) == sorted(set(regulation.DURATIONS_MINUTES))
    assert regulation.DURATIONS_MINUTES[0] == 1
    assert all(0 < m <= 30 for m in regulation.DURATIONS_MINUTES)


# --- practice bounds ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(regulation.PRACTICE_KINDS))
@pytest.mark.parametrize("seconds", [1, 60, regulation.MAX_PRACTICE_SECONDS])
def test_check_practice_accepts_every_kind_within_bounds(kind: str, seconds: int) -> None:
    regulation.check_practice(kind, seconds)


@pytest.mark.parametrize("seconds", [0, -1, -600, regulation.MAX_PRACTICE_SECONDS + 1, 10**9])
def test_check_practice_refuses_lengths_out_of_bounds(seconds: int) -> None:
    with pytest.raises(EarnedError, match="between a second and four hours") as raised:
        regulation.check_practice("movement", seconds)
    assert raised.value.status == 400


@pytest.mark.parametrize("kind", ["", "breathing", "breathing-square", "Movement", "yoga"])
def test_check_practice_refuses_unknown_kinds(kind: str) -> None:
    with pytest.raises(EarnedError, match="Unknown practice"):
        regulation.check_practice(kind, 60)


# --- weekly counts, never a streak -------------------------------------------------------------


def test_week_start_is_monday() -> None:
    for offset in range(7):
        assert regulation.week_start(MONDAY + timedelta(days=offset)) == MONDAY
    assert regulation.week_start(MONDAY - timedelta(days=1)) == MONDAY - timedelta(weeks=1)


def test_weekly_counts_with_empty_weeks() -> None:
    times = [
        at(MONDAY, 0),  # the first hour of this week
        at(TODAY, 8),
        at(MONDAY - timedelta(days=1), 23),  # Sunday night: last week
        at(MONDAY - timedelta(weeks=3) + timedelta(days=4)),
        at(MONDAY - timedelta(weeks=3) + timedelta(days=5)),
        at(MONDAY - timedelta(weeks=3) + timedelta(days=6)),
        at(MONDAY - timedelta(weeks=7)),  # the oldest week shown
        at(MONDAY - timedelta(weeks=8)),  # just outside the eight weeks
    ]
    counts = weekly_counts(times, today=TODAY)
    assert [week for week, _n in counts] == [MONDAY - timedelta(weeks=w) for w in range(7, -1, -1)]
    assert [n for _week, n in counts] == [1, 0, 0, 0, 3, 0, 1, 2]
    assert all(week.weekday() == 0 for week, _n in counts)


def test_weekly_counts_with_nothing_at_all_is_eight_zeros() -> None:
    assert weekly_counts([], today=TODAY) == [
        (MONDAY - timedelta(weeks=w), 0) for w in range(7, -1, -1)
    ]


def test_weekly_counts_number_of_weeks_and_order_of_input() -> None:
    times = [at(TODAY), at(MONDAY - timedelta(weeks=1)), at(TODAY, 7)]
    assert weekly_counts(times, today=TODAY, weeks=2) == [
        (MONDAY - timedelta(weeks=1), 1),
        (MONDAY, 2),
    ]
    assert weekly_counts(list(reversed(times)), today=TODAY, weeks=2) == weekly_counts(
        times, today=TODAY, weeks=2
    )


def test_no_streak_a_quiet_week_changes_no_other_week() -> None:
    """Each week stands alone: removing every practice from one week only zeroes that week."""
    weeks = [MONDAY - timedelta(weeks=w) for w in range(8)]
    times = [at(w + timedelta(days=2)) for w in weeks for _ in range(2)]
    full = weekly_counts(times, today=TODAY)
    assert [n for _w, n in full] == [2] * 8
    gap = weeks[4]
    without = [t for t in times if regulation.week_start(t.date()) != gap]
    counts = dict(weekly_counts(without, today=TODAY))
    assert counts[gap] == 0
    assert {w: n for w, n in counts.items() if w != gap} == {w: 2 for w in weeks if w != gap}
    # The result is only (week, count) pairs: nothing carries over from week to week.
    assert all(isinstance(n, int) for _w, n in full)
    assert not [name for name in dir(regulation) if "streak" in name.lower()]


# --- the toolkit ranking -----------------------------------------------------------------------


def uses(tool_id: str, *pairs: tuple[int, int]) -> list[ToolUse]:
    start = at(MONDAY)
    return [
        ToolUse(tool_id, before, after, start + timedelta(hours=i))
        for i, (before, after) in enumerate(pairs)
    ]


def test_tool_use_drop() -> None:
    assert ToolUse("a", 8, 3, at(TODAY)).drop == 5
    assert ToolUse("a", 2, 6, at(TODAY)).drop == -4


def test_rank_tools_by_median_drop_with_untried_last() -> None:
    tools = {
        "walk": "Walk round the block",  # drops 3, 1, 2 -> median 2, three uses
        "water": "Cold water",  # drops 5, 0 -> median 2.5
        "bath": "Bath",  # drops 2, 2 -> median 2, two uses (fewer than walk)
        "music": "Music",  # drops 1, 1, 0, 4 -> median 1
        "scroll": "Scrolling",  # drops -1, 0, -2 -> median -1: it tends to make it worse
        "zebra": "zebra colouring",  # untried
        "apple": "Apple slices",  # untried
    }
    history = [
        *uses("walk", (8, 5), (6, 5), (7, 5)),
        *uses("water", (9, 4), (5, 5)),
        *uses("bath", (6, 4), (5, 3)),
        *uses("music", (4, 3), (5, 4), (3, 3), (9, 5)),
        *uses("scroll", (5, 6), (4, 4), (3, 5)),
        *uses("archived-tool", (10, 0), (10, 0)),  # not on the list any more: ignored
    ]
    ranks = rank_tools(tools, history)
    assert [r.tool_id for r in ranks] == [
        "water",
        "walk",
        "bath",
        "music",
        "scroll",
        "apple",
        "zebra",
    ]
    by_id = {r.tool_id: r for r in ranks}
    assert by_id["water"].median_drop == 2.5
    assert by_id["walk"].median_drop == 2
    assert by_id["bath"].median_drop == 2
    assert by_id["music"].median_drop == 1
    assert by_id["scroll"].median_drop == -1
    assert by_id["apple"].median_drop is None and by_id["apple"].uses == 0
    assert [by_id[t].uses for t in ("walk", "water", "bath", "music", "scroll")] == [3, 2, 2, 4, 3]
    assert by_id["walk"].name == "Walk round the block"


def test_rank_tools_ties_break_by_uses_then_name() -> None:
    tools = {"b": "beta", "a": "Alpha", "c": "gamma"}
    history = [*uses("b", (5, 3)), *uses("a", (5, 3)), *uses("c", (5, 3), (6, 4))]
    assert [r.name for r in rank_tools(tools, history)] == ["gamma", "Alpha", "beta"]


def test_rank_tools_with_no_tools_or_no_uses() -> None:
    assert rank_tools({}, uses("a", (5, 1))) == []
    ranks = rank_tools({"x": "b tool", "y": "A tool"}, [])
    assert [(r.name, r.uses, r.median_drop) for r in ranks] == [
        ("A tool", 0, None),
        ("b tool", 0, None),
    ]
