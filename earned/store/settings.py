"""Reading and writing the settings: calm mode, the crisis-line region, the time zone,
onboarding. One small key-value table inside the encrypted journal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned.store.models import SettingRow


def get_setting(*, session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(SettingRow, key)
    return row.value if row else default


def set_setting(*, session: Session, key: str, value: str) -> None:
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=value))
    else:
        row.value = value
    session.flush()


def all_settings(*, session: Session) -> dict[str, str]:
    return {r.key: r.value for r in session.scalars(select(SettingRow).order_by(SettingRow.key))}
