"""Reading the four signs of change, week by week, for the progress page.

Persistence only: what a sign is, how weeks are made and how a trend is read are
earned.trends'. Each sign reads only its own columns of the weeks shown (one query, no
row objects, no type processing on the times), so the cost follows the window, not the
whole history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import trends
from earned.store import people
from earned.store.models import ActivationRow, UrgeDelayRow
from earned.store.recommits import naive_utc, raw_time


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
        select(raw_time(start), raw_time(end)).where(
            start >= since, start < until, end.is_not(None)
        )
    )
    values = []
    for began_raw, ended_raw in rows:
        if ended_raw is None:
            continue
        began, ended = naive_utc(began_raw), naive_utc(ended_raw)
        minutes = max(0.0, (ended - began).total_seconds() / 60)
        values.append((trends.local_day(began, zone), minutes))
    return list(trends.weekly_medians(values, weeks))


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
        select(raw_time(ActivationRow.onset_at), ActivationRow.named_in_moment).where(
            ActivationRow.onset_at >= since,
            ActivationRow.onset_at < until,
            ActivationRow.named_in_moment.is_not(None),
        )
    )
    answers = [(trends.local_day(naive_utc(onset), zone), answer) for onset, answer in rows]
    return list(trends.weekly_named(answers, weeks))


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
