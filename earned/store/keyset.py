"""Newest-first lists a page at a time, by keyset: the page after (time, id) of the last
row shown, never an offset, so every page costs the same however long the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

Row = TypeVar("Row")


def newest_first(
    session: Session,
    query: Select[Row],
    when: InstrumentedAttribute[Any],
    row_id: InstrumentedAttribute[Any],
    before: tuple[datetime, str] | None,
    limit: int,
) -> tuple[list[Row], bool]:
    """At most `limit` rows of `query`, newest by `when` first (the id breaks ties), older
    than `before`; and whether there are older ones still."""
    query = query.order_by(when.desc(), row_id.desc())
    if before is not None:
        moment, last = before
        query = query.where(or_(when < moment, and_(when == moment, row_id < last)))
    rows = list(session.scalars(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit
