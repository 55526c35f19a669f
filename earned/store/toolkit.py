"""Reading and writing the self-soothing toolkit: tools and each use of one.

Persistence only: names, ratings and the one-tool-per-name rule are earned.toolkit's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import toolkit as rules
from earned.store.ids import existing, new_id
from earned.store.models import ToolRow, ToolUseRow
from earned.store.once import add_once, earlier
from earned.tokens import check_token


def _active(session: Session) -> dict[str, str]:
    rows = session.scalars(select(ToolRow).where(ToolRow.archived.is_(False)))
    return {r.id: r.name for r in rows}


def add_tool(*, session: Session, name: str, now: datetime) -> str:
    """The new tool's id; an active tool of the same name is returned instead (a repeat)."""
    text = rules.check_tool_name(name)
    existing = rules.same_tool(text, _active(session))
    if existing is not None:
        return existing
    row = ToolRow(id=new_id(), name=text, created_at=now, archived=False)
    session.add(row)
    session.flush()
    return row.id


def archive_tool(*, session: Session, tool_id: str) -> None:
    row = existing(session, ToolRow, tool_id, "tool")
    row.archived = True
    session.flush()


def record_tool_use(
    *,
    session: Session,
    tool_id: str,
    before: Any,
    after: Any,
    now: datetime,
    client_token: str | None = None,
) -> None:
    token = check_token(client_token)
    if earlier(session, ToolUseRow, token) is not None:
        return
    existing(session, ToolRow, tool_id, "tool")
    first, then = rules.check_ratings(before, after)
    row = ToolUseRow(
        id=new_id(), client_token=token, tool_id=tool_id, used_at=now, before=first, after=then
    )
    add_once(session, row)


def toolkit(*, session: Session) -> list[rules.ToolRank]:
    uses = [
        rules.ToolUse(u.tool_id, u.before, u.after, u.used_at)
        for u in session.scalars(select(ToolUseRow))
    ]
    return rules.rank_tools(_active(session), uses)
