"""What the over-focus check reads (earned.store.balance), on SQLCipher and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from earned import balance
from earned.balance import WeekMix
from earned.store import Store, activations, entries, practices
from earned.store import balance as balance_store

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _wound_weeks(store: Store) -> None:
    with store.session() as s:
        for week in range(4):
            entries.add_entry(
                session=s, kind="origin", prompt=None, body="Back then…",
                now=NOW - timedelta(days=7 * week + 1),
            )  # fmt: skip
            for day in range(3):
                when = NOW - timedelta(days=7 * week + day + 2)
                activations.log_activation(session=s, intensity=6, trigger="the silence", now=when)


def test_weeks_of_old_hurts_without_practice_lean_on_the_wound(store: Store) -> None:
    _wound_weeks(store)
    with store.session() as s:
        assert balance_store.over_focused(session=s, now=NOW)
        balance_store.set_enabled(session=s, on=False)
    with store.session() as s:
        assert not balance_store.over_focused(session=s, now=NOW)  # turned off


def test_practice_alongside_is_balance(store: Store) -> None:
    _wound_weeks(store)
    with store.session() as s:
        for week in range(4):
            for day in range(2):
                practices.log_practice(
                    session=s, kind="breathing-box", seconds=120,
                    now=NOW - timedelta(days=7 * week + day + 1),
                )  # fmt: skip
    with store.session() as s:
        assert not balance_store.over_focused(session=s, now=NOW)


def test_records_fall_in_seven_day_windows_ending_now(store: Store) -> None:
    """Counted by the database in the weeks earned.balance.edges gives: a record at the
    oldest edge counts, one at `now` or before the oldest edge does not."""
    oldest = NOW - timedelta(days=7 * balance.WEEKS)
    with store.session() as s:
        for when in (NOW - timedelta(days=1), NOW - timedelta(days=2), oldest):
            activations.log_activation(session=s, intensity=6, trigger="the silence", now=when)
        activations.log_activation(session=s, intensity=6, trigger="not yet", now=NOW)
        for when in (NOW - timedelta(days=3), oldest - timedelta(seconds=1)):
            practices.log_practice(session=s, kind="breathing-box", seconds=60, now=when)
        found = balance_store.weeks(session=s, now=NOW)
    assert found == [WeekMix(1, 0), WeekMix(), WeekMix(), WeekMix(2, 1)]
