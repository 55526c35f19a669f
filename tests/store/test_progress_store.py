"""The four signs as the progress page reads them (earned.store.progress), on SQLCipher and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from earned import trends
from earned.store import Store, activations, people
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
