"""Core beliefs' rules (earned.beliefs): limits and checks for new, edited and imported
beliefs and ratings, the re-rating schedule, strength over time and the change in words.
Time is frozen at T0."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from earned import beliefs
from earned.beliefs import Belief, Point, Rating
from earned.errors import EarnedError
from tests.support import T0

DAY = timedelta(days=1)


def belief(
    belief_id: str = "b1", *, every: int | None = 14, created: datetime = T0, archived: bool = False
) -> Belief:
    return Belief(
        id=belief_id,
        belief="If I ask for what I need, people pull away.",
        origin=None,
        origin_entry_id=None,
        evidence_for=None,
        evidence_against=None,
        alternative=None,
        rerate_days=every,
        created_at=created,
        updated_at=created,
        archived=archived,
    )


# --- checks ----------------------------------------------------------------------------------


def test_a_belief_is_required_and_limited() -> None:
    assert beliefs.check_belief("  I am too much.  ") == "I am too much."
    with pytest.raises(EarnedError, match="Write the belief"):
        beliefs.check_belief("   ")
    with pytest.raises(EarnedError, match="301 characters"):
        beliefs.check_belief("b" * (beliefs.MAX_BELIEF + 1))
    assert beliefs.check_belief("b" * beliefs.MAX_BELIEF) == "b" * beliefs.MAX_BELIEF


@pytest.mark.parametrize(("value", "expected"), [(0, 0), ("100", 100), (" 70 ", 70), (55, 55)])
def test_strengths_run_from_0_to_100(value: object, expected: int) -> None:
    assert beliefs.check_strength(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (101, "101 is outside that"),
        ("-1", "-1 is outside that"),
        ("7.5", "whole number"),
        ("", "whole number"),
        (None, "whole number"),
        (True, "whole number"),
        ("²", "whole number"),
        ("1" * 12, "whole number"),
    ],
)
def test_bad_strengths_are_refused_in_words(value: object, message: str) -> None:
    with pytest.raises(EarnedError, match=message):
        beliefs.check_strength(value)


def test_the_alternative_strength_may_be_left_out() -> None:
    assert beliefs.check_rating("80", "", None) == (80, None, None)
    assert beliefs.check_rating(80, "35", "  after the call  ") == (80, 35, "after the call")
    with pytest.raises(EarnedError, match="How true the alternative feels runs"):
        beliefs.check_rating(80, 120)
    with pytest.raises(EarnedError, match="501 characters"):
        beliefs.check_rating(80, None, "n" * (beliefs.MAX_NOTE + 1))


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), ("", None), ("0", None), ("14", 14), (365, 365)]
)
def test_the_re_rating_schedule(value: object, expected: int | None) -> None:
    assert beliefs.check_rerate_days(value) == expected


@pytest.mark.parametrize("value", ["366", "-3", "two weeks", 1000])
def test_a_bad_schedule_is_refused(value: object) -> None:
    with pytest.raises(EarnedError, match="every 1 to 365 days"):
        beliefs.check_rerate_days(value)


def test_details_are_checked_together_and_blank_is_none() -> None:
    d = beliefs.check_details(
        belief=" I am on my own ",
        origin="  ",
        origin_entry_id=" ",
        evidence_for="moved flats alone",
        evidence_against="",
        alternative="People can help me.",
        rerate_days="28",
    )
    assert d == beliefs.Details(
        belief="I am on my own",
        origin=None,
        origin_entry_id=None,
        evidence_for="moved flats alone",
        evidence_against=None,
        alternative="People can help me.",
        rerate_days=28,
    )
    with pytest.raises(EarnedError, match="evidence against it is 4,001"):
        beliefs.check_details(belief="x", evidence_against="e" * (beliefs.MAX_TEXT + 1))


# --- imported records --------------------------------------------------------------------------


def test_imported_beliefs_meet_the_same_limits() -> None:
    check = beliefs.IMPORTED_BELIEF
    assert check["belief"]("I am too much.") == "I am too much."
    assert check["rerate_days"](None) is None
    assert check["rerate_days"](14) == 14
    assert check["alternative"](None) is None
    for column, bad, error in [
        ("belief", "", EarnedError),
        ("belief", 7, TypeError),
        ("belief", "b" * (beliefs.MAX_BELIEF + 1), EarnedError),
        ("rerate_days", 0, EarnedError),
        ("rerate_days", "14", TypeError),
        ("rerate_days", 400, EarnedError),
        ("archived", "no", TypeError),
        ("origin", ["a"], TypeError),
        ("origin_entry_id", "x" * 33, TypeError),
    ]:
        with pytest.raises(error):
            check[column](bad)


def test_imported_ratings_meet_the_same_limits() -> None:
    check = beliefs.IMPORTED_RATING
    assert check["strength"](0) == 0
    assert check["alternative_strength"](None) is None
    assert check["note"](None) is None
    for column, bad, error in [
        ("strength", 101, EarnedError),
        ("strength", "50", TypeError),
        ("strength", 50.0, TypeError),
        ("strength", True, TypeError),
        ("alternative_strength", -1, EarnedError),
        ("note", "n" * (beliefs.MAX_NOTE + 1), EarnedError),
        ("belief_id", None, TypeError),
    ]:
        with pytest.raises(error):
            check[column](bad)


def test_every_stored_text_comes_back_from_its_import_check_unchanged() -> None:
    """An export re-imports unchanged: each check leaves what a new record stored as it is."""
    kept = beliefs.check_details(
        belief=" a\x00b ", origin="\tfrom\x00 school ", evidence_for="x\n\ny", alternative=" c "
    )
    assert beliefs.IMPORTED_BELIEF["belief"](kept.belief) == kept.belief
    for name in beliefs.TEXT_FIELDS:
        value = getattr(kept, name)
        assert beliefs.IMPORTED_BELIEF[name](value) == value


# --- the re-rating schedule ------------------------------------------------------------------


def test_due_when_the_last_rating_is_older_than_the_schedule() -> None:
    b = belief(every=14)
    assert not beliefs.is_due(b, T0, now=T0 + 13 * DAY)
    assert beliefs.is_due(b, T0, now=T0 + 14 * DAY)
    assert beliefs.is_due(b, T0, now=T0 + 400 * DAY)
    # Without a rating yet, the schedule counts from when it was written.
    assert beliefs.is_due(b, None, now=T0 + 14 * DAY)
    assert beliefs.next_rating(b, T0 + 3 * DAY) == T0 + 17 * DAY


def test_no_schedule_or_put_away_is_never_due() -> None:
    assert not beliefs.is_due(belief(every=None), T0, now=T0 + 1000 * DAY)
    assert not beliefs.is_due(belief(archived=True), T0, now=T0 + 1000 * DAY)
    assert beliefs.next_rating(belief(every=None), T0) is None


def test_the_due_list_puts_the_longest_waiting_first_and_counts_no_lateness() -> None:
    now = T0 + 60 * DAY
    weekly, monthly, fresh, unscheduled = (
        belief("w", every=7),
        belief("m", every=28),
        belief("f", every=28),
        belief("u", every=None),
    )
    due = beliefs.rerating_due(
        [
            (weekly, now - 8 * DAY),  # due since yesterday
            (monthly, T0),  # due since day 28: waiting longest
            (fresh, now - DAY),
            (unscheduled, T0),
        ],
        now=now,
    )
    assert [d.belief_id for d in due] == ["m", "w"]
    assert due[1] == beliefs.Due("w", weekly.belief, now - 8 * DAY)
    # Nothing in a due record says how late it is.
    assert set(beliefs.Due.__dataclass_fields__) == {"belief_id", "belief", "last_rated"}


def test_this_week_begins_on_monday_in_the_persons_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    # T0 is Monday 2 March 2026, 09:30 UTC: 18:30 in Tokyo, the same Monday.
    assert beliefs.week_began(T0, tokyo) == datetime(2026, 3, 2, tzinfo=tokyo)
    # Sunday 23:00 UTC is already Monday in Tokyo, still Sunday in UTC.
    sunday = datetime(2026, 3, 8, 23, 0, tzinfo=ZoneInfo("UTC"))
    assert beliefs.week_began(sunday, tokyo) == datetime(2026, 3, 9, tzinfo=tokyo)
    assert beliefs.week_began(sunday, ZoneInfo("UTC")) == datetime(
        2026, 3, 2, tzinfo=ZoneInfo("UTC")
    )


# --- strength over time ------------------------------------------------------------------------


def ratings(*values: tuple[int, int | None]) -> list[Rating]:
    return [
        Rating(f"r{n}", "b1", T0 + n * 14 * DAY, strength, alternative)
        for n, (strength, alternative) in enumerate(values)
    ]


def test_the_series_is_oldest_first_whatever_the_order_given() -> None:
    given = ratings((85, None), (70, 20), (60, 40))
    assert beliefs.series(reversed(given)) == [
        Point(T0, 85, None),
        Point(T0 + 14 * DAY, 70, 20),
        Point(T0 + 28 * DAY, 60, 40),
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            [(85, None), (70, None), (60, None)],
            "less true than when you first rated it: 85 then, 60 now (25 points lower)",
        ),
        (
            [(40, None), (41, None)],
            "more true than when you first rated it: 40 then, 41 now (1 point higher)",
        ),
        (
            [(70, None), (50, None), (70, None)],
            "about as true as when you first rated it: 70 then and now",
        ),
    ],
)
def test_the_change_since_the_first_rating_in_words(
    values: list[tuple[int, None]], expected: str
) -> None:
    said = beliefs.change_words(beliefs.series(ratings(*values)))
    assert said is not None and expected in said


def test_the_alternative_is_said_once_it_has_two_ratings() -> None:
    one = beliefs.change_words(beliefs.series(ratings((80, None), (70, 30))))
    assert one is not None and "alternative" not in one
    two = beliefs.change_words(beliefs.series(ratings((80, 20), (70, None), (60, 45))))
    assert two is not None and two.endswith("The alternative went from 20 to 45.")


def test_one_rating_has_no_change_to_tell() -> None:
    assert beliefs.change_words(beliefs.series(ratings((80, None)))) is None
    assert beliefs.change_words([]) is None


@pytest.mark.parametrize(
    ("strength", "words"),
    [
        (0, "hardly true"),
        (10, "hardly true"),
        (11, "somewhat true"),
        (50, "partly true"),
        (90, "mostly true"),
        (100, "completely true"),
    ],
)
def test_strength_in_words(strength: int, words: str) -> None:
    assert beliefs.strength_words(strength) == words


def test_the_words_ask_nothing_of_the_person() -> None:
    """The change words never speak of a score to keep or a gap to make up."""
    everything: Any = beliefs.words()
    text = repr(everything).lower()
    for word in ("streak", "missed", "overdue", "late", "failed"):
        assert word not in text, word
