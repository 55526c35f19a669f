"""Lengths of time in words, for people: the one place earned turns seconds into text.

Plain Python that imports nothing (not even the standard library), because the quick CLI
path (`earned settle`, `earned wait`) prints durations too. Three shapes, each for one
kind of place; the CLI, the urge timer and the web pages all use these:

- `words`: a finished length in a sentence ("Settled: 42 minutes from the start", "You
  held for 2 h 05 min"). Rounded, because nobody needs the seconds of a two-hour episode.
- `clock`: a stopwatch that ticks while something runs ("0:07", "12:30", "1:02:03").
- `exact`: a logged practice, short and exact ("45 s", "2 min 30 s"), since the person
  chose the length and expects to see it back as given.

Every function takes seconds as an int or a float (e.g. `timedelta.total_seconds()`),
rounds to whole seconds and treats a negative length (a clock a little behind another)
as zero.
"""

from __future__ import annotations


def _whole(seconds: float) -> int:
    return max(0, round(seconds))


def words(seconds: float) -> str:
    """'1 second', '45 seconds', '12 minutes', '1 h 05 min': for a sentence, not parsing.

    Seconds up to 89, whole minutes up to 89 (rounded half to even), then hours and
    minutes, so the number shown never has more than two digits before the unit changes.
    """
    whole = _whole(seconds)
    if whole < 90:
        return "1 second" if whole == 1 else f"{whole} seconds"
    minutes = round(whole / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def clock(seconds: float) -> str:
    """Elapsed time as a stopwatch shows it: '0:07', '12:30', '1:02:03'."""
    hours, rest = divmod(_whole(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def exact(seconds: float) -> str:
    """'45 s', '3 min', '2 min 30 s': short and exact, for a log of practices."""
    minutes, rest = divmod(_whole(seconds), 60)
    if minutes == 0:
        return f"{rest} s"
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"
