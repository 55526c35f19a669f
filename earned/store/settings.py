"""Reading and writing the settings: calm mode, the crisis-line region, the time zone,
onboarding. One small key-value table inside the encrypted journal."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned.store.models import SettingRow


def get_setting(*, session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(SettingRow, key)
    return row.value if row else default


def get_settings(*, session: Session, keys: Iterable[str]) -> dict[str, str]:
    """The settings among `keys` that are set, in one statement (a page's context reads
    three on every request)."""
    wanted = list(keys)
    found = session.execute(
        select(SettingRow.key, SettingRow.value).where(SettingRow.key.in_(wanted))
    )
    return {key: value for key, value in found}


def set_setting(*, session: Session, key: str, value: str) -> None:
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=value))
    else:
        row.value = value
    session.flush()


def all_settings(*, session: Session) -> dict[str, str]:
    return {r.key: r.value for r in session.scalars(select(SettingRow).order_by(SettingRow.key))}
