"""In-the-moment records in the store (activations, urge-delay timers, practices, the
self-soothing toolkit), on an encrypted SQLite file and on PostgreSQL alike."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import episodes
from earned.episodes import Activation, Pattern
from earned.errors import EarnedError
from earned.store import Store, activations, practices, toolkit, urge_timers
from earned.store.models import ActivationRow, PracticeRow, ToolRow, ToolUseRow, UrgeDelayRow

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
MIN = timedelta(minutes=1)
PATTERN = Pattern(
    feeling="abandoned",
    situation="three hours without a reply",
    interpretation="proof that he is pulling away",
    fear="being left",
    urge="send another text",
)


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def log(store: Store, intensity: Any = 6, **kw: Any) -> Activation:
    kw.setdefault("now", NOW)
    with store.session() as s:
        return activations.log_activation(session=s, intensity=intensity, **kw)


def get(store: Store, activation_id: str) -> Activation:
    with store.session() as s:
        return activations.get_activation(session=s, activation_id=activation_id)


def settle(store: Store, activation_id: str, at: datetime, now: datetime = NOW) -> Activation:
    with store.session() as s:
        return activations.mark_settled(session=s, activation_id=activation_id, at=at, now=now)


# --- logging an activation -------------------------------------------------------------------


def test_log_with_intensity_only(store: Store) -> None:
    a = log(store, 7)
    assert len(a.id) == 32 and int(a.id, 16) >= 0
    assert a == Activation(id=a.id, onset_at=NOW, intensity=7)
    assert a.is_open and a.recovery is None
    assert get(store, a.id) == a
    with store.session() as s:
        row = s.get(ActivationRow, a.id)
        assert row is not None
        assert (row.created_at, row.updated_at, row.client_token) == (NOW, NOW, None)
        assert (row.tags, row.body, row.emotions) == ([], [], [])


def test_log_with_everything_the_quick_path_takes(store: Store) -> None:
    a = log(
        store,
        "9",
        onset=NOW - 40 * MIN,
        trigger="  He didn't answer for 3 hours \n",
        emotions=["Abandoned", "panicked", "abandoned"],
        urge="text him again",
        tags=["Sam", "evening", "sam"],
        client_token="tok-1",
    )
    assert (a.onset_at, a.intensity, a.trigger, a.urge) == (
        NOW - 40 * MIN,
        9,
        "He didn't answer for 3 hours",
        "text him again",
    )
    assert (a.emotions, a.tags) == (["abandoned", "panicked"], ["sam", "evening"])
    assert get(store, a.id) == a


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"intensity": 11}, "Intensity runs from 0 to 10; 11 is outside that."),
        ({"intensity": -1}, "Intensity runs from 0 to 10; -1 is outside that."),
        ({"intensity": "7.5"}, "Intensity is a whole number from 0 to 10."),
        ({"intensity": ""}, "Intensity is a whole number from 0 to 10."),
        ({"intensity": None}, "Intensity is a whole number from 0 to 10."),
        ({"onset": NOW + 3 * MIN}, "That time is in the future."),
        ({"trigger": "t" * 501}, "The trigger is 501 characters"),
        ({"urge": "u" * 501}, "The urge is 501 characters"),
        ({"emotions": [f"w{n}" for n in range(21)]}, "at most 20 emotion words"),
        ({"tags": ["x" * 61]}, "One of the tags is too long"),
        ({"client_token": "t" * 65}, "repeat-guard token"),
    ],
)
def test_bad_activations_are_refused_and_nothing_is_saved(
    store: Store, kw: dict[str, Any], message: str
) -> None:
    kw.setdefault("intensity", 5)
    with pytest.raises(EarnedError, match=message), store.session() as s:
        activations.log_activation(session=s, now=NOW, **kw)
    assert count(store, ActivationRow) == 0


def test_an_onset_just_ahead_of_the_server_clock_is_accepted(store: Store) -> None:
    a = log(store, 3, onset=NOW + 2 * MIN)  # a phone clock two minutes fast
    assert a.onset_at == NOW + 2 * MIN


def test_the_same_client_token_twice_is_one_activation(store: Store) -> None:
    first = log(store, 8, trigger="first tap", client_token="double-tap")
    # A retried request (even with other values) finds the first record.
    again = log(store, 2, trigger="second tap", client_token="double-tap", now=NOW + MIN)
    assert again == first
    assert count(store, ActivationRow) == 1
    # A retried request that would now be refused still finds it: nothing new is checked.
    assert log(store, 99, client_token="double-tap") == first
    other = log(store, 8, client_token="another")
    assert other.id != first.id
    assert count(store, ActivationRow) == 2


def test_an_empty_token_is_no_token(store: Store) -> None:
    a = log(store, 4, client_token="")
    b = log(store, 4, client_token="")
    assert a.id != b.id
    assert count(store, ActivationRow) == 2


# --- adding details later --------------------------------------------------------------------


def details(store: Store, activation_id: str, **kw: Any) -> Activation:
    kw.setdefault("now", NOW + 5 * MIN)
    with store.session() as s:
        return activations.update_details(session=s, activation_id=activation_id, **kw)


@pytest.mark.parametrize(
    ("kw", "field", "expected"),
    [
        ({"onset": NOW - 2 * MIN}, "onset_at", NOW - 2 * MIN),
        ({"intensity": 2}, "intensity", 2),
        ({"intensity": "10"}, "intensity", 10),
        ({"trigger": " a cancelled plan "}, "trigger", "a cancelled plan"),
        ({"tags": ["Work", "maya"]}, "tags", ["work", "maya"]),
        ({"body": ["Chest", "throat", "chest"]}, "body", ["chest", "throat"]),
        ({"emotions": ["Hurt", "lonely"]}, "emotions", ["hurt", "lonely"]),
        ({"urge": "withdraw"}, "urge", "withdraw"),
        ({"action": "I breathed, then wrote here"}, "action", "I breathed, then wrote here"),
        ({"person": "Maya"}, "person", "Maya"),
        ({"named_in_moment": True}, "named_in_moment", True),
        ({"named_in_moment": False}, "named_in_moment", False),
        ({"pattern": PATTERN}, "pattern", PATTERN),
    ],
)
def test_each_detail_can_be_added_later(
    store: Store, kw: dict[str, Any], field: str, expected: Any
) -> None:
    a = log(store, 6)
    changed = details(store, a.id, **kw)
    assert getattr(changed, field) == expected
    back = get(store, a.id)
    assert back == changed
    # Everything else kept its value.
    untouched = {k: v for k, v in vars(a).items() if k != field}
    assert {k: v for k, v in vars(back).items() if k != field} == untouched
    with store.session() as s:
        row = s.get(ActivationRow, a.id)
        assert row is not None and row.updated_at == NOW + 5 * MIN
        assert row.created_at == NOW


def test_details_left_out_keep_their_value_and_empty_text_clears(store: Store) -> None:
    a = log(store, 6, trigger="the silence", emotions=["hurt"], urge="call")
    details(store, a.id, person="Sam", pattern=PATTERN, body=["jaw"])
    kept = details(store, a.id, named_in_moment=True)
    assert (kept.trigger, kept.emotions, kept.urge, kept.person, kept.pattern, kept.body) == (
        "the silence",
        ["hurt"],
        "call",
        "Sam",
        PATTERN,
        ["jaw"],
    )
    cleared = details(store, a.id, trigger="   ", body=[], emotions=[], person="")
    assert (cleared.trigger, cleared.body, cleared.emotions, cleared.person) == (None, [], [], None)
    assert get(store, a.id).pattern == PATTERN


def test_the_pattern_sentence_round_trips(store: Store) -> None:
    a = log(store, 8)
    details(store, a.id, pattern=PATTERN)
    back = get(store, a.id).pattern
    assert back == PATTERN
    assert back is not None and back.sentence() == PATTERN.sentence()
    # Parts are trimmed; a half-built sentence keeps what was given.
    details(store, a.id, pattern=Pattern(" hurt ", "", "", " being too much ", ""))
    assert get(store, a.id).pattern == Pattern("hurt", "", "", "being too much", "")
    # An entirely empty builder removes the sentence.
    details(store, a.id, pattern=Pattern("", " ", "", "", "\x00"))
    assert get(store, a.id).pattern is None


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"intensity": 11}, "11 is outside that"),
        ({"trigger": "t" * 501}, "The trigger is 501 characters"),
        ({"body": ["chest", "elbow"]}, "'elbow' is not one of the body areas"),
        ({"person": "p" * 121}, "The name is 121 characters"),
        ({"action": "a" * 501}, "The note on what you did is 501 characters"),
        ({"pattern": Pattern("hurt", "s" * 201, "", "", "")}, "pattern sentence is 201"),
        ({"onset": NOW + 40 * MIN}, "That time is in the future"),
        ({"onset": NOW + 1 * MIN, "intensity": "x"}, "whole number"),
        # Moving the onset after the recorded peak would put the peak before the start.
        ({"onset": NOW + 90 * MIN, "now": NOW + 2 * 60 * MIN}, "peak is before the episode"),
    ],
)
def test_a_refused_edit_changes_nothing(store: Store, kw: dict[str, Any], message: str) -> None:
    a = log(store, 6, trigger="original", emotions=["hurt"])
    with store.session() as s:
        activations.mark_peak(
            session=s, activation_id=a.id, at=NOW + 10 * MIN, now=NOW + 20 * MIN, intensity=8
        )
    before = get(store, a.id)
    kw.setdefault("now", NOW + 30 * MIN)
    with store.session() as s:
        with pytest.raises(EarnedError, match=message):
            # Good values alongside the bad one: none of them may land.
            good = {"trigger": "changed", "emotions": ["calm"], "named_in_moment": True}
            activations.update_details(session=s, activation_id=a.id, **{**good, **kw})
        # Even inside a transaction that goes on, the record was not half-changed.
        assert activations.get_activation(session=s, activation_id=a.id) == before
    assert get(store, a.id) == before


def test_details_of_a_missing_activation(store: Store) -> None:
    with pytest.raises(EarnedError) as error, store.session() as s:
        activations.update_details(session=s, activation_id="0" * 32, now=NOW, intensity=3)
    assert error.value.status == 404
    assert error.value.message == "That activation does not exist (it may have been deleted)."


# --- peak and settled ------------------------------------------------------------------------


def test_peak_then_settled_gives_the_recovery_time(store: Store) -> None:
    a = log(store, 6, onset=NOW - 50 * MIN)
    with store.session() as s:
        peaked = activations.mark_peak(
            session=s, activation_id=a.id, at=NOW - 40 * MIN, now=NOW, intensity="9"
        )
    assert (peaked.peak_at, peaked.peak_intensity, peaked.is_open) == (NOW - 40 * MIN, 9, True)
    done = settle(store, a.id, NOW - 5 * MIN)
    assert done.recovery == timedelta(minutes=45)
    assert not done.is_open
    assert get(store, a.id) == done


def test_peak_without_intensity_keeps_the_earlier_one(store: Store) -> None:
    a = log(store, 5, onset=NOW - 30 * MIN)
    with store.session() as s:
        activations.mark_peak(
            session=s, activation_id=a.id, at=NOW - 25 * MIN, now=NOW, intensity=8
        )
    with store.session() as s:
        moved = activations.mark_peak(session=s, activation_id=a.id, at=NOW - 20 * MIN, now=NOW)
    assert (moved.peak_at, moved.peak_intensity) == (NOW - 20 * MIN, 8)


def test_settled_without_a_peak(store: Store) -> None:
    a = log(store, 4, onset=NOW - 12 * MIN)
    assert settle(store, a.id, NOW).recovery == timedelta(minutes=12)


def test_settling_again_moves_the_settled_time(store: Store) -> None:
    a = log(store, 4, onset=NOW - 60 * MIN)
    settle(store, a.id, NOW - 30 * MIN)
    assert settle(store, a.id, NOW - 10 * MIN).recovery == timedelta(minutes=50)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("peak-before-onset", "The peak is before the episode began"),
        ("peak-in-future", "The peak is in the future"),
        ("peak-bad-intensity", "Intensity runs from 0 to 10; 12 is outside that."),
        ("peak-after-settled", "Settled cannot come before the peak"),
        ("settled-before-onset", "The settled time is before the episode began"),
        ("settled-before-peak", "Settled cannot come before the peak"),
        ("settled-in-future", "The settled time is in the future"),
    ],
)
def test_refused_timing_leaves_the_row_unchanged(store: Store, step: str, message: str) -> None:
    onset = NOW - 60 * MIN
    a = log(store, 6, onset=onset)
    with store.session() as s:
        activations.mark_peak(
            session=s, activation_id=a.id, at=onset + 10 * MIN, now=NOW, intensity=7
        )
    if step == "peak-after-settled":
        settle(store, a.id, onset + 20 * MIN)
    before = get(store, a.id)
    calls = {
        "peak-before-onset": (activations.mark_peak, {"at": onset - MIN}),
        "peak-in-future": (activations.mark_peak, {"at": NOW + 5 * MIN}),
        "peak-bad-intensity": (activations.mark_peak, {"at": onset + 15 * MIN, "intensity": 12}),
        "peak-after-settled": (activations.mark_peak, {"at": onset + 30 * MIN}),
        "settled-before-onset": (activations.mark_settled, {"at": onset - MIN}),
        "settled-before-peak": (activations.mark_settled, {"at": onset + 5 * MIN}),
        "settled-in-future": (activations.mark_settled, {"at": NOW + 3 * MIN}),
    }
    fn, kw = calls[step]
    with store.session() as s:
        with pytest.raises(EarnedError, match=message):
            fn(session=s, activation_id=a.id, now=NOW, **kw)  # type: ignore[operator]
        assert activations.get_activation(session=s, activation_id=a.id) == before
    after = get(store, a.id)
    assert after == before
    with store.session() as s:
        row = s.get(ActivationRow, a.id)
        assert row is not None and row.updated_at == NOW


def test_timing_of_a_missing_activation(store: Store) -> None:
    for fn in (activations.mark_peak, activations.mark_settled):
        with pytest.raises(EarnedError, match="does not exist"), store.session() as s:
            fn(session=s, activation_id="f" * 32, at=NOW, now=NOW)  # type: ignore[operator]


# --- listing and deleting --------------------------------------------------------------------


def test_list_is_newest_first_with_since_and_open_only(store: Store) -> None:
    old = log(store, 3, onset=NOW - timedelta(days=10))
    mid = log(store, 5, onset=NOW - timedelta(days=2))
    new = log(store, 7, onset=NOW - timedelta(hours=1))
    settle(store, mid.id, NOW - timedelta(days=2) + 30 * MIN)
    with store.session() as s:
        assert [a.id for a in activations.list_activations(session=s)] == [new.id, mid.id, old.id]
        since = activations.list_activations(session=s, since=NOW - timedelta(days=2))
        assert [a.id for a in since] == [new.id, mid.id]  # `since` is inclusive
        assert [a.id for a in activations.list_activations(session=s, open_only=True)] == [
            new.id,
            old.id,
        ]
        both = activations.list_activations(
            session=s, since=NOW - timedelta(days=3), open_only=True
        )
        assert [a.id for a in both] == [new.id]
        assert activations.list_activations(session=s, since=NOW + MIN) == []


def test_list_orders_by_instant_not_by_local_clock(store: Store) -> None:
    new_york = datetime(2026, 1, 5, 10, 0, tzinfo=timezone(timedelta(hours=-5)))  # 15:00 UTC
    berlin = datetime(2026, 1, 5, 12, 0, tzinfo=timezone(timedelta(hours=1)))  # 11:00 UTC
    ny = log(store, 4, onset=new_york)
    be = log(store, 4, onset=berlin)
    with store.session() as s:
        assert [a.id for a in activations.list_activations(session=s)] == [ny.id, be.id]


def test_delete_an_activation(store: Store) -> None:
    keep = log(store, 2)
    gone = log(store, 8)
    with store.session() as s:
        timer = urge_timers.start_urge(session=s, urge="call", now=NOW, activation_id=gone.id)
        activations.delete_activation(session=s, activation_id=gone.id)
    with store.session() as s:
        assert [a.id for a in activations.list_activations(session=s)] == [keep.id]
        # The timer stays (it is its own record of waiting), no longer linked.
        assert urge_timers.get_urge(session=s, urge_id=timer.id).activation_id is None
    with pytest.raises(EarnedError) as error, store.session() as s:
        activations.delete_activation(session=s, activation_id=gone.id)
    assert error.value.status == 404


def test_timestamps_come_back_tz_aware_in_utc(store: Store) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    onset = datetime(2026, 3, 2, 23, 45, 1, 987654, tzinfo=india)
    now = onset + 20 * MIN
    a = log(store, 5, onset=onset, now=now)
    with store.session() as s:
        activations.mark_peak(session=s, activation_id=a.id, at=onset + MIN, now=now)
        activations.mark_settled(session=s, activation_id=a.id, at=onset + 9 * MIN, now=now)
        timer = urge_timers.start_urge(session=s, urge="text", now=onset)
        urge_timers.end_urge(session=s, urge_id=timer.id, outcome="waited", now=now)
        practices.log_practice(session=s, kind="grounding", seconds=120, now=onset)
    with store.session() as s:
        back = activations.get_activation(session=s, activation_id=a.id)
        urge = urge_timers.get_urge(session=s, urge_id=timer.id)
        ((_, practised, _),) = practices.practice_times(session=s)
    for value in (back.onset_at, back.peak_at, back.settled_at, urge.started_at, urge.ended_at):
        assert value is not None and value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
    assert back.onset_at == onset == datetime(2026, 3, 2, 18, 15, 1, 987654, tzinfo=UTC)
    assert back.onset_at.microsecond == 987654
    assert practised == onset and practised.utcoffset() == timedelta(0)
    assert urge.seconds_held == 20 * 60


# --- urge-delay timers -----------------------------------------------------------------------


def test_start_and_end_an_urge_timer(store: Store) -> None:
    with store.session() as s:
        t = urge_timers.start_urge(session=s, urge="  send the reassurance text ", now=NOW)
    assert (t.urge, t.started_at, t.running, t.seconds_held) == (
        "send the reassurance text",
        NOW,
        True,
        None,
    )
    with store.session() as s:
        assert [u.id for u in urge_timers.list_urges(session=s, running_only=True)] == [t.id]
        done = urge_timers.end_urge(session=s, urge_id=t.id, outcome="waited", now=NOW + 12 * MIN)
    assert (done.outcome, done.seconds_held, done.running) == ("waited", 720, False)
    with store.session() as s:
        assert urge_timers.get_urge(session=s, urge_id=t.id) == done
        assert urge_timers.list_urges(session=s, running_only=True) == []
        assert [u.id for u in urge_timers.list_urges(session=s)] == [t.id]


def test_ending_twice_returns_the_first_ending_unchanged(store: Store) -> None:
    with store.session() as s:
        t = urge_timers.start_urge(session=s, urge="check his profile", now=NOW)
    with store.session() as s:
        first = urge_timers.end_urge(session=s, urge_id=t.id, outcome="passed", now=NOW + 3 * MIN)
    with store.session() as s:
        again = urge_timers.end_urge(session=s, urge_id=t.id, outcome="acted", now=NOW + 9 * MIN)
        # Even a second tap with a bad outcome is answered with the first ending.
        bad = urge_timers.end_urge(session=s, urge_id=t.id, outcome="whatever", now=NOW + 9 * MIN)
    assert again == bad == first
    assert (first.outcome, first.seconds_held) == ("passed", 180)


def test_an_end_before_the_start_holds_zero_seconds(store: Store) -> None:
    with store.session() as s:
        t = urge_timers.start_urge(session=s, urge="leave", now=NOW)
        done = urge_timers.end_urge(session=s, urge_id=t.id, outcome="acted", now=NOW - MIN)
    assert (done.ended_at, done.seconds_held) == (NOW, 0)


@pytest.mark.parametrize("outcome", ["", "gave up", "Waited", "none"])
def test_a_bad_outcome_leaves_the_timer_running(store: Store, outcome: str) -> None:
    with store.session() as s:
        t = urge_timers.start_urge(session=s, urge="text them again", now=NOW)
    with store.session() as s:
        with pytest.raises(EarnedError, match="Please choose how it ended"):
            urge_timers.end_urge(session=s, urge_id=t.id, outcome=outcome, now=NOW + MIN)
        assert urge_timers.get_urge(session=s, urge_id=t.id).running
    with store.session() as s:
        assert urge_timers.get_urge(session=s, urge_id=t.id) == t


@pytest.mark.parametrize(
    ("urge", "message"),
    [
        ("", "What is the urge?"),
        ("   \n", "What is the urge?"),
        ("\x00", "What is the urge?"),
        ("u" * 501, "The urge is 501 characters"),
    ],
)
def test_an_empty_or_oversized_urge_is_refused(store: Store, urge: str, message: str) -> None:
    with pytest.raises(EarnedError, match=message), store.session() as s:
        urge_timers.start_urge(session=s, urge=urge, now=NOW)
    assert count(store, UrgeDelayRow) == 0


def test_urge_timer_linked_to_an_activation(store: Store) -> None:
    a = log(store, 7)
    with store.session() as s:
        t = urge_timers.start_urge(session=s, urge="call", now=NOW, activation_id=a.id)
    assert t.activation_id == a.id
    with pytest.raises(EarnedError, match="activation does not exist"), store.session() as s:
        urge_timers.start_urge(session=s, urge="call", now=NOW, activation_id="0" * 32)
    assert count(store, UrgeDelayRow) == 1


def test_urge_timer_client_token(store: Store) -> None:
    with store.session() as s:
        first = urge_timers.start_urge(session=s, urge="call", now=NOW, client_token="t1")
    with store.session() as s:
        again = urge_timers.start_urge(session=s, urge="other", now=NOW + MIN, client_token="t1")
    assert again == first
    assert count(store, UrgeDelayRow) == 1


def test_end_a_missing_timer(store: Store) -> None:
    with pytest.raises(EarnedError) as error, store.session() as s:
        urge_timers.end_urge(session=s, urge_id="0" * 32, outcome="waited", now=NOW)
    assert error.value.status == 404
    assert "urge timer does not exist" in error.value.message


def test_urges_list_newest_first(store: Store) -> None:
    with store.session() as s:
        a = urge_timers.start_urge(session=s, urge="a", now=NOW - 2 * MIN)
        b = urge_timers.start_urge(session=s, urge="b", now=NOW)
        c = urge_timers.start_urge(session=s, urge="c", now=NOW - MIN)
        urge_timers.end_urge(session=s, urge_id=c.id, outcome="waited", now=NOW)
    with store.session() as s:
        assert [u.id for u in urge_timers.list_urges(session=s)] == [b.id, c.id, a.id]
        assert [u.id for u in urge_timers.list_urges(session=s, running_only=True)] == [b.id, a.id]


# --- practices -------------------------------------------------------------------------------


def test_log_practices_and_read_their_times(store: Store) -> None:
    with store.session() as s:
        box = practices.log_practice(session=s, kind="breathing-box", seconds=60, now=NOW - 3 * MIN)
        scan = practices.log_practice(
            session=s, kind="body-scan", seconds=600, now=NOW, note="  shoulders dropped "
        )
        practices.log_practice(
            session=s, kind="movement", seconds=1800, now=NOW - timedelta(days=8)
        )
    assert box != scan
    with store.session() as s:
        assert practices.practice_times(session=s) == [
            ("body-scan", NOW, 600),
            ("breathing-box", NOW - 3 * MIN, 60),
            ("movement", NOW - timedelta(days=8), 1800),
        ]
        assert [k for k, _, _ in practices.practice_times(session=s, since=NOW - 3 * MIN)] == [
            "body-scan",
            "breathing-box",
        ]
        row = s.get(PracticeRow, scan)
        assert row is not None and row.note == "shoulders dropped"


def test_practice_client_token(store: Store) -> None:
    with store.session() as s:
        first = practices.log_practice(
            session=s, kind="grounding", seconds=90, now=NOW, client_token="p1"
        )
    with store.session() as s:
        again = practices.log_practice(
            session=s, kind="mindfulness", seconds=600, now=NOW, client_token="p1"
        )
    assert again == first
    assert count(store, PracticeRow) == 1


@pytest.mark.parametrize(
    ("kind", "seconds", "note", "message"),
    [
        ("yoga", 60, None, "Unknown practice."),
        ("", 60, None, "Unknown practice."),
        ("grounding", 0, None, "between a second and four hours"),
        ("grounding", -5, None, "between a second and four hours"),
        ("mindfulness", 4 * 3600 + 1, None, "between a second and four hours"),
        ("mindfulness", 60, "n" * 2001, "The note is 2,001 characters"),
    ],
)
def test_bad_practices_are_refused(
    store: Store, kind: str, seconds: int, note: str | None, message: str
) -> None:
    with pytest.raises(EarnedError, match=message), store.session() as s:
        practices.log_practice(session=s, kind=kind, seconds=seconds, now=NOW, note=note)
    assert count(store, PracticeRow) == 0


def test_the_longest_practice_is_four_hours(store: Store) -> None:
    with store.session() as s:
        practices.log_practice(session=s, kind="mindfulness", seconds=4 * 3600, now=NOW)
    assert count(store, PracticeRow) == 1


# --- the self-soothing toolkit ---------------------------------------------------------------


def add_tool(store: Store, name: str) -> str:
    with store.session() as s:
        return toolkit.add_tool(session=s, name=name, now=NOW)


def use(store: Store, tool_id: str, before: Any, after: Any, **kw: Any) -> None:
    with store.session() as s:
        toolkit.record_tool_use(
            session=s, tool_id=tool_id, before=before, after=after, now=NOW, **kw
        )


def test_adding_a_tool_twice_in_any_case_is_one_tool(store: Store) -> None:
    first = add_tool(store, "Cold water on my wrists")
    assert add_tool(store, "  cold WATER on my wrists ") == first
    assert add_tool(store, "Walk around the block") != first
    assert count(store, ToolRow) == 2
    with store.session() as s:
        row = s.get(ToolRow, first)
        assert row is not None and (row.name, row.created_at, row.archived) == (
            "Cold water on my wrists",
            NOW,
            False,
        )


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the tool a short name"), ("  ", "Give the tool a short name"), ("t" * 121, "121")],
)
def test_bad_tool_names(store: Store, name: str, message: str) -> None:
    with pytest.raises(EarnedError, match=message), store.session() as s:
        toolkit.add_tool(session=s, name=name, now=NOW)
    assert count(store, ToolRow) == 0


def test_an_archived_tool_leaves_the_toolkit(store: Store) -> None:
    walk = add_tool(store, "Walk")
    music = add_tool(store, "Music")
    use(store, walk, 7, 3)
    with store.session() as s:
        toolkit.archive_tool(session=s, tool_id=walk)
    with store.session() as s:
        assert [t.tool_id for t in toolkit.toolkit(session=s)] == [music]
    # The same name again is a new tool; the archived one and its history stay.
    again = add_tool(store, "walk")
    assert again != walk
    assert count(store, ToolRow) == 3
    assert count(store, ToolUseRow) == 1
    with pytest.raises(EarnedError, match="tool does not exist"), store.session() as s:
        toolkit.archive_tool(session=s, tool_id="0" * 32)


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (11, 3, "11 is outside that"),
        (7, -1, "-1 is outside that"),
        ("7.5", 3, "whole number"),
        (7, "", "whole number"),
        (None, 3, "whole number"),
    ],
)
def test_bad_tool_ratings_save_nothing(store: Store, before: Any, after: Any, message: str) -> None:
    tool = add_tool(store, "Hand on heart")
    with pytest.raises(EarnedError, match=message):
        use(store, tool, before, after)
    assert count(store, ToolUseRow) == 0


def test_using_an_unknown_tool(store: Store) -> None:
    with pytest.raises(EarnedError) as error:
        use(store, "0" * 32, 6, 2)
    assert error.value.status == 404
    assert count(store, ToolUseRow) == 0


def test_tool_use_client_token(store: Store) -> None:
    tool = add_tool(store, "Hand on heart")
    use(store, tool, 8, 4, client_token="u1")
    use(store, tool, 8, 4, client_token="u1")
    use(store, tool, 8, 4)
    assert count(store, ToolUseRow) == 2


def test_toolkit_is_ranked_by_the_median_drop(store: Store) -> None:
    walk = add_tool(store, "Walk around the block")
    water = add_tool(store, "Cold water")
    music = add_tool(store, "Music")
    call = add_tool(store, "Call Maya")
    untried = add_tool(store, "Weighted blanket")
    for before, after in ((8, 3), (7, 6), (9, 4)):  # drops 5, 1, 5 → median 5
        use(store, walk, before, after)
    for before, after in ((8, 0), (6, 5)):  # drops 8, 1 → median 4.5
        use(store, water, before, after)
    for before, after in ((5, 7), (6, 6), (4, 5)):  # it makes things worse: median -1
        use(store, music, before, after)
    # Two big drops, mostly none: median 0. Its mean (3.8) would rank it above the walk (3.7).
    for before, after in ((10, 0), (9, 0), (3, 3), (4, 4), (5, 5)):
        use(store, call, before, after)
    with store.session() as s:
        ranked = toolkit.toolkit(session=s)
    assert [(r.tool_id, r.uses, r.median_drop) for r in ranked] == [
        (walk, 3, 5),
        (water, 2, 4.5),
        (call, 5, 0),
        (music, 3, -1),
        (untried, 0, None),
    ]
    assert ranked[0].name == "Walk around the block"


def test_toolkit_ties_go_to_the_more_used_then_by_name(store: Store) -> None:
    b = add_tool(store, "beta")
    a = add_tool(store, "Alpha")
    c = add_tool(store, "gamma")
    use(store, b, 6, 4)
    use(store, a, 6, 4)
    use(store, c, 6, 4)
    use(store, c, 5, 3)
    with store.session() as s:
        assert [r.tool_id for r in toolkit.toolkit(session=s)] == [c, a, b]


# --- recurring patterns ----------------------------------------------------------------------


def logged_pattern(store: Store, days_ago: float, fear: str, urge: str) -> None:
    onset = NOW - timedelta(days=days_ago)
    a = log(store, 6, onset=onset, now=onset)
    details(store, a.id, pattern=Pattern("hurt", "it", "that", fear, urge), now=onset)


def test_recurring_patterns_with_a_frozen_now(store: Store) -> None:
    # Being left / text again: twice in the last four weeks, three times in the four before.
    for days in (1, 20, 30, 40, 55):
        logged_pattern(store, days, "being left", "send another text")
    # Same pattern, typed differently: grouped with the first.
    logged_pattern(store, 2, "Being Left.", "Send another  text!")
    # Being too much / withdraw: only recently, twice: new.
    for days in (3, 5):
        logged_pattern(store, days, "being too much", "withdraw")
    # Being trapped / leave: three times long ago, none lately: falling.
    for days in (35, 45, 200):
        logged_pattern(store, days, "being trapped", "leave")
    # Seen once: not a pattern yet.
    logged_pattern(store, 4, "being forgotten", "check their phone")
    # No fear given: not grouped at all.
    logged_pattern(store, 4, "", "call")
    logged_pattern(store, 6, "", "call")
    log(store, 3)  # no sentence
    with store.session() as s:
        got = activations.recurring_patterns(session=s, now=NOW)
    assert [(r.fear, r.urge, r.count, r.recent, r.before, r.trend) for r in got] == [
        ("being left", "send another text", 6, 3, 3, "steady"),
        ("being trapped", "leave", 3, 0, 2, "falling"),
        ("being too much", "withdraw", 2, 2, 0, "new"),
    ]
    assert got[0].last_seen == NOW - timedelta(days=1)
    # A week later the same records read differently: only the clock moved.
    with store.session() as s:
        later = activations.recurring_patterns(session=s, now=NOW + timedelta(days=7))
    assert [(r.fear, r.recent, r.before, r.trend) for r in later] == [
        ("being left", 3, 2, "rising"),
        ("being trapped", 0, 2, "falling"),
        ("being too much", 2, 0, "new"),
    ]


def test_no_patterns_yet(store: Store) -> None:
    log(store, 5)
    with store.session() as s:
        assert activations.recurring_patterns(session=s, now=NOW) == []


# --- delete everything -----------------------------------------------------------------------


def test_wipe_removes_the_in_the_moment_records_too(store: Store) -> None:
    from earned.store import deletion

    a = log(store, 7)
    tool = add_tool(store, "Walk")
    use(store, tool, 7, 3)
    with store.session() as s:
        urge_timers.start_urge(session=s, urge="call", now=NOW, activation_id=a.id)
        practices.log_practice(session=s, kind="grounding", seconds=60, now=NOW)
    with store.session() as s:
        deletion.wipe(session=s)
    for model in (ActivationRow, UrgeDelayRow, PracticeRow, ToolRow, ToolUseRow):
        assert count(store, model) == 0, model.__tablename__
    log(store, 2)  # the schema stays
    assert count(store, ActivationRow) == 1


# --- a double submit racing in two transactions ----------------------------------------------


def racing(store: Store, first: Callable[[Session], Any], second: Callable[[Session], Any]) -> Any:
    """Run `second` in its own transaction while `first`'s transaction is still open, then
    commit `first`; return what `second` gave (or raise what it raised)."""
    out: list[Any] = []

    def run() -> None:
        try:
            with store.session() as s:
                out.append(second(s))
        except Exception as error:  # handed back to the test below
            out.append(error)

    with store.session() as s:
        first(s)
        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.3)  # the second is now waiting on the first's lock
    thread.join(timeout=30)
    assert out, "the second transaction never finished"
    if isinstance(out[0], Exception):
        raise out[0]
    return out[0]


@pytest.mark.parametrize("kind", ["activation", "urge", "practice", "tool use"])
def test_two_tabs_submitting_the_same_form_at_once_make_one_record(store: Store, kind: str) -> None:
    tool = add_tool(store, "Walk") if kind == "tool use" else ""
    make: dict[str, Callable[[Session], Any]] = {
        "activation": lambda s: (
            activations.log_activation(session=s, intensity=5, now=NOW, client_token="race").id
        ),
        "urge": lambda s: (
            urge_timers.start_urge(session=s, urge="call", now=NOW, client_token="race").id
        ),
        "practice": lambda s: practices.log_practice(
            session=s, kind="grounding", seconds=60, now=NOW, client_token="race"
        ),
        "tool use": lambda s: toolkit.record_tool_use(
            session=s, tool_id=tool, before=7, after=3, now=NOW, client_token="race"
        ),
    }
    ids: list[Any] = []
    second = racing(store, lambda s: ids.append(make[kind](s)), make[kind])
    assert second == ids[0]
    model = {
        "activation": ActivationRow,
        "urge": UrgeDelayRow,
        "practice": PracticeRow,
        "tool use": ToolUseRow,
    }[kind]
    assert count(store, model) == 1


# --- sums and history the pages use, on both databases ---------------------------------------


def test_top_words_and_sentences_are_counted_by_the_database(store: Store) -> None:
    for n, words in enumerate((["hurt", "lonely"], ["hurt"], ["tense", "hurt"], [])):
        log(store, 5, onset=NOW - timedelta(days=n), emotions=words)
    old = log(store, 5, onset=NOW - timedelta(days=400), emotions=["old"])
    with store.session() as s:
        activations.update_details(session=s, activation_id=old.id, now=NOW, pattern=PATTERN)
        year = NOW - timedelta(days=365)
        assert activations.top_words(session=s, since=year) == [
            ("hurt", 3),
            ("lonely", 1),
            ("tense", 1),
        ]
        assert activations.sentences_since(session=s, since=year) == []
        assert len(activations.sentences_since(session=s, since=NOW - timedelta(days=500))) == 1
        assert activations.count(session=s, since=year) == 4


def test_history_filters_and_pages_on_both_databases(store: Store) -> None:
    made = [
        log(
            store,
            n % 11,
            onset=NOW - timedelta(hours=n),
            tags=["work"] if n % 2 else ["home"],
            trigger=f"moment {n} 100%_done" if n == 3 else f"moment {n}",
        )
        for n in range(7)
    ]
    with store.session() as s:
        first, more = activations.history(
            session=s, where=episodes.check_filter(tag="work"), limit=2
        )
        assert [a.id for a in first] == [made[1].id, made[3].id] and more
        last = first[-1]
        rest, more = activations.history(
            session=s,
            where=episodes.check_filter(tag="work"),
            before=(last.onset_at, last.id),
            limit=5,
        )
        assert [a.id for a in rest] == [made[5].id] and not more
        # LIKE's own characters in a search are taken literally.
        found, _ = activations.history(session=s, where=episodes.check_filter(contains="100%_"))
        assert [a.id for a in found] == [made[3].id]
        assert activations.find(session=s, prefix=made[4].id[:10]) == made[4]
