"""What the roadmap home reads: how many records each step has lately, and the signals
its one suggestion is chosen from.

Persistence only: which records belong to which step, the states and the suggestion are
earned.roadmap's; a slip is earned.recommit's. Every count is one indexed query over a
time range (or a LIMIT 1 for "any at all"), so the page costs the same on a journal of
three years as on one of three weeks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from earned import assessment, episodes, roadmap
from earned.instruments.scoring import Scores
from earned.store import assessments, recommits
from earned.store import balance as balance_store
from earned.store import beliefs as belief_store
from earned.store.models import (
    ActivationRow,
    AssessmentRow,
    BeliefRatingRow,
    BeliefRow,
    EntryRow,
    LadderAttemptRow,
    PartRow,
    PersonRatingRow,
    PracticeRow,
    RecommitRow,
    RuptureRow,
    SessionNoteRow,
    ToolUseRow,
    UrgeDelayRow,
)

# The starting-point questionnaires, whose latest result the suggestion reads.
START_INSTRUMENTS = ("ecr", "ecrr")
COMPASSION_INSTRUMENTS = ("scssf",)
LETTER_KIND = "letter"

# One source of records: (the time column, an extra condition or None).
Source = tuple[Any, ColumnElement[bool] | None]


def _practices(step: str) -> ColumnElement[bool]:
    """Practice kinds of `step`, by the prefixes earned.roadmap gives each step."""
    prefixes = [p for p, s in roadmap._PRACTICE_STEPS if s == step]
    if step == "regulate":
        others = [p for p, _ in roadmap._PRACTICE_STEPS]
        return ~or_(*(PracticeRow.kind.startswith(p) for p in others))
    return or_(*(PracticeRow.kind.startswith(p) for p in prefixes))


def _has_pattern() -> ColumnElement[bool]:
    # An activation without a pattern stores JSON null (the text "null"), not SQL NULL.
    return and_(ActivationRow.pattern.is_not(None), cast(ActivationRow.pattern, Text) != "null")


def _sources() -> dict[str, list[Source]]:
    return {
        "start": [
            (
                AssessmentRow.completed_at,
                AssessmentRow.instrument.in_(START_INSTRUMENTS),
            )
        ],
        "notice": [(ActivationRow.onset_at, None)],
        "name": [
            (
                ActivationRow.onset_at,
                or_(ActivationRow.named_in_moment.is_(True), _has_pattern()),
            )
        ],
        "therapy": [(SessionNoteRow.created_at, None)],
        "regulate": [
            (PracticeRow.started_at, _practices("regulate")),
            (ToolUseRow.used_at, None),
            (UrgeDelayRow.started_at, None),
        ],
        "doses": [(LadderAttemptRow.planned_at, None)],
        "figure": [(PracticeRow.started_at, _practices("figure")), (PartRow.updated_at, None)],
        "beliefs": [(BeliefRatingRow.rated_at, None), (BeliefRow.updated_at, None)],
        "relationships": [(PersonRatingRow.rated_at, None), (RuptureRow.happened_at, None)],
        "compassion": [
            (PracticeRow.started_at, _practices("compassion")),
            (EntryRow.created_at, EntryRow.kind == LETTER_KIND),
            (
                AssessmentRow.completed_at,
                AssessmentRow.instrument.in_(COMPASSION_INSTRUMENTS),
            ),
        ],
        "recommit": [(RecommitRow.made_at, None)],
    }


def _count(session: Session, source: Source, since: datetime, now: datetime) -> int:
    column, condition = source
    query = select(func.count()).where(column >= since, column <= now)
    if condition is not None:
        query = query.where(condition)
    return int(session.scalar(query) or 0)


def _any(session: Session, source: Source) -> bool:
    column, condition = source
    query = select(column).where(column.is_not(None))
    if condition is not None:
        query = query.where(condition)
    return session.scalar(query.limit(1)) is not None


def activity(*, session: Session, now: datetime) -> dict[str, roadmap.Activity]:
    week = now - timedelta(days=roadmap.WEEK_DAYS)
    lately = now - timedelta(days=roadmap.ACTIVE_DAYS)
    out: dict[str, roadmap.Activity] = {}
    for key, sources in _sources().items():
        in_week = sum(_count(session, s, week, now) for s in sources)
        recent = sum(_count(session, s, lately, now) for s in sources)
        ever = bool(recent) or any(_any(session, s) for s in sources)
        out[key] = roadmap.Activity(in_week, recent, ever)
    return out


def _latest_start(session: Session) -> dict[str, tuple[float, float | None]] | None:
    """(mean, percentile) per subscale of the latest finished starting-point result (one
    row by the index on completion, then its answers)."""
    latest_id = session.scalar(
        select(AssessmentRow.id)
        .where(
            AssessmentRow.instrument.in_(START_INSTRUMENTS),
            AssessmentRow.completed_at.is_not(None),
        )
        .order_by(AssessmentRow.completed_at.desc())
        .limit(1)
    )
    if latest_id is None:
        return None
    latest = assessments.get_assessment(session=session, assessment_id=latest_id)
    scores = latest.result()
    if not isinstance(scores, Scores):
        return None
    return {
        p.subscale: (p.value, p.percentile)
        for p in assessment.placements(latest.instrument, scores)
    }


def _belief_due(session: Session, now: datetime) -> tuple[str, str] | None:
    """The belief waiting longest for its re-rating, by the person's own schedule (the
    rule is earned.beliefs.rerating_due)."""
    due = belief_store.rerating_due(session=session, now=now)
    return (due[0].belief_id, due[0].belief) if due else None


def signals(*, session: Session, now: datetime, moments_lately: int) -> roadmap.Signals:
    start = _latest_start(session)
    unsettled = int(
        session.scalar(
            select(func.count()).where(
                ActivationRow.onset_at >= now - timedelta(days=roadmap.UNSETTLED_DAYS),
                ActivationRow.onset_at < episodes.open_since(now),
                ActivationRow.settled_at.is_(None),
            )
        )
        or 0
    )
    finding = recommits.finding(session=session, now=now)
    since_slip = (
        now - timedelta(days=7 * finding.began_weeks_ago)
        if finding.began_weeks_ago is not None
        else now
    )
    return roadmap.Signals(
        has_start=start is not None,
        anxiety=(start or {}).get("anxiety"),
        avoidance=(start or {}).get("avoidance"),
        unsettled=unsettled,
        belief_due=_belief_due(session, now),
        finding=finding,
        recommitted_since=recommits.made_since(session=session, since=since_slip),
        moments_lately=moments_lately,
        over_focused=balance_store.over_focused(session=session, now=now),
    )
