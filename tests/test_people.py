"""The people ledger's rules (earned/people.py): names, roles, the 1-5 ratings, ruptures and
their repair, who counts as consistently available, and the weekly share of interactions
with people who do. Time is frozen (T0); nothing here reads a clock."""

from __future__ import annotations

from datetime import date, timedelta, timezone

import pytest

from earned import people
from earned.errors import EarnedError
from earned.people import Rating, Rupture
from tests.support import T0

DAY = timedelta(days=1)


def rating(c: int, a: int, s: int = 3, *, at: int = 0, who: str = "sam") -> Rating:
    return Rating(who, T0 + at * DAY, c, a, s, id=f"r{at:03d}")


def rupture(happened: int, repaired_hours: float | None) -> Rupture:
    when = T0 + happened * DAY
    fixed = None if repaired_hours is None else when + timedelta(hours=repaired_hours)
    return Rupture("x", "sam", "Sam", when, "we argued", "me", fixed, None, when, when)


def test_a_name_is_one_line_and_needed() -> None:
    assert people.check_person_name("  Sam\n  R. ") == "Sam R."
    with pytest.raises(EarnedError, match="Give them a name"):
        people.check_person_name("   ")
    with pytest.raises(EarnedError, match="120"):
        people.check_person_name("x" * (people.MAX_NAME + 1))


def test_roles_are_a_known_list() -> None:
    assert people.check_role(" Partner ") == "partner"
    with pytest.raises(EarnedError, match="partner, friend"):
        people.check_role("boss")


@pytest.mark.parametrize("value", [0, 6, "", "3.5", "²", True, None])
def test_a_rating_is_a_whole_number_from_1_to_5(value: object) -> None:
    with pytest.raises(EarnedError, match=r"(?i)consistency"):
        people.check_score(value, "consistency")


def test_ratings_are_read_from_form_text_and_checked_together() -> None:
    assert people.check_scores("4", 5, " 1 ") == (4, 5, 1)
    with pytest.raises(EarnedError, match="Emotional safety runs from 1 to 5; 9"):
        people.check_scores(3, 3, 9)


def test_who_reached_out() -> None:
    assert people.check_reached_out("not-yet") == "not_yet"
    assert people.check_reached_out("  ") is None
    with pytest.raises(EarnedError, match="me, them, both, not-yet"):
        people.check_reached_out("nobody")


def test_a_rupture_needs_words_and_times_in_order() -> None:
    with pytest.raises(EarnedError, match="what happened"):
        people.check_what("  ")
    people.check_rupture_times(T0, T0 + DAY, now=T0 + 2 * DAY)
    with pytest.raises(EarnedError, match="before the rupture"):
        people.check_rupture_times(T0, T0 - DAY, now=T0)
    with pytest.raises(EarnedError, match="still to come"):
        people.check_rupture_times(T0 + DAY, None, now=T0)
    with pytest.raises(EarnedError, match="repair time is still to come"):
        people.check_rupture_times(T0, T0 + DAY, now=T0)


def test_time_to_repair_and_its_median() -> None:
    assert rupture(0, 6).time_to_repair == timedelta(hours=6)
    assert rupture(0, None).time_to_repair is None
    ruptures = [rupture(0, 48), rupture(10, 6), rupture(20, 2), rupture(30, None)]
    assert people.median_repair(ruptures) == timedelta(hours=6)
    assert people.median_repair([rupture(0, None)]) is None


def test_consistently_available_takes_the_median_of_the_latest_three() -> None:
    assert people.standing([]) is None
    steady = [rating(4, 4, at=0), rating(5, 4, at=1), rating(2, 1, at=2)]  # one bad day
    found = people.standing(steady)
    assert found is not None and (found.consistency, found.availability) == (4.0, 4.0)
    assert found.available
    # Older ratings no longer count once three newer ones exist.
    drifting = [rating(5, 5, at=0), rating(3, 4, at=1), rating(3, 5, at=2), rating(3, 4, at=3)]
    assert not people.consistently_available(drifting)
    # Both are needed: always there but unpredictable is not "consistently available".
    assert not people.consistently_available([rating(2, 5)])
    assert people.consistently_available([rating(people.AVAILABLE_AT, people.AVAILABLE_AT)])


def test_standing_at_a_time_uses_the_ratings_given_by_then() -> None:
    ratings = [rating(2, 2, at=10), rating(5, 5, at=20), rating(5, 5, at=21)]
    assert not people.available_then(ratings, T0 + 15 * DAY)
    assert people.available_then(ratings, T0 + 30 * DAY)
    # Before the first rating, the first rating stands for how they were then.
    assert not people.available_then(ratings, T0)
    assert not people.available_then([], T0)


def test_the_weekly_share_counts_interactions_with_available_people() -> None:
    today = T0.date()  # a Monday
    assert today.weekday() == 0
    ratings = {"maya": [rating(5, 5, who="maya", at=-30)], "sam": [rating(2, 3, at=-30)]}
    pairs = [
        (T0 - 7 * DAY, "maya"),  # last week: 1 of 2
        (T0 - 6 * DAY, "sam"),
        (T0, "maya"),  # this week: 2 of 3, one with someone never rated
        (T0 + DAY, "maya"),
        (T0 + DAY, "nobody"),
        (T0 - 40 * DAY, "maya"),  # before the weeks shown: ignored
    ]
    weeks = people.weekly_share(pairs, ratings, today=today + 2 * DAY, weeks=3)
    assert [w.week for w in weeks] == [today - 14 * DAY, today - 7 * DAY, today]
    assert [(w.interactions, w.with_available) for w in weeks] == [(0, 0), (2, 1), (3, 2)]
    assert weeks[0].share is None  # a week without interactions has no share, not zero
    assert weeks[1].share == 0.5


def test_the_week_is_the_persons_own() -> None:
    # 23:30 UTC on Sunday is already Monday in UTC+2: it belongs to the new week there.
    sunday_night = T0 - DAY + timedelta(hours=14)
    ratings = {"maya": [rating(5, 5, who="maya", at=-30)]}
    east = timezone(timedelta(hours=2))
    here = people.weekly_share([(sunday_night, "maya")], ratings, today=T0.date(), weeks=1)
    there = people.weekly_share(
        [(sunday_night, "maya")], ratings, today=T0.date(), weeks=1, zone=east
    )
    assert here[0].interactions == 0 and there[0].interactions == 1


def test_ratings_this_week() -> None:
    given = [rating(3, 3, at=0), rating(3, 3, at=6), rating(3, 3, at=7), rating(3, 3, at=-1)]
    assert people.ratings_in_week(given, today=T0.date() + 3 * DAY) == 2
    assert people.week_start(date(2026, 3, 8)) == date(2026, 3, 2)


def test_same_person_is_a_repeat_case_aside() -> None:
    assert people.same_person("sam", {"a": "Maya", "b": "Sam"}) == "b"
    assert people.same_person("Sammy", {"b": "Sam"}) is None


def test_imported_records_meet_the_same_rules() -> None:
    assert people.IMPORTED_PERSON["role"]("friend") == "friend"
    with pytest.raises(EarnedError):
        people.IMPORTED_PERSON["role"]("boss")
    with pytest.raises(TypeError):
        people.IMPORTED_RATING["consistency"]("4")  # a JSON string is not a rating
    with pytest.raises(EarnedError):
        people.IMPORTED_RATING["safety"](6)
    with pytest.raises(EarnedError):
        people.IMPORTED_RUPTURE["reached_out"]("nobody")
    assert people.IMPORTED_RUPTURE["reached_out"](None) is None
    with pytest.raises(EarnedError, match="repaired before"):
        people.check_imported_rupture_times({"happened_at": T0, "repaired_at": T0 - DAY}, {})
