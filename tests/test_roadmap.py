"""The roadmap's steps, states and its one suggestion, from signals alone."""

from __future__ import annotations

import pytest

from earned import roadmap
from earned.recommit import Finding, Slip
from earned.roadmap import Activity, Signals, suggest, suggestion_key

SLIPPED = Finding(enough=True, slips=(Slip("intensity", 4.0, 7.0, 3),), began_weeks_ago=3)
STEADY = Finding(enough=True)


def test_the_starting_point_and_ten_steps_in_order_each_with_why_and_somewhere_to_go() -> None:
    steps = roadmap.steps()
    assert [s.number for s in steps] == list(range(11))
    assert steps[0].label == "Starting point" and steps[5].label == "Step 5"
    for s in steps:
        assert len(s.why) >= 2 and all(len(p) > 60 for p in s.why), s.key
        assert s.links and all(href.startswith("/") for _, href in s.links), s.key
    assert roadmap.step("doses") == steps[5]
    assert roadmap.step("nonsense") is None


@pytest.mark.parametrize(
    ("activity", "state"),
    [
        (Activity(0, 0, False), "not_yet"),
        (Activity(0, 0, True), "before"),
        (Activity(0, 2, True), "active"),
        (Activity(1, 1, True), "active"),
    ],
)
def test_a_step_is_active_lately_worked_before_or_not_begun(activity: Activity, state: str) -> None:
    assert activity.state == state
    assert state in roadmap.words()["states"]


def test_practice_kinds_belong_to_their_steps() -> None:
    assert roadmap.step_of_practice("breathing-box") == "regulate"
    assert roadmap.step_of_practice("secure-figure-meeting") == "figure"
    assert roadmap.step_of_practice("compassion-break") == "compassion"


def test_a_slip_comes_first_until_the_person_has_begun_again() -> None:
    assert suggestion_key(Signals(has_start=False, finding=SLIPPED)) == "recommit"
    after = Signals(has_start=True, finding=SLIPPED, recommitted_since=True)
    assert suggestion_key(after) != "recommit"


def test_no_starting_point_suggests_the_questionnaire() -> None:
    assert suggestion_key(Signals(has_start=False, finding=STEADY)) == "start"


def test_many_unsettled_moments_suggest_settling_before_beliefs_or_closeness() -> None:
    signals = Signals(
        has_start=True,
        unsettled=roadmap.UNSETTLED_MIN,
        belief_due=("b1", "I am too much"),
        avoidance=(5.5, 90.0),
    )
    assert suggestion_key(signals) == "regulate"
    fewer = Signals(has_start=True, unsettled=roadmap.UNSETTLED_MIN - 1, belief_due=("b1", "x"))
    assert suggestion_key(fewer) == "belief"


def test_a_due_belief_is_named_and_linked() -> None:
    made = suggest(Signals(has_start=True, belief_due=("abc123", "If I need people, they leave")))
    assert made.key == "belief"
    assert "If I need people, they leave" in made.why
    assert made.href == "/beliefs/abc123"


def test_high_avoidance_suggests_a_closeness_rung_and_high_anxiety_waiting() -> None:
    # By percentile of the reference sample where there is one, else by the scale midpoint.
    assert suggestion_key(Signals(has_start=True, avoidance=(3.0, 80.0))) == "closeness"
    assert suggestion_key(Signals(has_start=True, avoidance=(4.5, None))) == "closeness"
    assert suggestion_key(Signals(has_start=True, avoidance=(3.0, 50.0), moments_lately=3)) == (
        "compassion"
    )
    assert suggestion_key(Signals(has_start=True, anxiety=(5.0, 88.0))) == "waiting"
    both = Signals(has_start=True, anxiety=(5.0, 88.0), avoidance=(5.0, 88.0))
    assert suggestion_key(both) == "closeness"


def test_without_recent_moments_noticing_is_offered() -> None:
    assert suggestion_key(Signals(has_start=True, moments_lately=0)) == "notice"
    assert suggestion_key(Signals(has_start=True, moments_lately=4)) == "compassion"


def test_every_suggestion_has_words_and_a_local_address() -> None:
    for key, said in roadmap.words()["suggestions"].items():
        assert said["title"] and said["why"] and said["action"], key
        assert said["href"].startswith("/"), key
