"""The four signs as the progress page reads them (earned.store.progress), on SQLCipher and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.orm import Session

from earned import beliefs, instruments, ladder, trends
from earned.store import Store, activations, assessments, people
from earned.store import beliefs as belief_store
from earned.store import ladder as ladder_store
from earned.store import progress as gather
from earned.store.ids import new_id
from earned.store.models import ActivationRow, UrgeDelayRow

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)  # a Wednesday
THIS_MONDAY = date(2026, 6, 1)


def _moment(onset: datetime, *, settled_after: float | None, named: bool | None) -> ActivationRow:
    return ActivationRow(
        id=new_id(),
        onset_at=onset,
        intensity=6,
        tags=[],
        body=[],
        emotions=[],
        named_in_moment=named,
        settled_at=None if settled_after is None else onset + timedelta(minutes=settled_after),
        created_at=onset,
        updated_at=onset,
    )


def _timer(started: datetime, minutes: float | None) -> UrgeDelayRow:
    ended = None if minutes is None else started + timedelta(minutes=minutes)
    return UrgeDelayRow(id=new_id(), urge="text them", started_at=started, ended_at=ended)


def test_each_sign_reads_its_weeks_and_only_the_window(store: Store) -> None:
    with store.session() as s:
        s.add_all(
            [
                # this week: settled after 10 and 30 minutes (median 20); two named of three
                _moment(NOW - timedelta(hours=5), settled_after=10, named=True),
                _moment(NOW - timedelta(hours=30), settled_after=30, named=False),
                _moment(NOW - timedelta(hours=40), settled_after=None, named=True),
                _moment(NOW - timedelta(hours=41), settled_after=None, named=None),
                # last week: one that settled after 50 minutes, never answered
                _moment(NOW - timedelta(days=7), settled_after=50, named=None),
                # long before the window: not read
                _moment(NOW - timedelta(weeks=60), settled_after=500, named=False),
                _timer(NOW - timedelta(hours=2), 12),
                _timer(NOW - timedelta(hours=3), 4),
                _timer(NOW - timedelta(hours=4), 8),
                _timer(NOW - timedelta(hours=1), None),  # still running: not counted
                _timer(NOW - timedelta(weeks=60), 99),
            ]
        )
    with store.session() as s:
        found = gather.signs(session=s, now=NOW, zone=None, count=8)
    assert set(found) == {sign.key for sign in trends.SIGNS}
    for series in found.values():
        assert len(series) == 8
        assert series[-1][0] == THIS_MONDAY
        assert series[0][0] == THIS_MONDAY - timedelta(weeks=7)
    assert found["recovery"][-1][1] == 20 and found["recovery"][-2][1] == 50
    assert found["recovery"][-3][1] is None  # a week without records has no value
    assert found["held"][-1][1] == 8 and found["held"][-2][1] is None
    named = found["named"][-1][1]
    assert named is not None and abs(named - 2 / 3) < 1e-9
    assert found["named"][-2][1] is None  # asked of none: no share, not zero
    assert all(v is None for _w, v in found["people"])
    # The 60-weeks-old records are outside every window shown.
    with store.session() as s:
        longer = gather.recovery(session=s, now=NOW, zone=None, count=26)
    assert sorted(v for _w, v in longer if v is not None) == [20, 50]


def test_weeks_begin_on_the_persons_monday(store: Store) -> None:
    # Sunday 31 May 23:30 UTC is already Monday 1 June in Auckland.
    late_sunday = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    with store.session() as s:
        s.add(_moment(late_sunday, settled_after=15, named=True))
    with store.session() as s:
        utc = gather.recovery(session=s, now=NOW, zone=None, count=2)
        auckland = gather.recovery(session=s, now=NOW, zone=ZoneInfo("Pacific/Auckland"), count=2)
    assert utc == [(THIS_MONDAY - timedelta(weeks=1), 15), (THIS_MONDAY, None)]
    assert auckland == [(THIS_MONDAY - timedelta(weeks=1), None), (THIS_MONDAY, 15)]


def test_the_people_sign_is_the_people_pages_own_share(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW - timedelta(30))
        people.rate_person(session=s, person_id=sam.id, consistency=5, availability=5,
                           safety=4, now=NOW - timedelta(days=20))  # fmt: skip
        maya = people.add_person(session=s, name="Maya", role="friend", now=NOW - timedelta(30))
        people.rate_person(session=s, person_id=maya.id, consistency=1, availability=2,
                           safety=4, now=NOW - timedelta(days=20))  # fmt: skip
        for who, ago in ((sam, 1), (sam, 2), (maya, 3), (sam, 9)):
            moment = activations.log_activation(
                session=s, intensity=5, now=NOW - timedelta(hours=ago)
            )
            activations.link_person(session=s, activation_id=moment.id, person_id=who.id, now=NOW)
    with store.session() as s:
        found = gather.with_available(session=s, now=NOW, zone=None, count=3)
        expected = people.weekly_share(session=s, now=NOW, weeks=3)
    assert found == [(w.week, w.share) for w in expected]
    assert found[-1][1] == 0.75


def test_each_time_sign_is_one_query_bounded_by_the_window(store: Store) -> None:
    with store.session() as s:
        s.add(_moment(NOW - timedelta(hours=5), settled_after=10, named=True))
        s.add(_timer(NOW - timedelta(hours=2), 12))
    for reader in (gather.recovery, gather.held, gather.named):
        statements: list[str] = []
        with store.session() as s:
            engine = s.get_bind()

            def seen(*args: object, _into: list[str] = statements) -> None:
                _into.append(str(args[2]))

            event.listen(engine, "before_cursor_execute", seen)
            try:
                reader(session=s, now=NOW, zone=None, count=4)
            finally:
                event.remove(engine, "before_cursor_execute", seen)
        selects = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 1, (reader.__name__, statements)
        assert ">=" in selects[0] and "<" in selects[0]  # the window, in SQL


# --- the trajectories below the signs ------------------------------------------------------------


def _checkin(store: Store, instrument_id: str, when: datetime, value: int) -> str:
    inst = instruments.load(instrument_id)
    with store.session() as s:
        a = assessments.start_assessment(session=s, instrument_id=instrument_id, now=when)
        for item in inst.items:
            assessments.record_answer(
                session=s, assessment_id=a.id, item=item.number, value=value, now=when, seq=None
            )
        assessments.complete_assessment(session=s, assessment_id=a.id, now=when)
    return a.id


def _selects(store: Store, read: Callable[[Session], object]) -> list[str]:
    """The SELECT statements `read` sends."""
    statements: list[str] = []
    with store.session() as s:
        engine = s.get_bind()

        def seen(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", seen)
        try:
            read(s)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    return [q for q in statements if q.lstrip().upper().startswith("SELECT")]


def test_completed_reads_the_newest_of_each_questionnaire_and_one_before(store: Store) -> None:
    made = [_checkin(store, "who5", NOW - timedelta(days=30 * (5 - n)), n % 6) for n in range(5)]
    _checkin(store, "gad7", NOW - timedelta(days=3), 1)
    with store.session() as s:  # one left unfinished: never read
        assessments.start_assessment(session=s, instrument_id="who5", now=NOW)
    with store.session() as s:
        found = gather.completed(session=s, instrument_ids=("who5", "gad7", "phq9"), most=3)
    who5, read = found["who5"]
    assert read == 4  # the newest three and the one before them
    assert [a.id for a in who5] == made[1:]  # oldest first
    assert all(len(a.answers) == 5 and a.completed_at for a in who5)
    assert who5[-1].answers == dict.fromkeys(range(1, 6), 4)
    assert len(found["gad7"][0]) == 1 and found["phq9"] == ([], 0)
    # Two queries however many results there are: the ranked results, then their answers.
    selects = _selects(
        store, lambda s: gather.completed(session=s, instrument_ids=("who5", "gad7"), most=3)
    )
    assert len(selects) == 2, selects
    assert "row_number" in selects[0].lower()


def test_recent_beliefs_are_the_active_ones_rated_latest_with_their_ratings(store: Store) -> None:
    with store.session() as s:
        ids = []
        for n in range(4):
            b = belief_store.add_belief(
                session=s,
                details=beliefs.check_details(belief=f"Belief number {n}"),
                strength=80,
                now=NOW - timedelta(days=100 - n),
            )
            ids.append(b.id)
        for days, n, strength in ((20, 0, 60), (10, 1, 70), (5, 2, 75), (2, 3, 50), (1, 3, 40)):
            belief_store.rate(
                session=s, belief_id=ids[n], strength=strength, now=NOW - timedelta(days=days)
            )
        belief_store.set_archived(session=s, belief_id=ids[3], archived=True, now=NOW)
    with store.session() as s:
        found = gather.recent_beliefs(session=s, most=2, ratings=5)
    assert [b.id for b in found] == [ids[2], ids[1]]  # put away: left out
    assert [b.words for b in found] == ["Belief number 2", "Belief number 1"]
    assert [p.strength for p in found[0].points] == [80, 75]  # oldest first
    with store.session() as s:
        belief_store.rate(session=s, belief_id=ids[2], strength=65, now=NOW - timedelta(hours=1))
        few = gather.recent_beliefs(session=s, most=1, ratings=1)
    assert [p.strength for p in few[0].points] == [80, 65]  # the newest, and the very first
    selects = _selects(store, lambda s: gather.recent_beliefs(session=s, most=3, ratings=5))
    assert len(selects) == 3, selects


def test_the_ladder_span_is_the_last_months_tries_in_the_persons_months(store: Store) -> None:
    with store.session() as s:
        assert gather.ladder_span(session=s, now=NOW, zone=None)[0].ever is False
        rung = ladder_store.add_rung(
            session=s, title="Say what I need", difficulty=40, urge=None, now=NOW
        )

        def tried(when: datetime, predicted: int, actual: int, well: bool) -> None:
            ladder_store.try_attempt(
                session=s,
                rung_id=rung.id,
                predicted=predicted,
                now=when,
                planned_at=when,
                after=ladder.check_after(actual, None, "yes" if well else "no"),
            )

        tried(NOW - timedelta(days=500), 90, 10, True)  # before the window: not read
        tried(datetime(2026, 4, 30, 23, 30, tzinfo=UTC), 70, 40, True)  # 1 May in Tokyo
        tried(NOW - timedelta(days=20), 60, 40, False)
        tried(NOW - timedelta(days=2), 50, 45, True)
        ladder_store.plan_attempt(session=s, rung_id=rung.id, predicted=30, now=NOW)
    with store.session() as s:
        span, points = gather.ladder_span(session=s, now=NOW, zone=ZoneInfo("Asia/Tokyo"))
    assert span.ever and span.done == 3 and span.went_well == 2
    assert [(m, n) for m, _gap, n in span.months] == [(date(2026, 5, 1), 2), (date(2026, 6, 1), 1)]
    assert [p.gap for p in points] == [30, 20, 5]  # as read, for the ladder page's gap chart
    with store.session() as s:
        utc = gather.ladder_span(session=s, now=NOW, zone=None)[0]
    assert [(m, n) for m, _gap, n in utc.months] == [
        (date(2026, 4, 1), 1),
        (date(2026, 5, 1), 1),
        (date(2026, 6, 1), 1),
    ]
