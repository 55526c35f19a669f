"""Reading and writing recommitments (step 10): the small practice chosen to begin again.

Persistence only: the rules, and what counts as a slip, are earned.recommit's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
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


def weeks(*, session: Session, now: datetime, count: int = rules.WINDOWS) -> list[rules.Week]:
    """The detector's weeks: only the records of the last `count` windows are read."""
    since = now - timedelta(days=7 * count)
    moments = session.execute(
        select(
            ActivationRow.onset_at,
            ActivationRow.intensity,
            ActivationRow.peak_intensity,
            ActivationRow.settled_at,
        ).where(ActivationRow.onset_at >= since, ActivationRow.onset_at < now)
    )
    timers = session.execute(
        select(UrgeDelayRow.started_at, UrgeDelayRow.ended_at).where(
            UrgeDelayRow.started_at >= since,
            UrgeDelayRow.started_at < now,
            UrgeDelayRow.ended_at.is_not(None),
        )
    )
    return rules.bucket(
        now,
        ((onset, max(first, peak or 0), settled) for onset, first, peak, settled in moments),
        ((started, ended) for started, ended in timers if ended is not None),
        count,
    )


def finding(*, session: Session, now: datetime) -> rules.Finding:
    return rules.detect(weeks(session=session, now=now))


def long_runs(*, session: Session, now: datetime) -> list[rules.LongRun]:
    """Strength and settling time, week by week, over the whole history: the recommit page
    shows all of it, so all of it is read (three columns, no row objects)."""
    strength: list[tuple[datetime, float]] = []
    settling: list[tuple[datetime, float]] = []
    rows = session.execute(
        select(
            ActivationRow.onset_at,
            ActivationRow.intensity,
            ActivationRow.peak_intensity,
            ActivationRow.settled_at,
        ).where(ActivationRow.onset_at < now)
    )
    for onset, first, peak, settled in rows:
        strength.append((onset, float(max(first, peak or 0))))
        if settled is not None:
            settling.append((onset, (settled - onset).total_seconds() / 60))
    return [
        rules.long_run(now, strength, "intensity"),
        rules.long_run(now, settling, "recovery"),
    ]
