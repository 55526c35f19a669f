"""Export and import of the in-the-moment tables (activations, urge timers, practices,
tools, tool uses), described once as data so each table needs no hand-written codec.

Each exported record holds every column (times as ISO 8601 UTC, lists as lists). On
import each record is checked by the rules its domain module owns (episodes.IMPORTED,
urges.IMPORTED, …), the same limits as a new record; an id that exists with other
content is a conflict and the caller's transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import (
    beliefs,
    episodes,
    imported,
    ladder,
    origin_links,
    parts,
    people,
    recommit,
    regulation,
    session_prep,
    toolkit,
    urges,
)
from earned.errors import EarnedError
from earned.reports import faults
from earned.store.models import (
    ActivationRow,
    Base,
    BeliefRatingRow,
    BeliefRow,
    LadderAttemptRow,
    LadderRungRow,
    OriginLinkRow,
    PartRow,
    PersonRatingRow,
    PersonRow,
    PracticeRow,
    RecommitRow,
    RuptureRow,
    SessionNoteRow,
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


TimeRule = Callable[[Mapping[str, datetime | None], Mapping[str, Any]], None]


@dataclass(frozen=True)
class Table:
    key: str
    model: type[Base]
    order: str
    # Every other column's check, owned by the record kind's domain module.
    checks: Mapping[str, imported.Check]
    times: tuple[str, ...]
    # Checks across the times of one record (the kind's own), once each column has passed.
    rules: TimeRule | None = None


TABLES: tuple[Table, ...] = (
    # --- the parts map: before activations, whose part_id refers to it ---
    Table(
        "parts",
        PartRow,
        "created_at",
        parts.IMPORTED,
        ("created_at", "updated_at"),
        parts.check_imported_times,
    ),
    # ---
    # --- the people ledger (before activations, which link to a person) ---
    Table("people", PersonRow, "created_at", people.IMPORTED_PERSON, ("created_at",)),
    Table("person_ratings", PersonRatingRow, "rated_at", people.IMPORTED_RATING, ("rated_at",)),
    Table(
        "ruptures",
        RuptureRow,
        "happened_at",
        people.IMPORTED_RUPTURE,
        ("happened_at", "repaired_at", "created_at", "updated_at"),
        people.check_imported_rupture_times,
    ),
    # --- in the moment ---
    Table(
        "activations",
        ActivationRow,
        "onset_at",
        episodes.IMPORTED,
        ("onset_at", "peak_at", "settled_at", "created_at", "updated_at"),
        episodes.check_imported_times,
    ),
    Table(
        "urge_delays",
        UrgeDelayRow,
        "started_at",
        urges.IMPORTED,
        ("started_at", "ended_at"),
        urges.check_imported_times,
    ),
    Table("practices", PracticeRow, "started_at", regulation.IMPORTED, ("started_at",)),
    Table("tools", ToolRow, "created_at", toolkit.IMPORTED_TOOL, ("created_at",)),
    Table("tool_uses", ToolUseRow, "used_at", toolkit.IMPORTED_USE, ("used_at",)),
    Table("recommits", RecommitRow, "made_at", recommit.IMPORTED, ("made_at",)),
    # --- session prep (roadmap step 3) ---
    Table(
        "session_notes",
        SessionNoteRow,
        "created_at",
        session_prep.IMPORTED,
        ("session_at", "created_at", "updated_at"),
        session_prep.check_imported_note,
    ),
    # --- core beliefs and origin-story links (after entries, which they may name) ---
    Table(
        "beliefs",
        BeliefRow,
        "created_at",
        beliefs.IMPORTED_BELIEF,
        ("created_at", "updated_at"),
    ),
    Table("belief_ratings", BeliefRatingRow, "rated_at", beliefs.IMPORTED_RATING, ("rated_at",)),
    Table("origin_links", OriginLinkRow, "created_at", origin_links.IMPORTED, ("created_at",)),
    # --- the exposure ladder (after urge_delays, which its attempts may name) ---
    Table("ladder_rungs", LadderRungRow, "created_at", ladder.IMPORTED_RUNG, ("created_at",)),
    Table(
        "ladder_attempts",
        LadderAttemptRow,
        "planned_at",
        ladder.IMPORTED_ATTEMPT,
        ("planned_at", "done_at", "updated_at"),
        ladder.check_imported_attempt,
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
            if not isinstance(value, str) or not 1 <= len(value) <= imported.MAX_ID:
                raise EarnedError("its id is not one earned could have made")
            rec[col] = value
        elif col in table.times:
            rec[col] = _ts(value)
        else:
            rec[col] = table.checks[col](value)
    for col in table.times:
        if rec[col] is None and not table.model.__table__.columns[col].nullable:
            raise EarnedError(f"its {col.removesuffix('_at')} time is missing")
    if table.rules is not None:
        times = {c: None if rec[c] is None else datetime.fromisoformat(rec[c]) for c in table.times}
        table.rules(times, rec)
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
        for number, raw in enumerate(data.get(table.key, []), start=1):
            with faults.at_fault(table.key, raw, table.order, number):
                rec = _normalise(table, raw)
                new = admit(
                    rec,
                    seen=seen,
                    have=have,
                    twice="it appears twice in the file",
                    conflict="your journal already has it, with other content",
                )
            if not new:
                counts["skipped"] += 1
                continue
            values = {
                k: (datetime.fromisoformat(v) if k in table.times and v is not None else v)
                for k, v in rec.items()
            }
            session.add(table.model(**values))
            counts[table.key] += 1
        session.flush()
