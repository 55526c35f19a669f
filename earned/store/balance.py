"""What the over-focus check reads: the times of the last few weeks' records about the
wound and of those that build steadiness. Persistence only: the rule is earned.balance's.
One indexed range per kind of record, WEEKS weeks long, whatever the history.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
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


def _times(session: Session, column: Any, since: datetime, *conditions: Any) -> list[datetime]:
    return list(session.scalars(select(column).where(column >= since, *conditions)))


def over_focused(*, session: Session, now: datetime) -> bool:
    """True when the check is on and the recent weeks lean heavily on the wound."""
    if not balance.enabled(settings.get_setting(session=session, key=balance.SETTING)):
        return False
    since = now - timedelta(days=7 * balance.WEEKS)
    wound = [
        *_times(session, EntryRow.created_at, since, EntryRow.kind == "origin"),
        *_times(session, ActivationRow.onset_at, since, ActivationRow.trigger.is_not(None)),
    ]
    capacity = [
        *_times(session, PracticeRow.started_at, since),
        *_times(session, ToolUseRow.used_at, since),
        *_times(session, LadderAttemptRow.planned_at, since),
        *_times(session, EntryRow.created_at, since, EntryRow.kind == "letter"),
    ]
    return balance.over_focused(balance.weeks_of(now, wound, capacity))


def set_enabled(*, session: Session, on: bool) -> None:
    settings.set_setting(session=session, key=balance.SETTING, value="on" if on else balance.OFF)
