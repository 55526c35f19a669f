"""Calendar reminders' rules (earned.reminders): the checks on the choices, and which
events a file holds, at a frozen time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from earned import reminders
from earned.beliefs import Belief
from earned.errors import EarnedError
from tests.support import T0

MADRID = ZoneInfo("Europe/Madrid")


def belief(bid: str, days: int | None, *, created: datetime = T0, archived: bool = False) -> Belief:
    return Belief(
        id=bid,
        belief="If I ask for what I need,\npeople pull away.",
        origin=None,
        origin_entry_id=None,
        evidence_for=None,
        evidence_against=None,
        alternative=None,
        rerate_days=days,
        created_at=created,
        updated_at=created,
        archived=archived,
    )


# --- checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("08:30", time(8, 30)), ("8:05", time(8, 5)), ("00:00", time(0, 0)), ("23:59", time(23, 59))],
)
def test_a_time_of_day_is_hours_and_minutes(typed: str, kept: time) -> None:
    assert reminders.check_at(typed) == kept


@pytest.mark.parametrize(
    "typed", ["", None, "24:00", "12:60", "8", "08:3", "0830", "٠٨:٣٠", "-1:30", "08:30:00", " : "]
)
def test_an_impossible_time_of_day_is_refused_with_an_example(typed: str | None) -> None:
    with pytest.raises(EarnedError, match=r"e\.g\. 08:30"):
        reminders.check_at(typed)


def test_days_come_back_in_week_order_without_repeats() -> None:
    assert reminders.parse_days("fri,mon,Wednesday,mon") == ("mon", "wed", "fri")
    assert reminders.check_days(["SUN", " sat "]) == ("sat", "sun")


@pytest.mark.parametrize("typed", ["", ",", "funday", "mo", "monkey", "mon,xyz"])
def test_days_that_are_not_weekdays_are_refused(typed: str) -> None:
    with pytest.raises(EarnedError, match="day"):
        reminders.parse_days(typed)


def test_a_practice_is_one_of_those_offered() -> None:
    assert reminders.check_practice(" Grounding ") == "grounding"
    assert set(reminders.practices()) == {
        "breathing",
        "grounding",
        "secure-figure",
        "compassion-break",
        "moment",
    }
    with pytest.raises(EarnedError, match="Choose one of these practices"):
        reminders.check_practice("sprinting")


def test_a_practice_is_chosen_once() -> None:
    one = reminders.check_choice("breathing", ["mon"], "08:30")
    other = reminders.check_choice("breathing", ["tue"], "09:00")
    assert reminders.check_choices([one]) == [one]
    with pytest.raises(EarnedError, match="chosen twice"):
        reminders.check_choices([one, other])


def test_every_practice_points_at_a_local_page_only() -> None:
    for p in reminders.practices().values():
        assert p.path.startswith("/") and "//" not in p.path
        assert p.path in p.description
        assert p.summary.startswith("earned:")


# --- belief events ----------------------------------------------------------------------------


def test_a_belief_reminder_repeats_every_n_days_from_when_it_is_next_due() -> None:
    last = T0 - timedelta(days=3)  # rated three days ago, every 7 days: due in 4 days
    events = reminders.belief_events(
        [(belief("b1", 7), last), (belief("b2", None), None)], now=T0, zone=MADRID
    )
    assert len(events) == 1
    (event,) = events
    assert event.uid == "belief-b1@earned.local"
    assert event.freq == "DAILY" and event.interval == 7
    assert event.start == date(2026, 3, 6)
    assert event.minutes is None  # all day
    assert event.path == "/beliefs/b1" and "/beliefs/b1" in event.description


def test_an_overdue_belief_is_reminded_from_today_never_in_the_past() -> None:
    (event,) = reminders.belief_events(
        [(belief("b1", 14), T0 - timedelta(days=60))], now=T0, zone=MADRID
    )
    assert event.start == T0.astimezone(MADRID).date()


def test_a_belief_put_away_has_no_reminder() -> None:
    assert (
        reminders.belief_events([(belief("b1", 7, archived=True), None)], now=T0, zone=MADRID) == []
    )


def test_a_belief_reminder_keeps_its_words_private_unless_asked() -> None:
    pair = [(belief("b1", 7), None)]
    private = reminders.belief_events(pair, now=T0, zone=MADRID)[0]
    assert private.summary == "earned: a belief to re-rate"
    assert "people pull away" not in private.summary + private.description
    shown = reminders.belief_events(pair, now=T0, zone=MADRID, include_words=True)[0]
    assert shown.summary == 'earned: re-rate "If I ask for what I need, people pull away."'


def test_the_start_day_is_the_persons_own_day() -> None:
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already 3 March in Madrid
    (event,) = reminders.belief_events(
        [(belief("b1", 1), late - timedelta(days=1))], now=late, zone=MADRID
    )
    assert event.start == date(2026, 3, 3)


def test_a_file_holds_at_most_the_limit_of_belief_reminders() -> None:
    many = [(belief(f"b{i}", 7), None) for i in range(reminders.MAX_BELIEF_REMINDERS + 5)]
    assert len(reminders.belief_events(many, now=T0, zone=MADRID)) == reminders.MAX_BELIEF_REMINDERS


# --- practice events --------------------------------------------------------------------------


def test_a_practice_reminder_starts_on_the_first_chosen_day_from_today() -> None:
    # T0 is Monday 2 March 2026
    choice = reminders.check_choice("grounding", ["wed", "sat"], "19:15")
    (event,) = reminders.practice_events([choice], now=T0, zone=MADRID)
    assert event.start == datetime(2026, 3, 4, 19, 15, tzinfo=MADRID)
    assert event.freq == "WEEKLY" and event.days == ("wed", "sat")
    assert event.minutes == reminders.PRACTICE_MINUTES
    assert event.uid == "practice-grounding@earned.local"
    assert event.path == "/regulate/ground"


def test_today_counts_when_it_is_a_chosen_day() -> None:
    choice = reminders.check_choice("moment", ["mon"], "07:00")
    (event,) = reminders.practice_events([choice], now=T0, zone=MADRID)
    assert isinstance(event.start, datetime) and event.start.date() == date(2026, 3, 2)


def test_uids_do_not_depend_on_when_the_file_is_made() -> None:
    choice = reminders.check_choice("breathing", ["tue"], "08:30")
    pair = [(belief("b1", 7), None)]
    first = reminders.belief_events(pair, now=T0, zone=MADRID) + reminders.practice_events(
        [choice], now=T0, zone=MADRID
    )
    later = T0 + timedelta(days=40)
    second = reminders.belief_events(pair, now=later, zone=MADRID) + reminders.practice_events(
        [choice], now=later, zone=MADRID
    )
    assert [e.uid for e in first] == [e.uid for e in second]
    assert [e.start for e in first] != [e.start for e in second]
