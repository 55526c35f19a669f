"""Reading and writing questionnaires (assessments) and their answers.

Persistence only: the answer's scale, the order of saves and completeness are
earned.assessment's rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import assessment, instruments
from earned.assessment import Assessment
from earned.store.ids import existing, new_id
from earned.store.models import AnswerRow, AssessmentRow


def _assessment(row: AssessmentRow) -> Assessment:
    return Assessment(
        id=row.id,
        instrument_id=row.instrument,
        started_at=row.started_at,
        completed_at=row.completed_at,
        answers={a.item: a.value for a in row.answers},
    )


def start_assessment(*, session: Session, instrument_id: str, now: datetime) -> Assessment:
    instruments.load(instrument_id)  # unknown ids are a clear error
    row = AssessmentRow(id=new_id(), instrument=instrument_id, started_at=now)
    session.add(row)
    session.flush()
    return _assessment(row)


def _row(session: Session, assessment_id: str) -> AssessmentRow:
    return existing(session, AssessmentRow, assessment_id, "assessment")


def get_assessment(*, session: Session, assessment_id: str) -> Assessment:
    return _assessment(_row(session, assessment_id))


def unfinished_assessment(*, session: Session, instrument_id: str) -> Assessment | None:
    row = session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.instrument == instrument_id, AssessmentRow.completed_at.is_(None))
        .order_by(AssessmentRow.started_at.desc())
    ).first()
    return _assessment(row) if row else None


def has_completed(*, session: Session, instrument_id: str) -> bool:
    """Whether any assessment of `instrument_id` was completed (one indexed lookup)."""
    found = session.scalars(
        select(AssessmentRow.id)
        .where(AssessmentRow.instrument == instrument_id, AssessmentRow.completed_at.is_not(None))
        .limit(1)
    ).first()
    return found is not None


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
