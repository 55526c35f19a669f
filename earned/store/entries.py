"""Reading and writing journal entries (reflections, the origin story, notes after an
interaction, kept notes). Persistence only: kinds and limits are earned.journal's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import journal
from earned.journal import Entry
from earned.store import keyset
from earned.store.ids import existing, new_id
from earned.store.models import EntryRow


def _entry(row: EntryRow) -> Entry:
    return Entry(row.id, row.kind, row.prompt, row.body, row.created_at, row.updated_at)


def add_entry(
    *, session: Session, kind: str, prompt: str | None, body: str, now: datetime
) -> Entry:
    journal.check_kind(kind, prompt)
    row = EntryRow(
        id=new_id(),
        kind=kind,
        prompt=prompt,
        body=journal.clean_body(body),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _entry(row)


def _entry_row(session: Session, entry_id: str) -> EntryRow:
    return existing(session, EntryRow, entry_id, "entry")


def get_entry(*, session: Session, entry_id: str) -> Entry:
    return _entry(_entry_row(session, entry_id))


def update_entry(*, session: Session, entry_id: str, body: str, now: datetime) -> Entry:
    row = _entry_row(session, entry_id)
    row.body = journal.clean_body(body)
    row.updated_at = now
    session.flush()
    return _entry(row)


def delete_entry(*, session: Session, entry_id: str) -> None:
    session.delete(_entry_row(session, entry_id))
    session.flush()


def count_by_prompt(*, session: Session, kind: str) -> dict[str, int]:
    """How many entries of `kind` each prompt has (one grouped count, no bodies read)."""
    rows = session.execute(
        select(EntryRow.prompt, func.count()).where(EntryRow.kind == kind).group_by(EntryRow.prompt)
    )
    return {str(prompt): int(n) for prompt, n in rows if prompt is not None}


def entries_page(
    *,
    session: Session,
    kind: str,
    prompt: str | None = None,
    before: tuple[datetime, str] | None = None,
    limit: int = journal.PAGE,
) -> tuple[list[Entry], bool]:
    """Entries of `kind` (and `prompt`), newest first, `limit` at a time, and whether there
    are older ones. `before` is the (created_at, id) of the last entry of the page before."""
    query = select(EntryRow).where(EntryRow.kind == kind)
    if prompt is not None:
        query = query.where(EntryRow.prompt == prompt)
    rows, more = keyset.newest_first(
        session, query, EntryRow.created_at, EntryRow.id, before, limit
    )
    return [_entry(r) for r in rows], more


def list_entries(
    *, session: Session, kind: str | None = None, limit: int | None = None
) -> list[Entry]:
    """Newest first; at most `limit`."""
    query = select(EntryRow).order_by(EntryRow.created_at.desc())
    if kind:
        query = query.where(EntryRow.kind == kind)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(r) for r in session.scalars(query)]
