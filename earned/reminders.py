"""Calendar reminders: which events a calendar file holds, from the person's beliefs with a
re-rating schedule and the practices they choose to be reminded of.

Owns the choices' rules (which practices, which days, a time of day, how many) for the
page and the CLI; earned/reports/calendar.py writes the events as iCalendar. Pure: no
web, ORM or store. earned sends nothing anywhere: the file is downloaded, and the
person's own calendar app does the reminding.

Privacy: calendars are often copied to an online account, so a belief's reminder does not
name the belief unless the person asks for its words. Every event has a stable UID (the
same belief or practice gives the same UID in every file), so importing a newer file
updates the reminders instead of adding copies. Paths in the events are relative (a page
of the local app), never a host.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

from earned import beliefs, content
from earned.errors import EarnedError

# Mon..Sun as datetime.weekday() numbers them, with the iCalendar BYDAY codes.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
PRACTICE_MINUTES = 10  # how long a practice reminder's event lasts in the calendar
DEFAULT_AT = time(8, 30)  # the time of day the page offers first
MAX_AT = 5  # "08:30": the longest time of day accepted
MAX_BELIEF_REMINDERS = 200  # beliefs with a schedule a file holds (the oldest first)
UID_DOMAIN = "earned.local"  # the right-hand side of every UID (a name, not an address)


def words() -> dict[str, Any]:
    """The reminders page's and calendar's words (earned/content/reminders.toml)."""
    loaded: dict[str, Any] = content.load("reminders")
    return loaded


@dataclass(frozen=True)
class Practice:
    key: str
    label: str
    summary: str
    description: str
    path: str  # a page of the local app: a path only, never a host


def practices() -> dict[str, Practice]:
    """The practices a reminder can be for, in the order the page lists them."""
    found = words()["practices"]
    return {
        key: Practice(
            key,
            p["label"],
            p["summary"],
            p["description"].format(path=p["path"]),
            p["path"],
        )
        for key, p in found.items()
    }


MAX_CHOICES = 5  # one schedule per practice (the number of practices offered)


@dataclass(frozen=True)
class Choice:
    """A practice reminder the person chose: which practice, on which days, at what time."""

    practice: str
    days: tuple[str, ...]  # in WEEKDAYS order, no repeats
    at: time


@dataclass(frozen=True)
class Event:
    """One recurring calendar event.

    start: a date for an all-day event, or an aware time in the person's zone.
    freq "DAILY" repeats every `interval` days; "WEEKLY" on `days` (WEEKDAYS keys).
    """

    uid: str
    summary: str
    description: str
    path: str
    start: date | datetime
    freq: Literal["DAILY", "WEEKLY"]
    interval: int = 1
    days: tuple[str, ...] = ()
    minutes: int | None = None  # how long a timed event lasts; None for all-day


# --- checks for the choices ------------------------------------------------------------------


def check_practice(value: str | None) -> str:
    key = (value or "").strip().lower()
    if key not in practices():
        raise EarnedError("Choose one of these practices: " + ", ".join(practices()) + ".")
    return key


def check_days(values: Iterable[str]) -> tuple[str, ...]:
    """Weekdays as 'mon'..'sun' (or whole names, any case), in week order, no repeats."""
    chosen: set[str] = set()
    for raw in values:
        text = raw.strip().lower()
        if not text:
            continue
        day = text[:3] if len(text) >= 3 else text
        if day not in BYDAY or (len(text) > 3 and text != words()["days"][day].lower()):
            raise EarnedError(
                f"'{raw.strip()[:20]}' is not a day of the week. Use mon, tue, wed, thu, "
                "fri, sat or sun."
            )
        chosen.add(day)
    if not chosen:
        raise EarnedError("Choose at least one day of the week.")
    return tuple(d for d in WEEKDAYS if d in chosen)


def parse_days(text: str | None) -> tuple[str, ...]:
    """Days written as 'mon,wed,fri' (the CLI's --days)."""
    return check_days((text or "").split(","))


def check_at(value: str | None) -> time:
    """A time of day, 'HH:MM' on a 24-hour clock (what a browser's time field sends)."""
    text = (value or "").strip()
    hours, colon, minutes = text.partition(":")
    ok = (
        len(text) <= MAX_AT
        and colon == ":"
        and hours.isascii()
        and hours.isdigit()
        and minutes.isascii()
        and minutes.isdigit()
        and len(minutes) == 2
        and 1 <= len(hours) <= 2
        and int(hours) < 24
        and int(minutes) < 60
    )
    if not ok:
        raise EarnedError(
            "Write the time of day as hours and minutes on a 24-hour clock, e.g. 08:30 or 19:00."
        )
    return time(int(hours), int(minutes))


def check_choice(practice: str | None, days: Iterable[str], at: str | None) -> Choice:
    return Choice(check_practice(practice), check_days(days), check_at(at))


def check_choices(choices: Sequence[Choice]) -> list[Choice]:
    """At most one schedule per practice (a second would share the first one's UID)."""
    seen: set[str] = set()
    for choice in choices:
        if choice.practice in seen:
            raise EarnedError(
                f"{practices()[choice.practice].label} is chosen twice; choose its days "
                "and time once."
            )
        seen.add(choice.practice)
    if len(choices) > MAX_CHOICES:
        raise EarnedError(f"Choose at most {MAX_CHOICES} practice reminders.")
    return list(choices)


# --- the events -------------------------------------------------------------------------------


def belief_uid(belief_id: str) -> str:
    return f"belief-{belief_id}@{UID_DOMAIN}"


def practice_uid(practice: str) -> str:
    return f"practice-{practice}@{UID_DOMAIN}"


def belief_events(
    scheduled: Iterable[tuple[beliefs.Belief, datetime | None]],
    *,
    now: datetime,
    zone: tzinfo,
    include_words: bool = False,
) -> list[Event]:
    """An all-day reminder every `rerate_days` days for each belief with a schedule, from
    the day it is next ready (today, if that day has passed: never a reminder in the past).
    The belief's words are in the summary only if the person asked for them."""
    w = words()
    today = now.astimezone(zone).date()
    found: list[Event] = []
    for belief, last_rated in scheduled:
        when = beliefs.next_rating(belief, last_rated)
        if when is None or belief.rerate_days is None:
            continue
        path = f"/beliefs/{belief.id}"
        summary = (
            w["belief_summary_words"].format(belief=" ".join(belief.belief.split()))
            if include_words
            else w["belief_summary"]
        )
        found.append(
            Event(
                uid=belief_uid(belief.id),
                summary=summary,
                description=w["belief_description"].format(path=path),
                path=path,
                start=max(when.astimezone(zone).date(), today),
                freq="DAILY",
                interval=belief.rerate_days,
            )
        )
        if len(found) == MAX_BELIEF_REMINDERS:
            break
    return found


def first_day(days: Sequence[str], *, on_or_after: date) -> date:
    """The first of `days` (WEEKDAYS keys) on or after a date."""
    wanted = {WEEKDAYS.index(d) for d in days}
    for ahead in range(7):
        day = on_or_after + timedelta(days=ahead)
        if day.weekday() in wanted:
            return day
    raise EarnedError("Choose at least one day of the week.")


def practice_events(choices: Iterable[Choice], *, now: datetime, zone: tzinfo) -> list[Event]:
    """A weekly reminder on the chosen days at the chosen time of day, on the person's clock
    (so 08:30 stays 08:30 when the clocks change), from the first chosen day from today."""
    offered = practices()
    today = now.astimezone(zone).date()
    found = []
    for choice in choices:
        practice = offered[choice.practice]
        day = first_day(choice.days, on_or_after=today)
        found.append(
            Event(
                uid=practice_uid(choice.practice),
                summary=practice.summary,
                description=practice.description,
                path=practice.path,
                start=datetime.combine(day, choice.at, tzinfo=zone),
                freq="WEEKLY",
                days=choice.days,
                minutes=PRACTICE_MINUTES,
            )
        )
    return found
