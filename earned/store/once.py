"""Writes a person may submit twice (a double tap, a retried request) carry a client
token; a second write with the same token returns the first record unchanged.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earned.store.models import (
    ActivationRow,
    PersonRatingRow,
    PracticeRow,
    RuptureRow,
    ToolUseRow,
    UrgeDelayRow,
)

Tokened = TypeVar(
    "Tokened",
    ActivationRow,
    UrgeDelayRow,
    PracticeRow,
    ToolUseRow,
    PersonRatingRow,  # the people ledger
    RuptureRow,
)


def add_once(session: Session, row: Tokened) -> Tokened:
    """Insert `row`; if another transaction committed the same client token meanwhile (two
    tabs, or a retried request, submitting at once), return that record instead.

    The look-up before the insert catches a repeat that has already been committed; this
    catches one still in flight: on PostgreSQL the second insert waits for the first
    transaction and then fails on the unique token. (SQLite's writers queue at BEGIN, so
    there the look-up already sees the first.) A savepoint keeps the caller's transaction
    usable after that failure.
    """
    if row.client_token is None:
        session.add(row)
        session.flush()
        return row
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        model = type(row)
        first = session.scalars(select(model).where(model.client_token == row.client_token))
        existing = first.first()
        if existing is None:
            raise
        return existing
    return row


def earlier(session: Session, model: type[Tokened], token: str | None) -> Tokened | None:
    """The record an earlier write with this client token made, if any (None: no token)."""
    if token is None:
        return None
    return session.scalars(select(model).where(model.client_token == token)).first()
