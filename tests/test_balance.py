"""The over-focus check (earned.balance), on weeks written with its rule in mind: clear
cases either side, the edges of WOUND_MIN and CAPACITY_SHARE, and quiet weeks."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from earned import balance
from earned.balance import WeekMix, over_focused
from tests.support import T0


def test_weeks_spent_mostly_on_the_wound_ask_for_balance() -> None:
    assert over_focused([WeekMix(6, 0), WeekMix(5, 1), WeekMix(2, 3), WeekMix(4, 1)])


def test_a_turn_to_something_steadying_this_week_needs_no_nudge() -> None:
    assert not over_focused([WeekMix(6, 0), WeekMix(5, 1), WeekMix(4, 1), WeekMix(2, 3)])
    assert not over_focused([WeekMix(6, 0), WeekMix(5, 1), WeekMix(4, 1), WeekMix(0, 0)])


def test_the_wound_alongside_steadying_practice_is_balance_already() -> None:
    assert not over_focused([WeekMix(6, 3), WeekMix(5, 2), WeekMix(4, 2), WeekMix(6, 4)])


def test_two_heavy_weeks_are_not_yet_a_pattern() -> None:
    assert not over_focused([WeekMix(6, 0), WeekMix(6, 0), WeekMix(1, 0), WeekMix(0, 0)])


def test_a_little_writing_or_a_quiet_week_is_never_over_focus() -> None:
    few = balance.WOUND_MIN - 1
    assert not over_focused([WeekMix(few, 0)] * balance.WEEKS)
    assert not over_focused([WeekMix(0, 0)] * balance.WEEKS)


def test_the_share_of_steadying_records_is_the_edge() -> None:
    at_edge = WeekMix(8, int(8 * balance.CAPACITY_SHARE))
    past_edge = WeekMix(8, int(8 * balance.CAPACITY_SHARE) + 1)
    assert at_edge.focused and not past_edge.focused


def test_the_weeks_are_seven_days_each_ending_now() -> None:
    edges = balance.edges(T0)
    assert edges[-1] == T0 and len(edges) == balance.WEEKS + 1
    assert {b - a for a, b in pairwise(edges)} == {timedelta(days=7)}


def test_the_person_can_turn_it_off() -> None:
    assert balance.enabled(None) and balance.enabled("on") and not balance.enabled("off")
