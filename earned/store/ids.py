"""Record ids and the calm "not found" every store module raises."""

from __future__ import annotations

import uuid

from earned.errors import EarnedError


def new_id() -> str:
    return uuid.uuid4().hex


def not_found(what: str) -> EarnedError:
    return EarnedError(f"That {what} does not exist (it may have been deleted).", status=404)


# --- assessments -----------------------------------------------------------------------
