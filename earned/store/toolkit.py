"""Reading and writing the self-soothing toolkit: tools and each use of one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import episodes, regulation
from earned.errors import EarnedError
from earned.store.models import ToolRow, ToolUseRow
from earned.store.once import add_once
from earned.store.repo import new_id, not_found
from earned.tokens import check_token


def add_tool(*, session: Session, name: str, now: datetime) -> str:
    text = episodes.check_text(name, "tool name", 120)
    if not text:
        raise EarnedError("Give the tool a short name, e.g. 'cold water on my wrists'.")
    for row in session.scalars(select(ToolRow).where(ToolRow.archived.is_(False))):
        if row.name.lower() == text.lower():
            return row.id
    row = ToolRow(id=new_id(), name=text, created_at=now, archived=False)
    session.add(row)
    session.flush()
    return row.id


def archive_tool(*, session: Session, tool_id: str) -> None:
    row = session.get(ToolRow, tool_id)
    if row is None:
        raise not_found("tool")
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
    if (
        token is not None
        and session.scalars(select(ToolUseRow).where(ToolUseRow.client_token == token)).first()
    ):
        return
    if session.get(ToolRow, tool_id) is None:
        raise not_found("tool")
    row = ToolUseRow(
        id=new_id(),
        client_token=token,
        tool_id=tool_id,
        used_at=now,
        before=episodes.check_intensity(before),
        after=episodes.check_intensity(after),
    )
    add_once(session, row)


def toolkit(*, session: Session) -> list[regulation.ToolRank]:
    tools = {
        r.id: r.name for r in session.scalars(select(ToolRow).where(ToolRow.archived.is_(False)))
    }
    uses = [
        regulation.ToolUse(u.tool_id, u.before, u.after, u.used_at)
        for u in session.scalars(select(ToolUseRow))
    ]
    return regulation.rank_tools(tools, uses)
