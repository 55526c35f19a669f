"""What calendar reminders read from the store (earned.store.beliefs.scheduled): active
beliefs with a re-rating schedule and when each was last rated, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from earned import beliefs as rules
from earned.store import Store
from earned.store import beliefs as store_beliefs

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def add(store: Store, text: str, every: int | None, now: datetime) -> rules.Belief:
    with store.session() as s:
        return store_beliefs.add_belief(
            session=s,
            details=rules.check_details(belief=text, rerate_days=every),
            strength=60,
            now=now,
        )


def test_scheduled_reads_active_beliefs_with_a_schedule_and_their_latest_rating(
    store: Store,
) -> None:
    weekly = add(store, "I am too much.", 7, NOW - 30 * DAY)
    add(store, "Nobody stays.", None, NOW - 20 * DAY)  # no schedule: no reminder
    away = add(store, "I have to earn rest.", 14, NOW - 10 * DAY)
    monthly = add(store, "Asking is a burden.", 28, NOW - 5 * DAY)
    with store.session() as s:
        store_beliefs.rate(session=s, belief_id=weekly.id, strength=40, now=NOW - 2 * DAY)
        store_beliefs.set_archived(session=s, belief_id=away.id, archived=True, now=NOW)
    with store.session() as s:
        found = store_beliefs.scheduled(session=s)
        first = store_beliefs.scheduled(session=s, most=1)
    assert [(b.id, last) for b, last in found] == [
        (weekly.id, NOW - 2 * DAY),
        (monthly.id, NOW - 5 * DAY),  # its first rating, made with it
    ]
    assert [b.rerate_days for b, _ in found] == [7, 28]
    assert [b.id for b, _ in first] == [weekly.id]
