"""What the over-focus check reads: how many of the last few weeks' records are about
the wound and how many build steadiness, week by week. Persistence only: the rule, and
where the weeks begin, are earned.balance's. One statement of indexed range counts,
WEEKS weeks long, whatever the history; no row is read into Python.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from earned import balance
from earned.store import settings
from earned.store.models import (
    ActivationRow,
    EntryRow,
    LadderAttemptRow,
    PracticeRow,
    ToolUseRow,
)

WOUND, CAPACITY = 0, 1


@cache
def _counted() -> Any:
    """(kind, records in week 0, week 1, …) per source, as one UNION ALL; the week edges
    are parameters e0 … eWEEKS, so the statement is built once."""
    sources: list[tuple[int, Any, Any]] = [
        (WOUND, EntryRow.created_at, EntryRow.kind == "origin"),
        (WOUND, ActivationRow.onset_at, ActivationRow.trigger.is_not(None)),
        (CAPACITY, PracticeRow.started_at, None),
        (CAPACITY, ToolUseRow.used_at, None),
        (CAPACITY, LadderAttemptRow.planned_at, None),
        (CAPACITY, EntryRow.created_at, EntryRow.kind == "letter"),
    ]
    edges: list[Any] = [bindparam(f"e{k}") for k in range(balance.WEEKS + 1)]
    parts = []
    for kind, column, condition in sources:
        weeks = [
            func.coalesce(
                func.sum(case((and_(column >= edges[k], column < edges[k + 1]), 1), else_=0)), 0
            )
            for k in range(balance.WEEKS)
        ]
        query = select(literal(kind), *weeks).where(column >= edges[0], column < edges[-1])
        parts.append(query.where(condition) if condition is not None else query)
    return union_all(*parts)


def weeks(*, session: Session, now: datetime) -> list[balance.WeekMix]:
    """The last WEEKS weeks' records about the wound and steadying ones, oldest first."""
    edges = {f"e{k}": edge for k, edge in enumerate(balance.edges(now))}
    counts = [[0, 0] for _ in range(balance.WEEKS)]
    for kind, *in_weeks in session.execute(_counted(), edges):
        for k, n in enumerate(in_weeks):
            counts[k][int(kind)] += int(n)
    return [balance.WeekMix(w, c) for w, c in counts]


def over_focused(*, session: Session, now: datetime) -> bool:
    """True when the check is on and the recent weeks lean heavily on the wound."""
    if not balance.enabled(settings.get_setting(session=session, key=balance.SETTING)):
        return False
    return balance.over_focused(weeks(session=session, now=now))


def set_enabled(*, session: Session, on: bool) -> None:
    settings.set_setting(session=session, key=balance.SETTING, value="on" if on else balance.OFF)
