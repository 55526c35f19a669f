"""Reading the four signs of change, week by week, for the progress page.

Persistence only: what a sign is, how weeks are made and how a trend is read are
earned.trends'. Each sign reads only its own columns of the weeks shown (one query, no
row objects, no type processing on the times), so the cost follows the window, not the
whole history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import trajectories, trends
from earned.assessment import Assessment
from earned.beliefs import Point
from earned.ladder import GapPoint
from earned.store import assessments, beliefs, ladder, people
from earned.store.instants import seconds, seconds_of
from earned.store.models import (
    ActivationRow,
    AssessmentRow,
    BeliefRatingRow,
    BeliefRow,
    LadderAttemptRow,
    UrgeDelayRow,
)


def _window(
    now: datetime, zone: tzinfo | None, count: int
) -> tuple[list[date], datetime, datetime]:
    """The Mondays shown, and the UTC times to read from and to (a day early: a Monday in
    the person's zone can begin on Sunday in UTC)."""
    today = now.astimezone(zone).date() if zone else now.astimezone(UTC).date()
    weeks = trends.mondays(today, count)
    since = datetime.combine(weeks[0] - timedelta(days=1), time(0), tzinfo=UTC)
    return weeks, since, now.astimezone(UTC)


def _weekly_minutes(
    start: Any, end: Any, *, session: Session, now: datetime, zone: tzinfo | None, count: int
) -> list[tuple[date, float | None]]:
    """The median minutes from `start` to `end` per week, over records that have an end,
    by the week of their start (one query of the two columns)."""
    weeks, since, until = _window(now, zone, count)
    rows = session.execute(
        select(seconds_of(start), seconds_of(end)).where(
            start >= since, start < until, end.is_not(None)
        )
    )
    values = []
    for began_raw, ended_raw in rows:
        if ended_raw is None:
            continue
        began = seconds(began_raw)
        values.append((began, max(0.0, (seconds(ended_raw) - began) / 60)))
    return trends.weekly_medians(values, weeks, zone)


def recovery(
    *, session: Session, now: datetime, zone: tzinfo | None, count: int = trends.WINDOW_WEEKS
) -> list[tuple[date, float | None]]:
    """The median minutes moments took to settle, per week (moments that settled)."""
    return _weekly_minutes(
        ActivationRow.onset_at,
        ActivationRow.settled_at,
        session=session,
        now=now,
        zone=zone,
        count=count,
    )


def held(
    *, session: Session, now: datetime, zone: tzinfo | None, count: int = trends.WINDOW_WEEKS
) -> list[tuple[date, float | None]]:
    """The median minutes an urge was held before acting, per week (ended urge timers)."""
    return _weekly_minutes(
        UrgeDelayRow.started_at,
        UrgeDelayRow.ended_at,
        session=session,
        now=now,
        zone=zone,
        count=count,
    )


def named(
    *, session: Session, now: datetime, zone: tzinfo | None, count: int = trends.WINDOW_WEEKS
) -> list[tuple[date, float | None]]:
    """The share of moments named while they happened, per week (of those answered)."""
    weeks, since, until = _window(now, zone, count)
    rows = session.execute(
        select(seconds_of(ActivationRow.onset_at), ActivationRow.named_in_moment).where(
            ActivationRow.onset_at >= since,
            ActivationRow.onset_at < until,
            ActivationRow.named_in_moment.is_not(None),
        )
    )
    return trends.weekly_named(((seconds(at), answer) for at, answer in rows), weeks, zone)


def with_available(
    *, session: Session, now: datetime, zone: tzinfo | None, count: int = trends.WINDOW_WEEKS
) -> list[tuple[date, float | None]]:
    """The share of interactions with people rated consistently available, per week (the
    people page's own count, earned.store.people.weekly_share)."""
    return [
        (w.week, w.share)
        for w in people.weekly_share(session=session, now=now, weeks=count, zone=zone)
    ]


READERS = {
    "recovery": recovery,
    "held": held,
    "named": named,
    "people": with_available,
}


def signs(
    *, session: Session, now: datetime, zone: tzinfo | None, count: int = trends.WINDOW_WEEKS
) -> dict[str, list[tuple[date, float | None]]]:
    """Each sign's weeks, oldest first, this week last, by sign key."""
    return {
        sign.key: READERS[sign.key](session=session, now=now, zone=zone, count=count)
        for sign in trends.SIGNS
    }


# --- the trajectories below the signs (earned.trajectories) ----------------------------------


def completed(
    *, session: Session, instrument_ids: Sequence[str], most: int = trajectories.RESULTS_SHOWN
) -> dict[str, tuple[list[Assessment], int]]:
    """Per questionnaire, its newest `most` + 1 completed results, oldest first (the one
    more so the oldest shown still has the one before it to be compared with), and how
    many were read. Two queries in all: the results ranked per questionnaire by the
    database, then only their answers' item and value."""
    rank = (
        func.row_number()
        .over(
            partition_by=AssessmentRow.instrument,
            order_by=(AssessmentRow.completed_at.desc(), AssessmentRow.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(*assessments.COLUMNS, rank)
        .where(
            AssessmentRow.instrument.in_(list(instrument_ids)),
            AssessmentRow.completed_at.is_not(None),
        )
        .subquery()
    )
    found = assessments.read_with_answers(
        session=session,
        query=select(*(ranked.c[column.key] for column in assessments.COLUMNS))
        .where(ranked.c.rank <= most + 1)
        .order_by(ranked.c.completed_at, ranked.c.id),
    )
    out: dict[str, tuple[list[Assessment], int]] = {}
    for instrument_id in instrument_ids:
        mine = [a for a in found if a.instrument_id == instrument_id]
        out[instrument_id] = (mine, len(mine))
    return out


def recent_beliefs(
    *,
    session: Session,
    most: int = trajectories.BELIEFS_SHOWN,
    ratings: int = trajectories.RATINGS_SHOWN,
) -> list[trajectories.BeliefSeries]:
    """The `most` active beliefs re-rated most recently, newest first, each with its newest
    `ratings` ratings and its very first (so "since the first rating" stays true), oldest
    first. Three queries: the beliefs (grouped by the database), their words, and the
    ratings shown, ranked both ways per belief by the database (three columns each)."""
    last = func.max(BeliefRatingRow.rated_at)
    ids = list(
        session.scalars(
            select(BeliefRatingRow.belief_id)
            .join(BeliefRow, BeliefRow.id == BeliefRatingRow.belief_id)
            .where(BeliefRow.archived.is_(False))
            .group_by(BeliefRatingRow.belief_id)
            .order_by(last.desc(), BeliefRatingRow.belief_id)
            .limit(most)
        )
    )
    if not ids:
        return []
    order = (BeliefRatingRow.rated_at, BeliefRatingRow.id)
    ranked = (
        select(
            BeliefRatingRow.belief_id,
            BeliefRatingRow.rated_at,
            BeliefRatingRow.strength,
            BeliefRatingRow.alternative_strength,
            func.row_number()
            .over(partition_by=BeliefRatingRow.belief_id, order_by=[o.desc() for o in order])
            .label("newest"),
            func.row_number()
            .over(partition_by=BeliefRatingRow.belief_id, order_by=order)
            .label("oldest"),
        )
        .where(BeliefRatingRow.belief_id.in_(ids))
        .subquery()
    )
    c = ranked.c
    rows = session.execute(
        select(c.belief_id, c.rated_at, c.strength, c.alternative_strength)
        .where((c.newest <= ratings) | (c.oldest == 1))
        .order_by(c.belief_id, c.oldest)
    )
    points: dict[str, list[Point]] = {belief_id: [] for belief_id in ids}
    for belief_id, rated_at, strength, alternative in rows:
        points[belief_id].append(Point(rated_at, strength, alternative))
    said = beliefs.words_of(session=session, belief_ids=ids)
    return [trajectories.BeliefSeries(i, said[i], points[i]) for i in ids]


def ladder_span(
    *,
    session: Session,
    now: datetime,
    zone: tzinfo | None,
    months: int = trajectories.LADDER_MONTHS,
) -> tuple[trajectories.LadderSpan, list[GapPoint]]:
    """The ladder's tries done over the last `months` months with their guess and result
    (the ladder page's own reader of three columns; also returned as read, for the ladder
    page's gap chart), those that went reasonably well (one count), and whether any try
    was ever planned (one indexed lookup)."""
    since = trajectories.ladder_since(now, zone, months)
    points = ladder.gap_points(session=session, since=since)
    well = session.scalar(
        select(func.count()).where(
            LadderAttemptRow.done_at >= since, LadderAttemptRow.went_well.is_(True)
        )
    )
    ever = session.scalars(select(LadderAttemptRow.id).limit(1)).first() is not None
    local = [
        GapPoint(trajectories.local_naive(p.when, zone), p.predicted, p.actual, p.gap)
        for p in points
    ]
    return trajectories.ladder_span(local, int(well or 0), ever=ever), points
