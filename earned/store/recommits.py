"""Reading and writing recommitments (step 10): the small practice chosen to begin again.

Persistence only: the rules, and what counts as a slip, are earned.recommit's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from earned import recommit as rules
from earned.store.ids import new_id
from earned.store.models import ActivationRow, RecommitRow, UrgeDelayRow
from earned.store.once import add_once, earlier
from earned.tokens import check_token


def _recommit(row: RecommitRow) -> rules.Recommit:
    return rules.Recommit(row.id, row.made_at, row.noticed, row.practice, row.note)


def make(
    *,
    session: Session,
    practice: object,
    noticed: str | None,
    note: str | None,
    now: datetime,
    client_token: str | None = None,
) -> rules.Recommit:
    token = check_token(client_token)
    before = earlier(session, RecommitRow, token)
    if before is not None:
        return _recommit(before)
    row = RecommitRow(
        id=new_id(),
        client_token=token,
        made_at=now,
        noticed=rules.check_noticed(noticed),
        practice=rules.check_practice(practice),
        note=rules.check_note(note),
    )
    return _recommit(add_once(session, row))


def recent(*, session: Session, limit: int = 5) -> list[rules.Recommit]:
    rows = session.scalars(
        select(RecommitRow).order_by(RecommitRow.made_at.desc(), RecommitRow.id.desc()).limit(limit)
    )
    return [_recommit(r) for r in rows]


def made_since(*, session: Session, since: datetime) -> bool:
    found = session.scalar(select(RecommitRow.id).where(RecommitRow.made_at >= since).limit(1))
    return found is not None


def naive_utc(value: Any) -> datetime:
    """A stored time as naive UTC, read without the column type's processing (most of the
    cost of reading years of moments): SQLite gives its text, PostgreSQL an aware time."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.astimezone(UTC).replace(tzinfo=None)


def raw_time(column: Any) -> Any:
    """A time column read as the driver gives it, for naive_utc (no type processing)."""
    return type_coerce(column, String)


def _moments(session: Session, since: datetime | None, now: datetime) -> list[tuple[Any, ...]]:
    """(onset, strongest rating, settled or None) of the moments from `since` to `now`, as
    naive UTC (`now` must be naive UTC too)."""
    query = select(
        raw_time(ActivationRow.onset_at),
        ActivationRow.intensity,
        ActivationRow.peak_intensity,
        raw_time(ActivationRow.settled_at),
    ).where(ActivationRow.onset_at < now.replace(tzinfo=UTC))
    if since is not None:
        query = query.where(ActivationRow.onset_at >= since.replace(tzinfo=UTC))
    return [
        (naive_utc(onset), max(first, peak or 0), None if settled is None else naive_utc(settled))
        for onset, first, peak, settled in session.execute(query)
    ]


def weeks(*, session: Session, now: datetime, count: int = rules.SHORT_READ) -> list[rules.Week]:
    """The detector's weeks: only the records of the last `count` windows are read."""
    naive_now = now.astimezone(UTC).replace(tzinfo=None)
    since = naive_now - timedelta(days=7 * count)
    timers = session.execute(
        select(raw_time(UrgeDelayRow.started_at), raw_time(UrgeDelayRow.ended_at)).where(
            UrgeDelayRow.started_at >= since.replace(tzinfo=UTC),
            UrgeDelayRow.started_at < now,
            UrgeDelayRow.ended_at.is_not(None),
        )
    )
    return rules.bucket(
        naive_now,
        _moments(session, since, naive_now),
        ((naive_utc(started), naive_utc(ended)) for started, ended in timers if ended is not None),
        count,
    )


def finding(*, session: Session, now: datetime) -> rules.Finding:
    """The slip detector on the latest weeks; further back (up to a year) only when weeks
    away from the app leave too few usual weeks in the short read."""
    found = weeks(session=session, now=now)
    if rules.needs_more(found):
        found = weeks(session=session, now=now, count=rules.WINDOWS)
    return rules.detect(found)


def long_runs(*, session: Session, now: datetime) -> list[rules.LongRun]:
    """Strength and settling time, week by week, over the last rules.LONG_RUN_WEEKS (two
    years): what the recommit page shows, and all it reads (four columns, no row objects,
    no type processing). The weeks' times are naive UTC."""
    naive_now = now.astimezone(UTC).replace(tzinfo=None)
    since = naive_now - timedelta(weeks=rules.LONG_RUN_WEEKS)
    strength: list[tuple[datetime, float]] = []
    settling: list[tuple[datetime, float]] = []
    for onset, strongest, settled in _moments(session, since, naive_now):
        strength.append((onset, float(strongest)))
        if settled is not None:
            settling.append((onset, (settled - onset).total_seconds() / 60))
    return [
        rules.long_run(naive_now, strength, "intensity"),
        rules.long_run(naive_now, settling, "recovery"),
    ]
