"""What the roadmap reads (earned.store.roadmap) and recommitments (earned.store.recommits),
on SQLCipher and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned import recommit as recommit_rules
from earned.errors import EarnedError
from earned.store import Store, activations, recommits
from earned.store import roadmap as gather
from earned.store.ids import new_id
from earned.store.models import (
    BeliefRatingRow,
    BeliefRow,
    EntryRow,
    LadderAttemptRow,
    LadderRungRow,
    PracticeRow,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _practice(kind: str, when: datetime) -> PracticeRow:
    return PracticeRow(id=new_id(), kind=kind, started_at=when, seconds=120)


def test_each_step_counts_its_own_records_this_week_and_lately(store: Store) -> None:
    with store.session() as s:
        activations.log_activation(session=s, intensity=5, now=NOW - timedelta(days=2))
        activations.log_activation(session=s, intensity=5, now=NOW - timedelta(days=20))
        s.add_all(
            [
                _practice("breathing-box", NOW - timedelta(days=1)),
                _practice("secure-figure-meeting", NOW - timedelta(days=3)),
                _practice("compassion-break", NOW - timedelta(days=90)),
            ]
        )
        s.add(
            EntryRow(
                id=new_id(),
                kind="letter",
                prompt=None,
                body="Dear me",
                created_at=NOW - timedelta(days=40),
                updated_at=NOW - timedelta(days=40),
            )
        )
        rung = LadderRungRow(
            id=new_id(),
            title="Stay five minutes longer",
            pattern="avoidant",
            difficulty=30,
            created_at=NOW - timedelta(days=10),
            archived=False,
        )
        s.add(rung)
        s.flush()
        s.add(
            LadderAttemptRow(
                id=new_id(),
                rung_id=rung.id,
                planned_at=NOW - timedelta(days=1),
                predicted=60,
                updated_at=NOW - timedelta(days=1),
            )
        )
    with store.session() as s:
        activity = gather.activity(session=s, now=NOW)
    assert (activity["notice"].week, activity["notice"].lately) == (1, 2)
    assert activity["regulate"].week == 1  # breathing, not the secure-figure practice
    assert activity["figure"].week == 1
    assert activity["doses"].week == 1
    assert activity["compassion"].state == "before"  # a letter and a break, long ago
    assert activity["beliefs"].state == "not_yet"
    assert activity["name"].state == "not_yet"


def test_the_longest_overdue_belief_is_the_one_due(store: Store) -> None:
    with store.session() as s:
        due, later, unscheduled = (
            BeliefRow(
                id=new_id(),
                belief=text,
                rerate_days=every,
                created_at=NOW - timedelta(days=100),
                updated_at=NOW - timedelta(days=100),
                archived=False,
            )
            for text, every in (("I am too much", 14), ("People leave", 60), ("Unscheduled", None))
        )
        s.add_all([due, later, unscheduled])
        s.flush()
        for belief, days_ago in ((due, 30), (later, 10)):
            s.add(
                BeliefRatingRow(
                    id=new_id(),
                    belief_id=belief.id,
                    rated_at=NOW - timedelta(days=days_ago),
                    strength=70,
                )
            )
    with store.session() as s:
        signals = gather.signals(session=s, now=NOW, moments_lately=0)
    assert signals.belief_due == (due.id, "I am too much")
    assert not signals.has_start


def test_unsettled_moments_are_counted_once_past_the_open_window(store: Store) -> None:
    with store.session() as s:
        for days in (2, 3, 4, 20):
            activations.log_activation(session=s, intensity=6, now=NOW - timedelta(days=days))
        activations.log_activation(session=s, intensity=6, now=NOW - timedelta(hours=2))  # open
    with store.session() as s:
        assert gather.signals(session=s, now=NOW, moments_lately=5).unsettled == 3


def test_a_recommitment_is_kept_once_per_token_and_checked(store: Store) -> None:
    with store.session() as s:
        first = recommits.make(
            session=s,
            practice="ground",
            noticed=" a hard month ",
            note=None,
            now=NOW,
            client_token="tok",
        )
        again = recommits.make(
            session=s, practice="breathe", noticed=None, note=None, now=NOW, client_token="tok"
        )
    assert again == first and first.noticed == "a hard month" and first.label
    with store.session() as s, pytest.raises(EarnedError):
        recommits.make(session=s, practice="nope", noticed=None, note=None, now=NOW)
    with store.session() as s:
        assert recommits.made_since(session=s, since=NOW - timedelta(days=1))
        assert not recommits.made_since(session=s, since=NOW + timedelta(days=1))


def test_the_detector_reads_only_its_windows(store: Store) -> None:
    with store.session() as s:
        activations.log_activation(session=s, intensity=9, now=NOW - timedelta(days=3 * 365))
        activations.log_activation(session=s, intensity=3, now=NOW - timedelta(days=3))
        activations.log_activation(session=s, intensity=5, now=NOW - timedelta(days=500))
        weeks = recommits.weeks(session=s, now=NOW)
        runs = recommits.long_runs(session=s, now=NOW)
    assert sum(len(w.intensity) for w in weeks) == 1  # only the detector's 16 weeks are read
    # The long run shows (and reads) the last two years: not the moment three years ago.
    assert sum(1 for _ in runs[0].weekly) == 2


def test_after_weeks_away_the_detector_looks_further_back_for_the_usual(store: Store) -> None:
    with store.session() as s:
        for week in range(40):
            if 4 <= week < 14:
                continue  # ten weeks away from the app, just before the recent four
            level = 8 if week < 4 else 4
            for day in range(5):
                onset = NOW - timedelta(days=7 * week + day + 0.5)
                activations.log_activation(session=s, intensity=level, now=onset)
    with store.session() as s:
        short = recommits.weeks(session=s, now=NOW)
        found = recommits.finding(session=s, now=NOW)
    assert not recommit_rules.detect(short).enough  # the short read alone has no usual
    assert found.slipped and found.slips[0].measure == "intensity"
