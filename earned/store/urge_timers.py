"""Reading and writing urge-delay timers.

Persistence only: the urge's limit and the "a second stop changes nothing" rule are
earned.urges'.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import urges
from earned.store.activations import activation_row
from earned.store.ids import existing, new_id
from earned.store.models import UrgeDelayRow
from earned.store.once import add_once, earlier
from earned.tokens import check_token
from earned.urges import UrgeDelay


def _urge_of(row: UrgeDelayRow) -> UrgeDelay:
    return UrgeDelay(row.id, row.urge, row.started_at, row.ended_at, row.outcome, row.activation_id)


def start_urge(
    *,
    session: Session,
    urge: str,
    now: datetime,
    activation_id: str | None = None,
    client_token: str | None = None,
) -> UrgeDelay:
    token = check_token(client_token)
    existing = earlier(session, UrgeDelayRow, token)
    if existing is not None:
        return _urge_of(existing)
    text = urges.check_urge(urge)
    if activation_id is not None:
        activation_row(session, activation_id)
    row = UrgeDelayRow(
        id=new_id(), client_token=token, urge=text, started_at=now, activation_id=activation_id
    )
    return _urge_of(add_once(session, row))


def add_whole(
    *,
    session: Session,
    urge: str,
    started_at: datetime,
    ended_at: datetime,
    outcome: str,
    now: datetime,
    client_token: str | None = None,
) -> UrgeDelay:
    """A timer started and ended while a phone was offline, saved at once (urges.check_whole);
    the same client token sent again returns the first record."""
    token = check_token(client_token)
    existing = earlier(session, UrgeDelayRow, token)
    if existing is not None:
        return _urge_of(existing)
    whole = urges.check_whole(
        urge=urge, started_at=started_at, ended_at=ended_at, outcome=outcome, now=now
    )
    row = UrgeDelayRow(
        id=new_id(),
        client_token=token,
        urge=whole.urge,
        started_at=whole.started_at,
        ended_at=whole.ended_at,
        outcome=whole.outcome,
    )
    return _urge_of(add_once(session, row))


def _urge_row(session: Session, urge_id: str) -> UrgeDelayRow:
    return existing(session, UrgeDelayRow, urge_id, "urge timer")


def get_urge(*, session: Session, urge_id: str) -> UrgeDelay:
    return _urge_of(_urge_row(session, urge_id))


def end_urge(
    *, session: Session, urge_id: str, outcome: str, now: datetime, at: datetime | None = None
) -> UrgeDelay:
    """Stop the timer, now or `at` (see urges.ending: stopping it twice changes nothing)."""
    row = _urge_row(session, urge_id)
    end = urges.ending(_urge_of(row), outcome=outcome, now=now, at=at)
    if end is not None:
        row.ended_at, row.outcome = end
        session.flush()
    return _urge_of(row)


def list_urges(
    *,
    session: Session,
    running_only: bool = False,
    finished_only: bool = False,
    activation_id: str | None = None,
    limit: int | None = None,
) -> list[UrgeDelay]:
    """Newest first; only running or only finished ones, only one activation's; at most
    `limit` (pages pass one, so their cost follows what they show)."""
    query = select(UrgeDelayRow).order_by(UrgeDelayRow.started_at.desc())
    if running_only:
        query = query.where(UrgeDelayRow.ended_at.is_(None))
    if finished_only:
        query = query.where(UrgeDelayRow.ended_at.is_not(None))
    if activation_id is not None:
        query = query.where(UrgeDelayRow.activation_id == activation_id)
    if limit is not None:
        query = query.limit(limit)
    return [_urge_of(r) for r in session.scalars(query)]
