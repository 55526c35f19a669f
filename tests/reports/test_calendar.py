"""The reminders calendar file (earned.reports.calendar), parsed back with icalendar:
every event's summary, repeat rule, start in the person's zone across a change of the
clocks, alarm, and UIDs that stay the same from one file to the next."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from earned import reminders
from earned.beliefs import Belief
from earned.reports import calendar

MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")
# Wednesday 25 March 2026: Europe's clocks go forward on Sunday 29 March.
BEFORE_DST = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)


def belief(bid: str, days: int, words: str = "I am too much for people.") -> Belief:
    return Belief(
        id=bid,
        belief=words,
        origin=None,
        origin_entry_id=None,
        evidence_for=None,
        evidence_against=None,
        alternative=None,
        rerate_days=days,
        created_at=BEFORE_DST - timedelta(days=30),
        updated_at=BEFORE_DST - timedelta(days=30),
    )


def make(
    now: datetime = BEFORE_DST,
    zone: ZoneInfo = MADRID,
    *,
    include_words: bool = False,
) -> Calendar:
    scheduled = [
        (belief("b-one", 7), BEFORE_DST - timedelta(days=2)),
        (belief("b-two", 28, "Nobody stays."), None),
    ]
    choices = [
        reminders.check_choice("breathing", ["mon", "fri"], "08:30"),
        reminders.check_choice("compassion-break", ["sun"], "21:00"),
    ]
    events = reminders.belief_events(
        scheduled, now=now, zone=zone, include_words=include_words
    ) + reminders.practice_events(choices, now=now, zone=zone)
    return Calendar.from_ical(calendar.build(events, now=now))


def by_uid(cal: Calendar) -> dict[str, object]:
    return {str(ev["uid"]): ev for ev in cal.walk("VEVENT")}


def test_the_file_is_a_calendar_with_one_event_per_reminder() -> None:
    cal = make()
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]) == calendar.PRODID
    events = cal.walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == [
        "belief-b-one@earned.local",
        "belief-b-two@earned.local",
        "practice-breathing@earned.local",
        "practice-compassion-break@earned.local",
    ]
    for ev in events:
        assert ev.decoded("dtstamp") == BEFORE_DST
        assert str(ev["summary"]).startswith("earned:")
        # a page of the local app, never a host
        assert "http" not in ev.to_ical().decode().lower()
        (alarm,) = ev.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"


def test_belief_reminders_are_all_day_every_n_days_and_private_by_default() -> None:
    events = by_uid(make())
    one, two = events["belief-b-one@earned.local"], events["belief-b-two@earned.local"]
    for ev in (one, two):
        assert str(ev["summary"]) == "earned: a belief to re-rate"
        assert "too much" not in ev.to_ical().decode() and "Nobody" not in ev.to_ical().decode()
    # rated 2 days before, every 7: next ready on 30 March
    assert one.decoded("dtstart") == date(2026, 3, 30)
    assert one.decoded("dtend") == date(2026, 3, 31)
    assert one["rrule"].to_ical() == b"FREQ=DAILY;INTERVAL=7"
    assert "/beliefs/b-one" in str(one["description"])
    # never rated, written 30 days before, every 28: overdue, so from today
    assert two.decoded("dtstart") == date(2026, 3, 25)
    assert two["rrule"].to_ical() == b"FREQ=DAILY;INTERVAL=28"


def test_belief_words_appear_only_when_asked() -> None:
    events = by_uid(make(include_words=True))
    assert str(events["belief-b-one@earned.local"]["summary"]) == (
        'earned: re-rate "I am too much for people."'
    )
    assert str(events["belief-b-two@earned.local"]["summary"]) == 'earned: re-rate "Nobody stays."'


def occurrences(ev: object, count: int) -> list[datetime]:
    start = ev.decoded("dtstart")  # type: ignore[attr-defined]
    rule = ev["rrule"].to_ical().decode()  # type: ignore[index]
    return list(islice(rrulestr(rule, dtstart=start), count))


def test_practice_reminders_keep_their_clock_time_across_the_change_of_clocks() -> None:
    cal = make()
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["tzid"]) == "Europe/Madrid"
    ev = by_uid(cal)["practice-breathing@earned.local"]
    assert "DTSTART;TZID=Europe/Madrid:20260327T083000" in ev.to_ical().decode()
    start = ev.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Madrid"
    assert ev["rrule"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,FR"
    assert ev.decoded("dtend") - start == timedelta(minutes=reminders.PRACTICE_MINUTES)
    first, second, third = occurrences(ev, 3)
    assert [d.date() for d in (first, second, third)] == [
        date(2026, 3, 27),  # Friday, before the change
        date(2026, 3, 30),  # Monday, after it
        date(2026, 4, 3),
    ]
    assert all(d.timetz().replace(tzinfo=None) == time(8, 30) for d in (first, second, third))
    # the same 08:30 on the clock is a different moment in UTC: 07:30 then 06:30
    assert first.astimezone(UTC).hour == 7 and second.astimezone(UTC).hour == 6


def test_a_zone_that_changes_clocks_on_another_day() -> None:
    # New York goes forward on Sunday 8 March 2026: 21:00 on the Sundays either side.
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    ev = by_uid(make(now, NEW_YORK))["practice-compassion-break@earned.local"]
    assert "DTSTART;TZID=America/New_York:20260301T210000" in ev.to_ical().decode()
    first, second = occurrences(ev, 2)
    assert first.date() == date(2026, 3, 1) and second.date() == date(2026, 3, 8)
    assert first.hour == second.hour == 21
    assert first.utcoffset() == timedelta(hours=-5) and second.utcoffset() == timedelta(hours=-4)
    assert first.astimezone(UTC).hour == 2 and second.astimezone(UTC).hour == 1


def test_uids_are_the_same_in_two_exports_so_a_new_file_updates_the_old() -> None:
    first = make()
    second = make(BEFORE_DST + timedelta(days=10))
    assert set(by_uid(first)) == set(by_uid(second))
    assert len(by_uid(first)) == 4


def test_a_zone_without_a_name_is_written_as_the_devices_own_clock() -> None:
    fixed = datetime.now().astimezone().tzinfo
    assert fixed is not None
    choice = reminders.check_choice("moment", ["mon"], "07:45")
    events = reminders.practice_events([choice], now=BEFORE_DST, zone=fixed)
    cal = Calendar.from_ical(calendar.build(events, now=BEFORE_DST))
    (ev,) = cal.walk("VEVENT")
    assert cal.walk("VTIMEZONE") == []
    assert ev.decoded("dtstart") == datetime(2026, 3, 30, 7, 45)  # floating


def test_a_time_the_change_of_clocks_skips_is_written_as_chosen() -> None:
    # 02:30 does not happen in Madrid on 29 March 2026; the calendar app applies the zone's
    # rule for that one day (RFC 5545), and every later Sunday is 02:30 again.
    now = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    choice = reminders.check_choice("moment", ["sun"], "02:30")
    events = reminders.practice_events([choice], now=now, zone=MADRID)
    (ev,) = Calendar.from_ical(calendar.build(events, now=now)).walk("VEVENT")
    assert "DTSTART;TZID=Europe/Madrid:20260329T023000" in ev.to_ical().decode()
    later = occurrences(ev, 2)[1]
    assert later.date() == date(2026, 4, 5) and (later.hour, later.minute) == (2, 30)
    assert later.utcoffset() == timedelta(hours=2)
