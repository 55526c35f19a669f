"""The exposure ladder in the store (earned/store/ladder.py), on an encrypted SQLite file and
on PostgreSQL alike: rungs, the two halves of an attempt, evidence and the suggestion,
the gap's data, urge timers counted as attempts, the week's count, and nothing saved
half when a value is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from earned import ladder as rules
from earned.errors import EarnedError
from earned.ladder import Attempt, Rung
from earned.store import Store, ladder, urge_timers
from earned.store.models import LadderAttemptRow, LadderRungRow

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def add(store: Store, title: str, difficulty: Any, urge: str | None = None) -> Rung:
    with store.session() as s:
        return ladder.add_rung(session=s, title=title, difficulty=difficulty, urge=urge, now=NOW)


def tried(
    store: Store, rung_id: str, predicted: int, actual: int, well: bool, *, at: datetime = NOW
) -> Attempt:
    with store.session() as s:
        return ladder.try_attempt(
            session=s,
            rung_id=rung_id,
            predicted=predicted,
            now=at,
            after=rules.check_after(actual, "it went", well),
        )


def test_rungs_from_a_suggestion_and_of_ones_own_are_listed_easiest_first(store: Store) -> None:
    hard = add(store, "Say I missed them", 70)
    with store.session() as s:
        wait = ladder.add_from_template(session=s, key="wait-before-text", now=NOW)
    easy = add(store, "  Ask for a lift ", "15", urge="leave")
    assert (easy.title, easy.difficulty, easy.pattern, easy.urge) == (
        "Ask for a lift",
        15,
        "own",
        "leave",
    )
    suggested = rules.templates()["wait-before-text"]
    assert (wait.pattern, wait.template, wait.difficulty, wait.urge) == (
        "anxious",
        "wait-before-text",
        suggested.difficulty,
        suggested.urge,
    )
    with store.session() as s:
        assert [r.id for r in ladder.rungs(session=s)] == [easy.id, wait.id, hard.id]


def test_the_same_title_twice_is_one_rung_until_it_is_put_away(store: Store) -> None:
    first = add(store, "Ask for a lift", 20)
    assert add(store, "ASK for a LIFT", 40).id == first.id
    assert count(store, LadderRungRow) == 1
    with store.session() as s:
        ladder.archive_rung(session=s, rung_id=first.id)
    again = add(store, "ask for a lift", 20)
    assert again.id != first.id
    with store.session() as s:
        assert [r.id for r in ladder.rungs(session=s)] == [again.id]
        assert {r.id for r in ladder.rungs(session=s, archived=True)} == {first.id, again.id}


def test_editing_a_rung_checks_every_field_first(store: Store) -> None:
    made = add(store, "Ask for a lift", 20)
    with store.session() as s:
        edited = ladder.edit_rung(
            session=s,
            rung_id=made.id,
            title="Ask Sam for a lift",
            difficulty=35,
            urge="manage alone",
        )
    assert (edited.title, edited.difficulty, edited.urge) == (
        "Ask Sam for a lift",
        35,
        "manage alone",
    )
    with pytest.raises(EarnedError, match="from 0"), store.session() as s:
        ladder.edit_rung(session=s, rung_id=made.id, title="changed", difficulty=500, urge=None)
    with store.session() as s:
        assert ladder.get_rung(session=s, rung_id=made.id).title == "Ask Sam for a lift"
    with pytest.raises(EarnedError, match="rung does not exist"), store.session() as s:
        ladder.edit_rung(session=s, rung_id="0" * 32, title="x", difficulty=1, urge=None)


def test_plan_now_and_record_later(store: Store) -> None:
    rung = add(store, "Ask for a lift", 20)
    with store.session() as s:
        planned = ladder.plan_attempt(
            session=s, rung_id=rung.id, predicted="60", feared="they say no", now=NOW
        )
    assert not planned.done and planned.feared == "they say no"
    with store.session() as s:
        assert ladder.latest_open(session=s, rung_id=rung.id) == planned
        done = ladder.record_after(
            session=s,
            attempt_id=planned.id,
            actual="25",
            happened="they said yes",
            went_well="yes",
            now=NOW + HOUR,
        )
    assert (done.done_at, done.actual, done.went_well, done.gap) == (NOW + HOUR, 25, True, 35)
    # A correction keeps the time it was done.
    with store.session() as s:
        fixed = ladder.record_after(
            session=s,
            attempt_id=planned.id,
            actual=30,
            happened=None,
            went_well=False,
            now=NOW + 5 * HOUR,
        )
        assert ladder.latest_open(session=s, rung_id=rung.id) is None
    assert (fixed.done_at, fixed.actual, fixed.went_well, fixed.updated_at) == (
        NOW + HOUR,
        30,
        False,
        NOW + 5 * HOUR,
    )


def test_a_refused_value_saves_nothing(store: Store) -> None:
    rung = add(store, "Ask for a lift", 20)
    with pytest.raises(EarnedError, match="How hard was it"), store.session() as s:
        ladder.try_attempt(
            session=s,
            rung_id=rung.id,
            predicted=50,
            now=NOW,
            after=rules.check_after(101, None, True),
        )
    with pytest.raises(EarnedError, match="feared outcome"), store.session() as s:
        ladder.plan_attempt(
            session=s, rung_id=rung.id, predicted=50, now=NOW, feared="x" * (rules.MAX_FEARED + 1)
        )
    with pytest.raises(EarnedError, match="rung does not exist"), store.session() as s:
        ladder.plan_attempt(session=s, rung_id="0" * 32, predicted=50, now=NOW)
    assert count(store, LadderAttemptRow) == 0
    with store.session() as s:
        planned = ladder.plan_attempt(session=s, rung_id=rung.id, predicted=50, now=NOW)
    with pytest.raises(EarnedError, match="yes or no"), store.session() as s:
        ladder.record_after(
            session=s, attempt_id=planned.id, actual=20, happened="x", went_well="perhaps", now=NOW
        )
    with store.session() as s:
        assert not ladder.get_attempt(session=s, attempt_id=planned.id).done


def test_a_repeated_token_saves_one_attempt(store: Store) -> None:
    rung = add(store, "Ask for a lift", 20)
    made = []
    for _ in range(2):
        with store.session() as s:
            made.append(
                ladder.plan_attempt(
                    session=s, rung_id=rung.id, predicted=40, now=NOW, client_token="tok-1"
                )
            )
    assert made[0] == made[1]
    assert count(store, LadderAttemptRow) == 1


def test_evidence_and_the_suggestion_follow_the_attempts(store: Store) -> None:
    easy = add(store, "Ask for a lift", 20)
    mid = add(store, "Share one more thing", 50)
    with store.session() as s:
        start = ladder.ladder(session=s)
    assert start.climb.current is None and start.climb.next == easy
    for n in range(rules.EVIDENCE_TO_CLIMB - 1):
        tried(store, easy.id, 60, 30, True, at=NOW + n * HOUR)
    tried(store, easy.id, 60, 70, False, at=NOW + 10 * HOUR)
    with store.session() as s:
        view = ladder.ladder(session=s)
    assert view.evidence == {easy.id: rules.EVIDENCE_TO_CLIMB - 1}
    assert view.tries == {easy.id: rules.EVIDENCE_TO_CLIMB}
    assert view.climb.current == easy and view.climb.next is None
    tried(store, easy.id, 50, 20, True, at=NOW + 11 * HOUR)
    with store.session() as s:
        view = ladder.ladder(session=s)
    assert view.climb.ready and view.climb.next == mid


def test_the_gap_points_are_oldest_first_limited_to_the_latest(store: Store) -> None:
    rung = add(store, "Ask for a lift", 20)
    other = add(store, "Share one more thing", 50)
    for n, actual in enumerate((20, 30, 40)):
        tried(store, rung.id, 60, actual, True, at=NOW + n * HOUR)
    tried(store, other.id, 90, 10, True, at=NOW + 10 * HOUR)
    with store.session() as s:
        ladder.plan_attempt(session=s, rung_id=rung.id, predicted=10, now=NOW + 20 * HOUR)
        mine = ladder.gap_points(session=s, rung_id=rung.id)
        latest = ladder.gap_points(session=s, rung_id=rung.id, limit=2)
        everything = ladder.gap_points(session=s, since=NOW + HOUR)
    assert [p.gap for p in mine] == [40, 30, 20]
    assert [p.gap for p in latest] == [30, 20]
    assert [p.gap for p in everything] == [30, 20, 80]


def test_attempts_come_a_page_at_a_time_newest_first(store: Store) -> None:
    rung = add(store, "Ask for a lift", 20)
    for n in range(5):
        tried(store, rung.id, 50, 40, True, at=NOW + n * HOUR)
    with store.session() as s:
        first, more = ladder.attempts_page(session=s, rung_id=rung.id, limit=3)
        assert more and [a.planned_at for a in first] == [NOW + n * HOUR for n in (4, 3, 2)]
        rest, more = ladder.attempts_page(
            session=s, rung_id=rung.id, before=(first[-1].planned_at, first[-1].id), limit=3
        )
    assert not more and [a.planned_at for a in rest] == [NOW + HOUR, NOW]


def test_this_week_counts_the_attempts_done_in_the_last_seven_days(store: Store) -> None:
    rung = add(store, "Ask for a lift", 20)
    tried(store, rung.id, 50, 40, True, at=NOW - timedelta(days=8))
    tried(store, rung.id, 50, 40, False, at=NOW - timedelta(days=6))
    tried(store, rung.id, 50, 40, True, at=NOW)
    with store.session() as s:
        ladder.plan_attempt(session=s, rung_id=rung.id, predicted=10, now=NOW)  # not done
        assert ladder.this_week(session=s, now=NOW) == 2


def test_finding_a_rung_by_number_or_id_prefix(store: Store) -> None:
    hard = add(store, "Share one more thing", 50)
    easy = add(store, "Ask for a lift", 20)
    with store.session() as s:
        assert ladder.find_rung(session=s, ref="1") == easy
        assert ladder.find_rung(session=s, ref="2") == hard
        assert ladder.find_rung(session=s, ref=hard.id[:8].upper()) == hard
        with pytest.raises(EarnedError, match="no rung 3"):
            ladder.find_rung(session=s, ref="3")
        with pytest.raises(EarnedError, match="No rung has an id"):
            ladder.find_rung(session=s, ref="ffffffffff")


# --- urge timers -----------------------------------------------------------------------------


def timer(store: Store, urge: str, outcome: str | None, minutes: int = 0) -> str:
    with store.session() as s:
        made = urge_timers.start_urge(session=s, urge=urge, now=NOW + timedelta(minutes=minutes))
        if outcome is not None:
            urge_timers.end_urge(
                session=s,
                urge_id=made.id,
                outcome=outcome,
                now=NOW + timedelta(minutes=minutes + 12),
            )
    return made.id


def test_finished_timers_matching_a_rung_are_offered_once_and_counted_once(store: Store) -> None:
    text = add(store, "Wait before the text", 40, urge="send a reassurance text")
    add(store, "Stay longer", 30, urge="leave")
    waited = timer(store, "Send a reassurance text to Sam", "waited", 0)
    acted = timer(store, "send a reassurance text", "acted", 30)
    timer(store, "send a reassurance text", None, 60)  # still running
    timer(store, "leave", "passed", 90)  # another rung's
    with store.session() as s:
        offered = ladder.matching_timers(session=s, rung_id=text.id)
    assert [t.id for t in offered] == [acted, waited]
    with store.session() as s:
        counted = ladder.count_timer(
            session=s,
            rung_id=text.id,
            urge_delay_id=waited,
            predicted=text.difficulty,
            actual=20,
            now=NOW + 5 * HOUR,
        )
        again = ladder.count_timer(
            session=s,
            rung_id=text.id,
            urge_delay_id=waited,
            predicted=50,
            actual=10,
            now=NOW + 6 * HOUR,
        )
        after_acting = ladder.count_timer(
            session=s,
            rung_id=text.id,
            urge_delay_id=acted,
            predicted=40,
            actual=60,
            now=NOW + 6 * HOUR,
        )
    assert again == counted
    assert (counted.planned_at, counted.done_at, counted.went_well, counted.urge_delay_id) == (
        NOW,
        NOW + timedelta(minutes=12),
        True,
        waited,
    )
    assert after_acting.went_well is False
    with store.session() as s:
        assert ladder.matching_timers(session=s, rung_id=text.id) == []
        assert ladder.evidence(session=s) == {text.id: 1}


def test_a_timer_that_is_running_or_another_rungs_is_not_counted(store: Store) -> None:
    text = add(store, "Wait before the text", 40, urge="send a reassurance text")
    running = timer(store, "send a reassurance text", None)
    other = timer(store, "leave", "waited")
    with pytest.raises(EarnedError, match="still running"), store.session() as s:
        ladder.count_timer(
            session=s, rung_id=text.id, urge_delay_id=running, predicted=40, actual=20, now=NOW
        )
    with pytest.raises(EarnedError, match="not this rung"), store.session() as s:
        ladder.count_timer(
            session=s, rung_id=text.id, urge_delay_id=other, predicted=40, actual=20, now=NOW
        )
    with pytest.raises(EarnedError, match="urge timer does not exist"), store.session() as s:
        ladder.count_timer(
            session=s, rung_id=text.id, urge_delay_id="0" * 32, predicted=40, actual=20, now=NOW
        )
    assert count(store, LadderAttemptRow) == 0


def test_deleting_a_rung_takes_its_attempts_and_a_timer_leaves_its_attempt(store: Store) -> None:
    rung = add(store, "Wait before the text", 40, urge="leave")
    made = timer(store, "leave", "waited")
    with store.session() as s:
        ladder.count_timer(
            session=s, rung_id=rung.id, urge_delay_id=made, predicted=40, actual=20, now=NOW
        )
    with store.session() as s:
        from earned.store.models import UrgeDelayRow

        row = s.get(UrgeDelayRow, made)
        assert row is not None
        s.delete(row)
    with store.session() as s:
        (kept,) = s.scalars(select(LadderAttemptRow)).all()
        assert kept.urge_delay_id is None and kept.went_well is True
        rung_row = s.get(LadderRungRow, rung.id)
        assert rung_row is not None
        s.delete(rung_row)
    assert count(store, LadderAttemptRow) == 0
