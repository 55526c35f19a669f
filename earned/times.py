"""Times as a person types them (`earned log --at`, `settle --at`, `list --from`): "14:00",
"yesterday 14:00", "mon 18:00", "2 hours ago", "2026-11-29 14:00" — pure.

A wall-clock time is read in the person's zone: `zone`, or with None this computer's own
zone as the C library knows it (what the CLI shows times in). Days are calendar days in
that zone, so "yesterday 14:00" is 14:00 on the day before whatever the clocks did
overnight; "2 hours ago" is elapsed time, so it stays two real hours across a change of
the clocks. A time the clocks skip (02:30 on the night they go forward) is refused, not
guessed; one they show twice (the night they go back) is the first of the two.

On the quick path (`earned log --at`): the standard library's re and datetime only, and
earned.episodes for the grace given to a clock running a little ahead.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from earned.episodes import FUTURE_GRACE
from earned.errors import EarnedError

EXAMPLES = "14:05, 9:30pm, yesterday 14:00, mon 18:00, 2 hours ago, 30 min ago, 2026-03-02 14:05"

WEEKDAYS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
DAY_WORDS = frozenset({"today", "yesterday", *WEEKDAYS})
FILLER = frozenset({"at", "on", "last"})  # "yesterday at 14:00", "on mon 18:00", "last fri 9am"
UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), timedelta(minutes=1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), timedelta(hours=1)),
    **dict.fromkeys(("d", "day", "days"), timedelta(days=1)),
}
MAX_AGO = timedelta(days=3660)  # "ago" for ten years at most: beyond, a date is clearer

_AGO = re.compile(r"(\d{1,6}|an?)\s*([a-z]+)\s+ago")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm|a\.m\.|p\.m\.)?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([ t].*)?")


def _not_understood(text: str) -> EarnedError:
    return EarnedError(f"{text.strip()!r} is not a time earned understands. Try {EXAMPLES}.")


def _later(moment: datetime, now: datetime) -> bool:
    """Whether `moment` is after `now` and its grace. In UTC: Python compares and subtracts
    two times of the same tzinfo by their wall clocks, which a change of the clocks skews."""
    return moment.astimezone(UTC) > now.astimezone(UTC) + FUTURE_GRACE


def _zoned(moment: datetime, zone: tzinfo | None) -> datetime:
    """An aware `moment` as the clocks in `zone` (None: this computer's) show it."""
    return moment.astimezone() if zone is None else moment.astimezone(zone)


def wall_clock(day: date, clock: time, zone: tzinfo | None) -> datetime:
    """`clock` on `day` in `zone` (None: this computer's), as an aware time.

    Raises EarnedError for a time the clocks skip that day; of a time shown twice, the
    first (fold 0, PEP 495).
    """
    naive = datetime.combine(day, clock)
    moment = naive.astimezone() if zone is None else naive.replace(tzinfo=zone)
    # Through UTC and back: astimezone to the moment's own tzinfo would change nothing.
    if _zoned(moment.astimezone(UTC), zone).replace(tzinfo=None) != naive:
        raise EarnedError(
            f"{clock:%H:%M} did not happen on {day:%a %d %b %Y} here: the clocks went forward "
            "that night. Give a time before or after the change."
        )
    return moment


def _clock(text: str) -> time | None:
    """'14:05', '9.30', '9pm', '9:30 am', 'noon', 'midnight'; None if it is none of them."""
    if text in ("noon", "midday"):
        return time(12)
    if text == "midnight":
        return time(0)
    found = _CLOCK.fullmatch(text)
    if found is None:
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half is None:
        if found.group(2) is None:  # a bare "14" could be a day or an hour: not a time
            return None
    elif not 1 <= hour <= 12:
        return None
    else:
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _weekday_back(today: date, weekday: int) -> date:
    """The most recent `weekday` on or before `today`."""
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def day(text: str, *, now: datetime, zone: tzinfo | None = None) -> date | None:
    """The calendar day `text` names: 'today', 'yesterday', a weekday (the most recent, today
    included) or '2026-03-02'; None if it names no day (it may still name a time)."""
    words = [w for w in text.strip().lower().split() if w not in FILLER]
    today = _zoned(now, zone).date()
    if len(words) != 1:
        return None
    word = words[0]
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if word in WEEKDAYS:
        return _weekday_back(today, WEEKDAYS[word])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            raise _not_understood(text) from None
    return None


def parse(
    text: str, *, now: datetime, zone: tzinfo | None = None, future: bool = False
) -> datetime:
    """The moment `text` names, as an aware time; EarnedError if it names none.

    Understood (any case, extra spaces, "at"/"on"/"last" ignored): "now"; a clock, today
    ("14:05", "9.30", "9pm", "9:30 am", "noon"); a day and a clock in either order ("today
    9:30", "yesterday 14:00", "mon 18:00", "14:00 yesterday"), a weekday being the most
    recent that is already past at that clock; "N minutes|hours|days ago" ("2 hours ago",
    "30 min ago", "an hour ago", "2h ago"); an ISO date-time ("2026-11-29 14:00",
    "2026-11-29T14:00", with seconds or a UTC offset), a date alone meaning its start.
    `now` is an aware time. Unless `future`, a moment later than `now` (beyond
    episodes.FUTURE_GRACE, for clocks a little apart) is refused.
    """
    spoken = " ".join(text.strip().lower().replace(",", " ").split())
    if not spoken:
        raise _not_understood(text)
    if spoken == "now":
        return _zoned(now, zone)
    if _ISO.fullmatch(spoken):
        as_typed = " ".join(text.split())  # its case kept: "T", "Z"
        moment = _iso(as_typed, zone)
        return moment if future else _past(moment, now, as_typed)
    ago = _AGO.fullmatch(spoken)
    if ago is not None:
        return _ago(ago, now, zone, text)
    words = [w for w in spoken.split() if w not in FILLER]
    days = [w for w in words if w in DAY_WORDS]
    clock = _clock("".join(w for w in words if w not in DAY_WORDS))
    if len(days) > 1 or (clock is None and (not days or len(words) > 1)):
        raise _not_understood(text)
    if clock is None:
        raise EarnedError(f"{text.strip()!r} names a day; give the time too, e.g. {days[0]} 14:00.")
    today = _zoned(now, zone).date()
    word = days[0] if days else "today"
    if word in WEEKDAYS:
        on = _weekday_back(today, WEEKDAYS[word])
        moment = wall_clock(on, clock, zone)
        if _later(moment, now):  # later today: that weekday a week ago
            moment = wall_clock(on - timedelta(days=7), clock, zone)
        return moment
    on = today if word == "today" else today - timedelta(days=1)
    moment = wall_clock(on, clock, zone)
    if not future and _later(moment, now):
        raise EarnedError(
            f"{clock:%H:%M} today is still to come. For yesterday, say so: yesterday {clock:%H:%M}."
        )
    return moment


def _iso(text: str, zone: tzinfo | None) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _not_understood(text) from None
    if moment.tzinfo is not None:
        return moment
    return wall_clock(moment.date(), moment.time(), zone)


def _ago(found: re.Match[str], now: datetime, zone: tzinfo | None, text: str) -> datetime:
    count, unit = found.group(1), found.group(2)
    if unit not in UNITS:
        raise _not_understood(text)
    amount = UNITS[unit] * (1 if count in ("a", "an") else int(count))
    if amount > MAX_AGO:
        raise EarnedError(f"{text.strip()!r} is very far back; give the date instead.")
    return _zoned(now.astimezone(UTC) - amount, zone)  # elapsed time, so in UTC


def _past(moment: datetime, now: datetime, text: str) -> datetime:
    if _later(moment, now):
        raise EarnedError(f"{text} is in the future; earned records what has already happened.")
    return moment
