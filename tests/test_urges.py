"""The urge-delay timer: seconds held, running or not, and how it ended (the held time in
words is tests/test_durations.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from earned import urges
from earned.errors import EarnedError
from earned.urges import OUTCOME_WORDS, OUTCOMES, UrgeDelay, check_outcome, ending

START = datetime(2026, 3, 2, 22, 40, tzinfo=UTC)


def timer(ended: timedelta | None = None, outcome: str | None = None) -> UrgeDelay:
    return UrgeDelay(
        id="u" * 32,
        urge="send a reassurance text",
        started_at=START,
        ended_at=None if ended is None else START + ended,
        outcome=outcome,
    )


# --- seconds held and running ----------------------------------------------------------------


def test_a_running_timer_has_no_held_time_yet() -> None:
    t = timer()
    assert t.running
    assert t.seconds_held is None


@pytest.mark.parametrize(
    ("held", "seconds"),
    [
        (timedelta(0), 0),
        (timedelta(seconds=1), 1),
        (timedelta(minutes=12, seconds=5), 725),
        (timedelta(hours=3), 10_800),
        (timedelta(seconds=89, milliseconds=499), 89),
        (timedelta(seconds=89, milliseconds=501), 90),
    ],
)
def test_seconds_held_is_end_minus_start_rounded(held: timedelta, seconds: int) -> None:
    t = timer(held, "waited")
    assert not t.running
    assert t.seconds_held == seconds


def test_an_end_before_the_start_never_counts_as_negative() -> None:
    # A phone clock a little behind the laptop's: held time is zero, not minus five.
    assert timer(timedelta(seconds=-5), "acted").seconds_held == 0


def test_seconds_held_across_time_zones() -> None:
    ended = datetime(2026, 3, 3, 0, 10, tzinfo=timezone(timedelta(hours=1)))  # 23:10 UTC
    t = UrgeDelay("u" * 32, "withdraw", START, ended, "passed")
    assert t.seconds_held == 30 * 60


# --- outcome ---------------------------------------------------------------------------------


def test_the_three_outcomes() -> None:
    assert OUTCOMES == ("waited", "acted", "passed")
    assert set(OUTCOME_WORDS) == set(OUTCOMES)
    for outcome in OUTCOMES:
        assert check_outcome(outcome) == outcome


@pytest.mark.parametrize("value", ["", "WAITED", " waited", "gave in", "none", "acted\x00"])
def test_other_outcomes_are_refused_with_the_choices(value: str) -> None:
    with pytest.raises(EarnedError) as error:
        check_outcome(value)
    assert error.value.message == (
        "Please choose how it ended: I waited, I acted, or the urge passed."
    )


def test_suggested_urges_are_short_and_distinct() -> None:
    assert len(set(urges.SUGGESTED_URGES)) == len(urges.SUGGESTED_URGES) >= 5
    assert all(0 < len(u) <= 60 and u == u.strip() for u in urges.SUGGESTED_URGES)


def test_stopping_a_timer_twice_keeps_the_first_end() -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    running = UrgeDelay("u" * 32, "text him", start)
    assert ending(running, outcome="waited", now=start + timedelta(minutes=5)) == (
        start + timedelta(minutes=5),
        "waited",
    )
    # A clock that went backwards cannot give a negative hold.
    assert ending(running, outcome="passed", now=start - timedelta(minutes=1)) == (start, "passed")
    ended = UrgeDelay("u" * 32, "text him", start, start, "waited")
    assert ending(ended, outcome="acted", now=start) is None
    with pytest.raises(EarnedError):
        ending(running, outcome="gave in", now=start)


# --- kept on a phone while offline: an end with its own time, a whole timer ------------------

NOW = START + timedelta(hours=2)


def test_an_end_kept_offline_keeps_the_phones_time() -> None:
    at = START + timedelta(minutes=7)
    assert ending(timer(), outcome="waited", now=NOW, at=at) == (at, "waited")


def test_an_end_in_the_future_is_refused_and_within_the_grace_is_kept() -> None:
    with pytest.raises(EarnedError, match="in the future"):
        ending(timer(), outcome="waited", now=NOW, at=NOW + timedelta(minutes=3))
    near = NOW + timedelta(minutes=1)
    assert ending(timer(), outcome="waited", now=NOW, at=near) == (near, "waited")


def test_an_end_kept_before_the_start_holds_zero_not_less() -> None:
    end = ending(timer(), outcome="acted", now=NOW, at=START - timedelta(seconds=30))
    assert end == (START, "acted")


def test_a_second_end_with_a_time_still_changes_nothing() -> None:
    assert ending(timer(timedelta(minutes=3), "waited"), outcome="acted", now=NOW, at=NOW) is None


def whole(**changes: object) -> urges.WholeTimer:
    values: dict[str, object] = {
        "urge": "  text him again ",
        "started_at": START,
        "ended_at": START + timedelta(minutes=4),
        "outcome": "passed",
        "now": NOW,
    }
    values.update(changes)
    return urges.check_whole(**values)  # type: ignore[arg-type]


def test_a_whole_timer_keeps_its_times_and_cleans_its_urge() -> None:
    w = whole()
    assert (w.urge, w.started_at, w.ended_at, w.outcome) == (
        "text him again",
        START,
        START + timedelta(minutes=4),
        "passed",
    )


def test_a_whole_timer_may_end_as_it_starts() -> None:
    assert whole(ended_at=START).ended_at == START


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"started_at": NOW + timedelta(minutes=3)}, "in the future"),
        ({"ended_at": NOW + timedelta(minutes=3)}, "in the future"),
        ({"ended_at": START - timedelta(seconds=1)}, "ends before it starts"),
        ({"outcome": "gave in"}, "how it ended"),
        ({"urge": "   "}, "What is the urge"),
        ({"urge": "x" * 10_000}, "urge"),
    ],
)
def test_a_whole_timer_is_refused_by_the_domains_rules(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(EarnedError, match=message):
        whole(**changes)
