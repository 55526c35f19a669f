"""Times as a person types them (earned/times.py): every form, in a named zone and in this
computer's zone, the days the clocks change (a skipped time refused, a doubled one the
first), weekdays, "ago" as elapsed time, and what is refused and how it is said."""

from __future__ import annotations

import time as clock_module
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from earned import times
from earned.errors import EarnedError

MADRID = ZoneInfo("Europe/Madrid")  # clocks forward 2026-03-29 02:00, back 2026-10-25 03:00
NEW_YORK = ZoneInfo("America/New_York")  # forward 2026-03-08 02:00, back 2026-11-01 02:00
# Monday 30 November 2026, 15:00 in Madrid (CET, UTC+1).
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=MADRID)


def at(text: str, now: datetime = NOW, zone: ZoneInfo = MADRID, **kw: bool) -> datetime:
    return times.parse(text, now=now, zone=zone, **kw)


def elapsed(earlier: datetime, later: datetime) -> timedelta:
    """Real time between two moments (Python subtracts two times of one zone by their
    wall clocks, which is not what passed on a day the clocks change)."""
    return later.astimezone(UTC) - earlier.astimezone(UTC)


def local(y: int, mo: int, d: int, h: int, mi: int, zone: ZoneInfo = MADRID) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone)


# --- the forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:00", local(2026, 11, 30, 14, 0)),
        ("9:30", local(2026, 11, 30, 9, 30)),
        (" 09:30 ", local(2026, 11, 30, 9, 30)),
        ("9.30", local(2026, 11, 30, 9, 30)),
        ("today 9:30", local(2026, 11, 30, 9, 30)),
        ("Today 9:30", local(2026, 11, 30, 9, 30)),
        ("yesterday 14:00", local(2026, 11, 29, 14, 0)),
        ("yesterday 23:59", local(2026, 11, 29, 23, 59)),
        ("yesterday at 14:00", local(2026, 11, 29, 14, 0)),
        ("14:00 yesterday", local(2026, 11, 29, 14, 0)),
        ("yesterday, 14:00", local(2026, 11, 29, 14, 0)),
        ("yesterday 2pm", local(2026, 11, 29, 14, 0)),
        ("yesterday 2 pm", local(2026, 11, 29, 14, 0)),
        ("yesterday 2:30 p.m.", local(2026, 11, 29, 14, 30)),
        ("yesterday 12am", local(2026, 11, 29, 0, 0)),
        ("yesterday 12pm", local(2026, 11, 29, 12, 0)),
        ("yesterday noon", local(2026, 11, 29, 12, 0)),
        ("midnight", local(2026, 11, 30, 0, 0)),
        ("9am", local(2026, 11, 30, 9, 0)),
        ("2 hours ago", local(2026, 11, 30, 13, 0)),
        ("30 min ago", local(2026, 11, 30, 14, 30)),
        ("30 minutes ago", local(2026, 11, 30, 14, 30)),
        ("1 minute ago", local(2026, 11, 30, 14, 59)),
        ("an hour ago", local(2026, 11, 30, 14, 0)),
        ("a minute ago", local(2026, 11, 30, 14, 59)),
        ("2h ago", local(2026, 11, 30, 13, 0)),
        ("90m ago", local(2026, 11, 30, 13, 30)),
        ("3 days ago", local(2026, 11, 27, 15, 0)),
        ("now", NOW),
        ("2026-11-29 14:00", local(2026, 11, 29, 14, 0)),
        ("2026-11-29T14:00", local(2026, 11, 29, 14, 0)),
        ("2026-11-29t14:00", local(2026, 11, 29, 14, 0)),
        ("2026-11-29  14:00", local(2026, 11, 29, 14, 0)),
        ("2026-11-29 14:00:30", datetime(2026, 11, 29, 14, 0, 30, tzinfo=MADRID)),
        ("2026-11-29", local(2026, 11, 29, 0, 0)),
        ("2026-11-29 14:00+00:00", datetime(2026, 11, 29, 14, 0, tzinfo=UTC)),
        ("2026-11-29T14:00Z", datetime(2026, 11, 29, 14, 0, tzinfo=UTC)),
    ],
)
def test_what_a_person_types(text: str, expected: datetime) -> None:
    found = at(text)
    assert found == expected
    assert found.utcoffset() is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NOW is a Monday, 15:00: "mon" earlier today is today, later today a week ago.
        ("mon 9:00", local(2026, 11, 30, 9, 0)),
        ("monday 9:00", local(2026, 11, 30, 9, 0)),
        ("mon 18:00", local(2026, 11, 23, 18, 0)),
        ("monday 18:00", local(2026, 11, 23, 18, 0)),
        ("sun 18:00", local(2026, 11, 29, 18, 0)),
        ("sunday 18:00", local(2026, 11, 29, 18, 0)),
        ("tue 8:00", local(2026, 11, 24, 8, 0)),
        ("tues 8:00", local(2026, 11, 24, 8, 0)),
        ("wed 8:00", local(2026, 11, 25, 8, 0)),
        ("thurs 8:00", local(2026, 11, 26, 8, 0)),
        ("fri 8:00", local(2026, 11, 27, 8, 0)),
        ("last fri 9am", local(2026, 11, 27, 9, 0)),
        ("on saturday at 22:15", local(2026, 11, 28, 22, 15)),
        ("18:00 sun", local(2026, 11, 29, 18, 0)),
    ],
)
def test_a_weekday_is_the_most_recent_one_already_past(text: str, expected: datetime) -> None:
    assert at(text) == expected


def test_a_time_a_moment_ahead_is_within_the_grace_for_clocks_apart() -> None:
    assert at("15:01") == local(2026, 11, 30, 15, 1)
    assert at("mon 15:01") == local(2026, 11, 30, 15, 1)


# --- refused, and how it is said ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "14",
        "14h05",
        "24:00",
        "9:60",
        "13pm",
        "0am",
        "tomorrow 9:00",
        "next monday 9:00",
        "yesterday today 9:00",
        "mon tue 9:00",
        "yesterday 14:00 15:00",
        "2026-13-01",
        "2026-02-30 10:00",
        "2 fortnights ago",
        "ago",
        "soon",
        "2 hours",
    ],
)
def test_what_is_not_a_time_says_what_is(text: str) -> None:
    with pytest.raises(EarnedError) as error:
        at(text)
    assert "is not a time earned understands" in error.value.message
    assert times.EXAMPLES in error.value.message


def test_a_day_without_a_time_asks_for_the_time() -> None:
    with pytest.raises(EarnedError, match=r"'yesterday' names a day; give the time too"):
        at("yesterday")
    with pytest.raises(EarnedError, match=r"e\.g\. mon 14:00"):
        at("last mon")


@pytest.mark.parametrize("text", ["16:00", "today 16:00", "11pm"])
def test_later_today_is_refused_with_the_words_for_yesterday(text: str) -> None:
    with pytest.raises(EarnedError) as error:
        at(text)
    assert "today is still to come. For yesterday, say so: yesterday" in error.value.message


def test_a_future_date_is_refused_unless_asked_for() -> None:
    with pytest.raises(EarnedError, match="2026-12-01 09:00 is in the future"):
        at("2026-12-01 09:00")
    assert at("2026-12-01 09:00", future=True) == local(2026, 12, 1, 9, 0)
    assert at("16:00", future=True) == local(2026, 11, 30, 16, 0)


def test_ago_is_limited_to_ten_years() -> None:
    assert elapsed(at("3650 days ago"), NOW) == timedelta(days=3650)
    with pytest.raises(EarnedError, match="very far back"):
        at("999999 days ago")


# --- the days the clocks change --------------------------------------------------------------


def test_a_time_the_clocks_skip_is_refused() -> None:
    """Madrid, Sunday 29 March 2026: 02:00 CET became 03:00 CEST."""
    after = local(2026, 3, 29, 12, 0)
    for text in ("02:30", "02:00", "today 2:59", "2026-03-29 02:30", "sun 2:30"):
        with pytest.raises(EarnedError) as error:
            at(text, now=after)
        assert "did not happen on Sun 29 Mar 2026 here: the clocks went forward" in (
            error.value.message
        ), text
    with pytest.raises(EarnedError, match="the clocks went forward"):
        at("yesterday 02:30", now=local(2026, 3, 30, 12, 0))
    # Either side of the gap is fine, each with its own offset.
    assert at("01:59", now=after).utcoffset() == timedelta(hours=1)
    assert at("03:00", now=after).utcoffset() == timedelta(hours=2)
    assert elapsed(at("01:59", now=after), at("03:00", now=after)) == timedelta(minutes=1)


def test_a_time_the_clocks_show_twice_is_the_first() -> None:
    """Madrid, Sunday 25 October 2026: 03:00 CEST became 02:00 CET; 02:30 came twice."""
    after = local(2026, 10, 25, 12, 0)
    first = at("02:30", now=after)
    assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert at("03:00", now=after).astimezone(UTC) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def test_yesterday_is_a_calendar_day_not_24_hours() -> None:
    """On the day the clocks went forward, 'yesterday 12:00' is 23 real hours before noon;
    on an ordinary day 24, on the day they went back 25."""
    day_of = local(2026, 3, 29, 12, 0)
    assert at("yesterday 12:00", now=day_of) == local(2026, 3, 28, 12, 0)
    assert elapsed(at("yesterday 12:00", now=day_of), day_of) == timedelta(hours=23)
    ordinary = local(2026, 3, 30, 12, 0)
    assert elapsed(at("yesterday 12:00", now=ordinary), ordinary) == timedelta(hours=24)
    back = local(2026, 10, 25, 12, 0)
    assert elapsed(at("yesterday 12:00", now=back), back) == timedelta(hours=25)


def test_ago_is_elapsed_time_across_a_change_of_the_clocks() -> None:
    """At 03:30 CEST on 29 March, two hours ago was 00:30 CET: the clock shows 3 hours."""
    now = local(2026, 3, 29, 3, 30)
    found = at("2 hours ago", now=now)
    assert elapsed(found, now) == timedelta(hours=2)
    assert (found.hour, found.minute) == (0, 30)


def test_another_zone_has_its_own_changes() -> None:
    after = local(2026, 3, 8, 12, 0, NEW_YORK)
    with pytest.raises(EarnedError, match="did not happen on Sun 08 Mar 2026"):
        at("2:30", now=after, zone=NEW_YORK)
    assert at("02:30", now=local(2026, 3, 29, 12, 0), zone=NEW_YORK) == local(
        2026, 3, 29, 2, 30, NEW_YORK
    )  # not a change day in New York
    # The same instant is "today" in one zone and "yesterday" in another.
    late = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 04:00 in Madrid, 22:00 in New York
    assert at("yesterday 21:00", now=late, zone=NEW_YORK) == local(2026, 11, 28, 21, 0, NEW_YORK)
    assert at("21:00", now=late, zone=NEW_YORK) == local(2026, 11, 29, 21, 0, NEW_YORK)
    assert at("yesterday 21:00", now=late) == local(2026, 11, 29, 21, 0)


def test_a_fixed_offset_zone_has_no_changes() -> None:
    plus_two = timezone(timedelta(hours=2))
    now = datetime(2026, 3, 29, 12, 0, tzinfo=plus_two)
    assert times.parse("02:30", now=now, zone=plus_two) == datetime(
        2026, 3, 29, 2, 30, tzinfo=plus_two
    )


@pytest.fixture
def computer_in_madrid(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's own zone (zone=None, the C library's) set to Europe/Madrid."""
    monkeypatch.setenv("TZ", "Europe/Madrid")
    clock_module.tzset()
    yield
    monkeypatch.undo()
    clock_module.tzset()


@pytest.mark.usefixtures("computer_in_madrid")
def test_this_computers_zone_follows_its_changes_too() -> None:
    day_of = local(2026, 3, 29, 12, 0)
    with pytest.raises(EarnedError, match="the clocks went forward"):
        times.parse("02:30", now=day_of)
    found = times.parse("yesterday 12:00", now=day_of)
    assert found == local(2026, 3, 28, 12, 0)
    assert found.utcoffset() == timedelta(hours=1)
    assert times.parse("03:30", now=day_of).utcoffset() == timedelta(hours=2)
    doubled = times.parse("02:30", now=local(2026, 10, 25, 12, 0))
    assert doubled.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


# --- days alone (`earned list --from`) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 30)),
        ("yesterday", date(2026, 11, 29)),
        ("mon", date(2026, 11, 30)),
        ("last monday", date(2026, 11, 30)),
        ("sun", date(2026, 11, 29)),
        ("tuesday", date(2026, 11, 24)),
        ("2026-03-02", date(2026, 3, 2)),
        ("2027-01-01", date(2027, 1, 1)),
        ("14:00", None),
        ("yesterday 14:00", None),
        ("2026-03-02T10:00", None),
        ("last week", None),
    ],
)
def test_day(text: str, expected: date | None) -> None:
    assert times.day(text, now=NOW, zone=MADRID) == expected


def test_day_refuses_a_date_that_does_not_exist() -> None:
    with pytest.raises(EarnedError, match="not a time earned understands"):
        times.day("2026-02-30", now=NOW, zone=MADRID)


def test_wall_clock_is_the_one_rule_for_a_local_time() -> None:
    assert times.wall_clock(date(2026, 3, 29), time(3, 0), MADRID).utcoffset() == timedelta(hours=2)
    with pytest.raises(EarnedError):
        times.wall_clock(date(2026, 3, 29), time(2, 0), MADRID)


def test_it_stays_light_for_the_quick_path() -> None:
    from tests.support.cli import heavy_imports_after

    code = (
        "from datetime import UTC, datetime\nfrom earned import times\n"
        "times.parse('yesterday 14:00', now=datetime.now(UTC))"
    )
    assert heavy_imports_after(code) == []
