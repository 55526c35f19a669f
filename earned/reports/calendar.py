"""The reminders calendar file (.ics, iCalendar), built with the `icalendar` library from
the events earned.reminders makes.

Timed events carry their time zone (TZID, with a VTIMEZONE the library builds from the
IANA zone), so a reminder at 08:30 stays at 08:30 when the clocks change. When the
person's zone has no IANA name (the computer's own offset, before one was chosen) they are
written as floating local times, which calendar apps read on the device's own clock.
All-day events (a belief to re-rate) carry a date only. Each event has a reminder alarm.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

from earned.reminders import BYDAY, Event

FILENAME = "earned-reminders.ics"
MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//earned//reminders//EN"
ALL_DAY_ALARM = timedelta(hours=9)  # an all-day reminder rings at 09:00 on its day


def _start(event: Event) -> date | datetime:
    start = event.start
    if isinstance(start, datetime) and not isinstance(start.tzinfo, ZoneInfo):
        return start.replace(tzinfo=None)  # floating: the device's own clock
    return start


def _vevent(event: Event, stamp: datetime) -> VEvent:
    ev = VEvent()
    ev.add("uid", event.uid)
    ev.add("dtstamp", stamp)
    ev.add("summary", event.summary)
    ev.add("description", event.description)
    start = _start(event)
    ev.add("dtstart", start)
    if isinstance(start, datetime):
        ev.add("dtend", start + timedelta(minutes=event.minutes or 0))
    else:
        ev.add("dtend", start + timedelta(days=1))
    ev.add("transp", "TRANSPARENT")  # a reminder does not make the person look busy
    rule: dict[str, object] = {"freq": event.freq.lower()}
    if event.freq == "DAILY":
        rule["interval"] = event.interval
    else:
        rule["byday"] = [BYDAY[d] for d in event.days]
    ev.add("rrule", rule)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.summary)
    alarm.add("trigger", ALL_DAY_ALARM if not isinstance(start, datetime) else timedelta(0))
    ev.add_component(alarm)
    return ev


def build(events: Iterable[Event], *, now: datetime) -> bytes:
    """The .ics file: one recurring event per reminder, stamped `now` (in UTC)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "earned reminders")
    stamp = now.astimezone(UTC)
    for event in events:
        cal.add_component(_vevent(event, stamp))
    cal.add_missing_timezones()
    payload: bytes = cal.to_ical()
    return payload
