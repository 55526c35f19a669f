"""Reading and writing questionnaires (assessments) and their answers.

Persistence only: the answer's scale, the order of saves and completeness are
earned.assessment's rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import assessment, instruments
from earned.assessment import Assessment
from earned.store.ids import existing, new_id
from earned.store.models import AnswerRow, AssessmentRow, PersonRow


def _assessment(row: AssessmentRow) -> Assessment:
    return _of(row, {a.item: a.value for a in row.answers})


def _of(head: Any, answers: dict[int, int]) -> Assessment:
    """An assessment from its own columns (a row object, or a row of COLUMNS) and answers."""
    return Assessment(
        id=head.id,
        instrument_id=head.instrument,
        started_at=head.started_at,
        completed_at=head.completed_at,
        answers=answers,
        person_id=head.person_id,
        person_name=head.person_name,
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


# An assessment's own columns, read without row objects (see read_with_answers).
COLUMNS = (
    AssessmentRow.id,
    AssessmentRow.instrument,
    AssessmentRow.started_at,
    AssessmentRow.completed_at,
    AssessmentRow.person_id,
    AssessmentRow.person_name,
)


def read_with_answers(*, session: Session, query: Any) -> list[Assessment]:
    """The assessments `query` (a select of COLUMNS, by those names) finds, in its
    order, with their answers: two statements and no row objects. Read as ORM rows, a
    dozen results' 400 answers were most of the results page's time on the load bench."""
    heads = session.execute(query).all()
    if not heads:
        return []
    answers: dict[str, dict[int, int]] = {head.id: {} for head in heads}
    for assessment_id, item, value in session.execute(
        select(AnswerRow.assessment_id, AnswerRow.item, AnswerRow.value)
        .where(AnswerRow.assessment_id.in_(list(answers)))
        .order_by(AnswerRow.assessment_id, AnswerRow.item)
    ):
        answers[assessment_id][item] = value
    return [_of(head, answers[head.id]) for head in heads]


def list_assessments(*, session: Session, instrument_id: str | None = None) -> list[Assessment]:
    query = select(*COLUMNS).order_by(AssessmentRow.started_at)
    if instrument_id:
        query = query.where(AssessmentRow.instrument == instrument_id)
    return read_with_answers(session=session, query=query)


def latest_completed(*, session: Session, instruments: Sequence[str]) -> Assessment | None:
    """The most recently completed assessment of any of `instruments` (one row by the
    completion time, then its answers), or None."""
    found = read_with_answers(
        session=session,
        query=select(*COLUMNS)
        .where(AssessmentRow.instrument.in_(instruments), AssessmentRow.completed_at.is_not(None))
        .order_by(AssessmentRow.completed_at.desc())
        .limit(1),
    )
    return found[0] if found else None


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


# --- questionnaires about one relationship (ECR-RS) --------------------------------------------


def save_about(
    *,
    session: Session,
    instrument_id: str,
    person_id: str,
    answers: dict[int, int],
    now: datetime,
) -> Assessment:
    """A questionnaire about one person, answered on one form: every answer checked and
    all present, then saved and completed together, or nothing saved. The person's name
    is kept on it so it stays readable if they are later removed from the ledger."""
    inst = instruments.load(instrument_id)
    person = existing(session, PersonRow, person_id, "person")
    checked = dict(assessment.check_answer(inst, item, value) for item, value in answers.items())
    draft = Assessment(id="", instrument_id=inst.id, started_at=now, answers=checked)
    assessment.check_complete(draft)
    row = AssessmentRow(
        id=new_id(),
        instrument=inst.id,
        started_at=now,
        completed_at=now,
        person_id=person.id,
        person_name=person.name,
    )
    row.answers.extend(
        AnswerRow(item=item, value=value, answered_at=now)
        for item, value in sorted(checked.items())
    )
    session.add(row)
    session.flush()
    return _assessment(row)


def about_person(*, session: Session, person_id: str, instrument_id: str) -> list[Assessment]:
    """The completed questionnaires `instrument_id` about one person, oldest first."""
    return read_with_answers(
        session=session,
        query=select(*COLUMNS)
        .where(
            AssessmentRow.person_id == person_id,
            AssessmentRow.instrument == instrument_id,
            AssessmentRow.completed_at.is_not(None),
        )
        .order_by(AssessmentRow.completed_at, AssessmentRow.id),
    )
