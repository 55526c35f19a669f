"""Record ids and the calm "not found" every store module raises."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypeVar

from earned.errors import EarnedError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Row = TypeVar("Row")


def new_id() -> str:
    return uuid.uuid4().hex


def not_found(what: str) -> EarnedError:
    return EarnedError(f"That {what} does not exist (it may have been deleted).", status=404)


def existing(session: Session, model: type[Row], key: str, what: str) -> Row:
    """The row of `model` with primary key `key`, or the calm "not found" for `what`."""
    row = session.get(model, key)
    if row is None:
        raise not_found(what)
    return row


# --- assessments -----------------------------------------------------------------------
