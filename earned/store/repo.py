"""Reading and writing the journal: keyword-only functions over a Session that return
plain domain objects (earned.assessment, earned.journal), so callers never see rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from earned import assessment, instruments, journal
from earned.assessment import Assessment
from earned.errors import EarnedError
from earned.journal import Entry
from earned.store.models import (
    ActivationRow,
    AnswerRow,
    AssessmentRow,
    EntryRow,
    PracticeRow,
    SettingRow,
    ToolRow,
    ToolUseRow,
    UrgeDelayRow,
)


def new_id() -> str:
    return uuid.uuid4().hex


def _assessment(row: AssessmentRow) -> Assessment:
    return Assessment(
        id=row.id,
        instrument_id=row.instrument,
        started_at=row.started_at,
        completed_at=row.completed_at,
        answers={a.item: a.value for a in row.answers},
    )


def _entry(row: EntryRow) -> Entry:
    return Entry(row.id, row.kind, row.prompt, row.body, row.created_at, row.updated_at)


def not_found(what: str) -> EarnedError:
    return EarnedError(f"That {what} does not exist (it may have been deleted).", status=404)


# --- assessments -----------------------------------------------------------------------


def start_assessment(*, session: Session, instrument_id: str, now: datetime) -> Assessment:
    instruments.load(instrument_id)  # unknown ids are a clear error
    row = AssessmentRow(id=new_id(), instrument=instrument_id, started_at=now)
    session.add(row)
    session.flush()
    return _assessment(row)


def _row(session: Session, assessment_id: str) -> AssessmentRow:
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        raise not_found("assessment")
    return row


def get_assessment(*, session: Session, assessment_id: str) -> Assessment:
    return _assessment(_row(session, assessment_id))


def unfinished_assessment(*, session: Session, instrument_id: str) -> Assessment | None:
    row = session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.instrument == instrument_id, AssessmentRow.completed_at.is_(None))
        .order_by(AssessmentRow.started_at.desc())
    ).first()
    return _assessment(row) if row else None


def list_assessments(*, session: Session, instrument_id: str | None = None) -> list[Assessment]:
    query = select(AssessmentRow).order_by(AssessmentRow.started_at)
    if instrument_id:
        query = query.where(AssessmentRow.instrument == instrument_id)
    return [_assessment(r) for r in session.scalars(query)]


def record_answer(
    *,
    session: Session,
    assessment_id: str,
    item: int,
    value: int,
    now: datetime,
    seq: int | None = None,
) -> None:
    """Save one answer as soon as it is given (insert or replace); a save overtaken by a
    later choice (`seq`, see assessment.is_stale) changes nothing."""
    row = _row(session, assessment_id)
    item, value = assessment.check_answer(instruments.load(row.instrument), item, value)
    assessment.check_open(_assessment(row))
    existing = session.get(AnswerRow, (assessment_id, item))
    if existing is None:
        session.add(
            AnswerRow(assessment_id=assessment_id, item=item, value=value, answered_at=now, seq=seq)
        )
    elif not assessment.is_stale(existing.seq, seq):
        existing.value = value
        existing.answered_at = now
        existing.seq = seq
    session.flush()


def complete_assessment(*, session: Session, assessment_id: str, now: datetime) -> Assessment:
    row = _row(session, assessment_id)
    assessment.check_complete(_assessment(row))
    if row.completed_at is None:
        row.completed_at = now
    session.flush()
    return _assessment(row)


def delete_assessment(*, session: Session, assessment_id: str) -> None:
    session.delete(_row(session, assessment_id))
    session.flush()


# --- journal entries ---------------------------------------------------------------------


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
    row = session.get(EntryRow, entry_id)
    if row is None:
        raise not_found("entry")
    return row


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


# --- settings ----------------------------------------------------------------------------


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


def wipe(*, session: Session) -> None:
    """Delete every record (used by 'delete all my data'); the schema stays."""
    # Children before parents, so foreign keys hold at every step.
    models = (ToolUseRow, ToolRow, UrgeDelayRow, ActivationRow, PracticeRow)
    for model in (*models, AnswerRow, AssessmentRow, EntryRow, SettingRow):
        session.execute(delete(model))
    session.flush()
