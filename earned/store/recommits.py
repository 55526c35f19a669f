"""Reading and writing recommitments (step 10): the small practice chosen to begin again.

Persistence only: the rules, and what counts as a slip, are earned.recommit's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import recommit as rules
from earned.store.ids import new_id
from earned.store.instants import seconds, seconds_of
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


def _moments(
    session: Session, since: datetime | None, now: datetime
) -> list[tuple[float, int, float | None]]:
    """(onset, strongest rating, settled or None) of the moments from `since` to `now`, in
    POSIX seconds (store/instants.py)."""
    query = select(
        seconds_of(ActivationRow.onset_at),
        ActivationRow.intensity,
        ActivationRow.peak_intensity,
        seconds_of(ActivationRow.settled_at),
    ).where(ActivationRow.onset_at < now)
    if since is not None:
        query = query.where(ActivationRow.onset_at >= since)
    return [
        (seconds(onset), max(first, peak or 0), None if settled is None else seconds(settled))
        for onset, first, peak, settled in session.execute(query)
    ]


def weeks(*, session: Session, now: datetime, count: int = rules.SHORT_READ) -> list[rules.Week]:
    """The detector's weeks: only the records of the last `count` windows are read."""
    since = now - timedelta(days=7 * count)
    timers = session.execute(
        select(seconds_of(UrgeDelayRow.started_at), seconds_of(UrgeDelayRow.ended_at)).where(
            UrgeDelayRow.started_at >= since,
            UrgeDelayRow.started_at < now,
            UrgeDelayRow.ended_at.is_not(None),
        )
    )
    return rules.bucket(
        now.timestamp(),
        _moments(session, since, now),
        ((seconds(started), seconds(ended)) for started, ended in timers if ended is not None),
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
    times as POSIX seconds)."""
    since = now - timedelta(weeks=rules.LONG_RUN_WEEKS)
    strength: list[tuple[float, float]] = []
    settling: list[tuple[float, float]] = []
    for onset, strongest, settled in _moments(session, since, now):
        strength.append((onset, float(strongest)))
        if settled is not None:
            settling.append((onset, (settled - onset) / 60))
    at = now.timestamp()
    return [
        rules.long_run(at, strength, "intensity"),
        rules.long_run(at, settling, "recovery"),
    ]
