"""What the roadmap home reads: how many records each step has lately, and the signals
its one suggestion is chosen from.

Persistence only: which records belong to which step, the states and the suggestion are
earned.roadmap's; a slip is earned.recommit's. Every count is one indexed query over a
time range (or an EXISTS for "any at all"), all of them sent as one statement, so the page
costs the same on a journal of three years as on one of three weeks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
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


def _counts(column: Any, condition: ColumnElement[bool] | None, week: Any) -> Any:
    """(records since `lately`, of which in the last week) of one source, as one SELECT."""
    return select(
        func.count().label("recent"),
        func.coalesce(func.sum(case((column >= week, 1), else_=0)), 0).label("week"),
    ).where(*([condition] if condition is not None else []))


def _any(column: Any, condition: ColumnElement[bool] | None) -> Any:
    """Whether the source has any record at all (an EXISTS the database stops at once)."""
    query = select(column).where(column.is_not(None))
    if condition is not None:
        query = query.where(condition)
    return query.exists()


def activity(*, session: Session, now: datetime) -> dict[str, roadmap.Activity]:
    """Each step's records this week, lately and ever: every source counted in ONE
    statement (a UNION ALL of indexed range counts), and "ever" asked in one more only
    for the steps with nothing lately. On PostgreSQL each statement is a round trip: the
    roadmap home made about 50 of them (bench/load.py found / and /roadmap the slowest)."""
    week = now - timedelta(days=roadmap.WEEK_DAYS)
    lately = now - timedelta(days=roadmap.ACTIVE_DAYS)
    assert lately <= week  # the week lies inside "lately": one range, counted twice over
    keys, counted = _counted()
    found = {
        int(i): (int(recent), int(in_week))
        for recent, in_week, i in session.execute(
            counted, {"week": week, "lately": lately, "now": now}
        )
    }
    quiet = tuple(
        i for i, key in enumerate(keys)
        if not any(found[j][0] for j, k in enumerate(keys) if k == key)
    )  # fmt: skip
    ever = {int(i) for i in session.scalars(_asked(quiet))} if quiet else set()
    out: dict[str, roadmap.Activity] = {}
    for key in dict.fromkeys(keys):  # each step once, in the roadmap's order
        mine = [i for i, k in enumerate(keys) if k == key]
        recent = sum(found[i][0] for i in mine)
        in_week = sum(found[i][1] for i in mine)
        out[key] = roadmap.Activity(in_week, recent, bool(recent) or any(i in ever for i in mine))
    return out


# The two statements are built once and given their times as parameters: building
# seventeen counts of SQLAlchemy expressions cost more than the database's answer (about
# 4 ms a page on the load bench's journals).


@cache
def _counted() -> tuple[tuple[str, ...], Any]:
    """Each source's step, and the one statement counting them all (i = source's place)."""
    sources = [(key, source) for key, group in _sources().items() for source in group]
    week: Any = bindparam("week")
    lately: Any = bindparam("lately")
    now: Any = bindparam("now")
    counted = union_all(
        *(
            _counts(column, condition, week)
            .add_columns(literal(i).label("i"))
            .where(column >= lately, column <= now)
            for i, (_key, (column, condition)) in enumerate(sources)
        )
    )
    return tuple(key for key, _s in sources), counted


@lru_cache(maxsize=64)
def _asked(quiet: tuple[int, ...]) -> Any:
    """Which of the `quiet` sources have any record at all (one EXISTS each)."""
    sources = [source for group in _sources().values() for source in group]
    return union_all(*(select(literal(i).label("i")).where(_any(*sources[i])) for i in quiet))


def _latest_start(session: Session) -> dict[str, tuple[float, float | None]] | None:
    """(mean, percentile) per subscale of the latest finished starting-point result (one
    row by the index on completion, then its answers)."""
    latest = assessments.latest_completed(session=session, instruments=START_INSTRUMENTS)
    if latest is None:
        return None
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
