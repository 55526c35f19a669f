"""Reading and writing regulation practices (breathing, grounding, sitting, body scan).

Persistence only: which practices exist and their limits are earned.regulation's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import regulation
from earned.store.ids import new_id
from earned.store.models import PracticeRow
from earned.store.once import add_once, earlier
from earned.tokens import check_token


def log_practice(
    *,
    session: Session,
    kind: str,
    seconds: int,
    now: datetime,
    note: str | None = None,
    client_token: str | None = None,
) -> str:
    token = check_token(client_token)
    existing = earlier(session, PracticeRow, token)
    if existing is not None:
        return existing.id
    regulation.check_practice(kind, seconds)
    row = PracticeRow(
        id=new_id(),
        client_token=token,
        kind=kind,
        started_at=now,
        seconds=seconds,
        note=regulation.check_note(note),
    )
    return add_once(session, row).id


def practice_times(
    *, session: Session, since: datetime | None = None, limit: int | None = None
) -> list[tuple[str, datetime, int]]:
    """(kind, when, seconds) of each practice, newest first; at most `limit`."""
    query = select(PracticeRow.kind, PracticeRow.started_at, PracticeRow.seconds).order_by(
        PracticeRow.started_at.desc()
    )
    if since is not None:
        query = query.where(PracticeRow.started_at >= since)
    if limit is not None:
        query = query.limit(limit)
    return [(kind, when, seconds) for kind, when, seconds in session.execute(query)]


# --- practices of some kinds (the inner practices' logs, the roadmap home) ---------------------


def recent_of_kinds(
    *, session: Session, kinds: tuple[str, ...], limit: int
) -> list[tuple[str, datetime, int, str | None]]:
    """(kind, when, seconds, note) of the newest `limit` practices of `kinds`, newest first
    (the index on kind and on started_at keep this a short read in a long history)."""
    query = (
        select(PracticeRow.kind, PracticeRow.started_at, PracticeRow.seconds, PracticeRow.note)
        .where(PracticeRow.kind.in_(kinds))
        .order_by(PracticeRow.started_at.desc(), PracticeRow.id.desc())
        .limit(limit)
    )
    return [(kind, when, seconds, note) for kind, when, seconds, note in session.execute(query)]


def count_of_kinds(*, session: Session, kinds: tuple[str, ...], since: datetime) -> int:
    """How many practices of `kinds` began at or after `since`, counted by the database.

    For the roadmap home: count_of_kinds(session=s, kinds=regulation.INNER_KINDS,
    since=now - timedelta(days=7)), or one kind, (regulation.SECURE_FIGURE,).
    """
    query = (
        select(func.count())
        .select_from(PracticeRow)
        .where(PracticeRow.kind.in_(kinds), PracticeRow.started_at >= since)
    )
    return int(session.scalar(query) or 0)
