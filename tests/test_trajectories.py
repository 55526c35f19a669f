"""The progress page's trajectories as pure rules (earned.trajectories): how a latest
result's verdicts read together, which results are shown, when a belief's rise meets step
10, and the ladder's months and sentence."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from earned import trajectories
from earned.assessment import Assessment, trajectory
from earned.beliefs import Point
from earned.instruments import load
from earned.instruments.reliable_change import ReliableChange, points_change
from earned.ladder import GAP_WINDOW, GapPoint
from tests.support import T0


def who5(when: datetime, value: int) -> Assessment:
    return Assessment(
        id=f"a{when:%j%H%M}",
        instrument_id="who5",
        started_at=when,
        completed_at=when,
        answers=dict.fromkeys((i.number for i in load("who5").items), value),
    )


def change(before: float, after: float) -> ReliableChange:
    return points_change(before, after, points=10, lower_is_better=False)


def test_a_harder_verdict_on_any_dimension_leads_then_better_then_steady() -> None:
    better, steady, harder = change(40, 60), change(40, 45), change(60, 40)
    assert trajectories.lean([better, harder]) == "harder"
    assert trajectories.lean([steady, better]) == "better"
    assert trajectories.lean([steady, None]) == "steady"
    assert trajectories.lean([None, None]) == "unjudged"
    assert trajectories.lean([]) == "unjudged"


def test_the_latest_lean_is_the_newest_against_the_one_before() -> None:
    steps = trajectory([who5(T0 + timedelta(days=30 * n), v) for n, v in enumerate((1, 4, 2))])
    assert trajectories.latest_lean(steps) == "harder"  # 80 -> 40 on WHO-5's 0 to 100
    assert trajectories.latest_lean(steps[:2]) == "better"
    assert trajectories.latest_lean(steps[:1]) == "unjudged"  # the first: nothing before
    assert trajectories.latest_lean([]) == "unjudged"
    # Taken a week after the one before: too soon to compare, so no verdict at all.
    soon = trajectory([who5(T0, 1), who5(T0 + timedelta(days=7), 4)])
    assert trajectories.latest_lean(soon) == "unjudged"


def test_the_extra_result_read_only_to_judge_the_oldest_shown_is_dropped() -> None:
    steps = trajectory([who5(T0 + timedelta(days=30 * n), 1 + n % 4) for n in range(5)])
    shown = trajectories.shown_steps(steps, read=5, most=4)
    assert shown == steps[1:]
    assert shown[0].changes  # still judged against the one before it, which is not shown
    assert trajectories.shown_steps(steps, read=5, most=5) == steps
    assert trajectories.shown_steps(steps[:2], read=2, most=4) == steps[:2]


@pytest.mark.parametrize(
    ("strengths", "rose"),
    [((60, 70), True), ((60, 69), False), ((80, 50, 75), False), ((70,), False)],
)
def test_a_belief_feeling_clearly_more_true_meets_step_10(
    strengths: tuple[int, ...], rose: bool
) -> None:
    points = [Point(T0 + timedelta(days=n), s, None) for n, s in enumerate(strengths)]
    assert trajectories.belief_rose(points) is rose


def test_the_ladder_span_counts_months_and_says_whether_guesses_come_closer() -> None:
    def gap_at(day: int, gap: int) -> GapPoint:
        return GapPoint(datetime(2026, 1, 1) + timedelta(days=day), 60, 60 - gap, gap)

    closing = [gap_at(n * 10, 40 - 3 * n) for n in range(2 * GAP_WINDOW)]
    span = trajectories.ladder_span(closing, went_well=7, ever=True)
    assert span.done == 2 * GAP_WINDOW and span.went_well == 7 and span.closing is True
    # Every ten days from 1 Jan: Jan 1, 11, 21, 31; Feb 10, 20; Mar 2, 12, 22; Apr 1.
    assert [n for _m, _g, n in span.months] == [4, 2, 3, 1]
    said = trajectories.ladder_sentence(span)
    assert said.startswith(f"{2 * GAP_WINDOW} step(s) done") and "7 went reasonably well" in said
    assert trajectories.words()["sections"]["ladder"]["closing"] in said
    widening = trajectories.ladder_span(closing[::-1], went_well=0, ever=True)
    assert trajectories.words()["sections"]["ladder"]["finding"] in (
        trajectories.ladder_sentence(widening)
    )
    few = trajectories.ladder_span(closing[:3], went_well=1, ever=True)
    assert few.closing is None
    assert trajectories.ladder_sentence(few) == (
        "3 step(s) done with a guess and a result in the last twelve months; 1 went "
        "reasonably well."
    )


def test_a_stored_time_falls_in_the_persons_own_month() -> None:
    late = datetime(2026, 4, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert trajectories.local_naive(late, ZoneInfo("Asia/Tokyo")).date() == date(2026, 5, 1)
    assert trajectories.local_naive(late, None).date() == date(2026, 4, 30)
    assert trajectories.local_naive(late, None).tzinfo is None


def test_the_ladder_window_is_whole_months_in_the_persons_zone() -> None:
    now = datetime(2026, 6, 3, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert trajectories.ladder_since(now, None) == datetime(2025, 7, 1, tzinfo=ZoneInfo("UTC"))
    tokyo = trajectories.ladder_since(now, ZoneInfo("Asia/Tokyo"), months=1)
    assert tokyo == datetime(2026, 5, 31, 15, 0, tzinfo=ZoneInfo("UTC"))  # 1 June, 00:00 there
    january = datetime(2026, 1, 10, tzinfo=ZoneInfo("UTC"))
    assert trajectories.ladder_since(january, None, months=3).date() == date(2025, 11, 1)
