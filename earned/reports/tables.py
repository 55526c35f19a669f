"""Export and import of the in-the-moment tables (activations, urge timers, practices,
tools, tool uses), described once as data so each table needs no hand-written codec.

Each exported record holds every column (times as ISO 8601 UTC, lists as lists). On
import each record is checked by the same domain rules as a new one; an id that exists
with other content is a conflict and the caller's transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import episodes, regulation, urges
from earned.errors import EarnedError
from earned.store.models import (
    ActivationRow,
    Base,
    PracticeRow,
    ToolRow,
    ToolUseRow,
    UrgeDelayRow,
)


def _ts(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise EarnedError("The import file has a date without a time zone.")
    return parsed.astimezone(UTC).isoformat()


def _opt_text(limit: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError
        return episodes.check_text(value, "text", limit)

    return check


def _text(limit: int, missing: str) -> Callable[[Any], str]:
    """Required text: trimmed like a new record's, and an empty one is refused."""

    def check(value: Any) -> str:
        text = _opt_text(limit)(value)
        if not text:
            raise EarnedError(f"The import file has {missing}.")
        return str(text)

    return check


def _token(value: Any) -> str | None:
    """A client token is compared exactly (never trimmed): it must match the stored one."""
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise EarnedError("The import file has an unusable form token.")
    return value


def _words(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError
    return episodes.check_list(value, "words")


def _body(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError
    return episodes.check_list(value, "body areas", episodes.BODY_KEYS)


def _intensity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    return episodes.check_intensity(value)


def _opt_intensity(value: Any) -> int | None:
    return None if value is None else _intensity(value)


def _opt_bool(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise TypeError
    return value


def _pattern(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError
    keys = ("feeling", "situation", "interpretation", "fear", "urge")
    return {k: episodes.check_text(value.get(k, ""), "pattern", 200) or "" for k in keys}


def _outcome(value: Any) -> str | None:
    return None if value is None else urges.check_outcome(str(value))


def _kind(value: Any) -> str:
    if value not in regulation.PRACTICE_KINDS:
        raise EarnedError("The import file has a practice of an unknown kind.")
    return str(value)


def _seconds(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 4 * 3600:
        raise EarnedError("The import file has a practice with an impossible length.")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _ref(value: Any) -> Any:
    if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= 32):
        raise TypeError
    return value


def _required_ref(value: Any) -> str:
    if value is None:
        raise TypeError
    return str(_ref(value))


def _when(rec: dict[str, Any], key: str) -> datetime | None:
    value = rec[key]
    return None if value is None else datetime.fromisoformat(value)


def _activation_rules(rec: dict[str, Any]) -> None:
    """Onset ≤ peak ≤ settled, as `episodes.check_times` demands of a new record."""
    onset, peak, settled = (_when(rec, k) for k in ("onset_at", "peak_at", "settled_at"))
    assert onset is not None  # required; checked before the rules run
    if (
        (peak is not None and peak < onset)
        or (settled is not None and settled < onset)
        or (peak is not None and settled is not None and settled < peak)
    ):
        raise EarnedError("The import file has an activation with its times out of order.")


def _urge_rules(rec: dict[str, Any]) -> None:
    """A timer that ended has an outcome and ends after it started; a running one has neither."""
    started, ended = _when(rec, "started_at"), _when(rec, "ended_at")
    if (ended is None) != (rec["outcome"] is None):
        raise EarnedError("The import file has an urge timer ended without an outcome.")
    if started is not None and ended is not None and ended < started:
        raise EarnedError("The import file has an urge timer that ends before it starts.")


@dataclass(frozen=True)
class Table:
    key: str
    model: type[Base]
    order: str
    checks: dict[str, Callable[[Any], Any]]
    times: tuple[str, ...]
    # Checks across columns of one record, run once each column has passed its own.
    rules: Callable[[dict[str, Any]], None] | None = None


TABLES: tuple[Table, ...] = (
    Table(
        "activations",
        ActivationRow,
        "onset_at",
        {
            "client_token": _token,
            "intensity": _intensity,
            "trigger": _opt_text(episodes.MAX_SHORT_TEXT),
            "tags": _words,
            "body": _body,
            "emotions": _words,
            "urge": _opt_text(episodes.MAX_SHORT_TEXT),
            "action": _opt_text(episodes.MAX_SHORT_TEXT),
            "person": _opt_text(120),
            "named_in_moment": _opt_bool,
            "pattern": _pattern,
            "peak_intensity": _opt_intensity,
        },
        ("onset_at", "peak_at", "settled_at", "created_at", "updated_at"),
        _activation_rules,
    ),
    Table(
        "urge_delays",
        UrgeDelayRow,
        "started_at",
        {
            "client_token": _token,
            "urge": _text(episodes.MAX_SHORT_TEXT, "an urge timer without an urge"),
            "outcome": _outcome,
            "activation_id": _ref,
        },
        ("started_at", "ended_at"),
        _urge_rules,
    ),
    Table(
        "practices",
        PracticeRow,
        "started_at",
        {
            "client_token": _token,
            "kind": _kind,
            "seconds": _seconds,
            "note": _opt_text(2000),
        },
        ("started_at",),
    ),
    Table(
        "tools",
        ToolRow,
        "created_at",
        {"name": _text(120, "a tool without a name"), "archived": _bool},
        ("created_at",),
    ),
    Table(
        "tool_uses",
        ToolUseRow,
        "used_at",
        {
            "client_token": _token,
            "tool_id": _required_ref,
            "before": _intensity,
            "after": _intensity,
        },
        ("used_at",),
    ),
)


def _columns(table: Table) -> list[str]:
    return [c.key for c in sa_inspect(table.model).columns]


def dump(*, session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, oldest first, as JSON-ready dicts."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        cols = _columns(table)
        order = getattr(table.model, table.order)
        rows = session.scalars(select(table.model).order_by(order, table.model.id))  # type: ignore[attr-defined]
        out[table.key] = [
            {c: _ts(getattr(r, c)) if c in table.times else getattr(r, c) for c in cols}
            for r in rows
        ]
    return out


def _normalise(table: Table, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TypeError
    rec: dict[str, Any] = {}
    for col in _columns(table):
        value = raw.get(col)
        if col == "id":
            if not isinstance(value, str) or not 1 <= len(value) <= 32:
                raise EarnedError(f"The import file has an unusable id in {table.key}.")
            rec[col] = value
        elif col in table.times:
            rec[col] = _ts(value)
        else:
            rec[col] = table.checks[col](value)
    for col in table.times:
        if rec[col] is None and not table.model.__table__.columns[col].nullable:
            raise EarnedError(f"A record in {table.key} is missing its {col}.")
    if table.rules is not None:
        table.rules(rec)
    return rec


def admit(
    rec: dict[str, Any],
    *,
    seen: set[str],
    have: dict[str, dict[str, Any]],
    twice: str,
    conflict: str,
) -> bool:
    """True if `rec` is new; False if an identical record is already stored.

    Raises EarnedError (`twice`) when the file lists the id again, and (`conflict`)
    when the stored record with that id differs. Shared by every section of an import.
    """
    if rec["id"] in seen:
        raise EarnedError(twice)
    seen.add(rec["id"])
    if rec["id"] in have:
        if have[rec["id"]] != rec:
            raise EarnedError(conflict)
        return False
    return True


def load(
    *,
    session: Session,
    data: dict[str, Any],
    counts: dict[str, int],
    current: dict[str, Any] | None = None,
) -> None:
    """Add the records of the export's tables; identical existing ones are skipped.

    `current` is a snapshot the caller already took (export.restore does), so the
    tables are not read a second time.
    """
    if current is None:
        current = dump(session=session)
    for table in TABLES:
        have = {r["id"]: r for r in current[table.key]}
        seen: set[str] = set()
        counts.setdefault(table.key, 0)
        for raw in data.get(table.key, []):
            rec = _normalise(table, raw)
            if not admit(
                rec,
                seen=seen,
                have=have,
                twice=f"The file lists a record in {table.key} twice.",
                conflict=f"A record in {table.key} already exists with other content.",
            ):
                counts["skipped"] += 1
                continue
            values = {
                k: (datetime.fromisoformat(v) if k in table.times and v is not None else v)
                for k, v in rec.items()
            }
            session.add(table.model(**values))
            counts[table.key] += 1
        session.flush()
