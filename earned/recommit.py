"""Step 10, beginning again: when recent weeks are clearly harder than the person's own
usual, and the record of choosing one small practice to begin again with.

The detector compares the person only with themselves. Each measure is summarised per
seven-day window (the median of that window's records): how strong moments felt (the
peak, or the first rating), how long they took to settle, and how long an urge was held.
Their usual is the BASELINE_WEEKS latest windows with records before the RECENT_WEEKS
most recent ones (looking back at most LOOKBACK_WEEKS): its median, and its spread (the
scaled median absolute deviation, never less than a floor a person would notice). A
recent window is clearly worse when it is worse than the usual by more than WORSE_BY
spreads; a measure has slipped back when at least WORSE_WEEKS of the RECENT_WEEKS windows
are. A window with no records is no evidence either way: a gap is never a setback.
Recovery and held times are compared on a log scale, since doubling matters alike at ten
minutes and at two hours.

Evaluated on a set written without seeing these rules (tests/fixtures/regression,
tests/test_recommit_heldout.py), reported there in its clear and borderline halves.

Nothing here counts a streak or a missed day; a slipped-back answer leads only to an
offer (web/routes/roadmap.py), never to a mark against the person.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from earned import content, imported
from earned.errors import EarnedError
from earned.text import check_text

RECENT_WEEKS = 4
WORSE_WEEKS = 3  # of the RECENT_WEEKS most recent windows
BASELINE_WEEKS = 12  # windows before the recent ones that make the person's usual
MIN_BASELINE = 6  # windows with records needed there before any comparison
WORSE_BY = 1.5  # spreads beyond the usual
MAD_SCALE = 1.4826  # the MAD of a normal sample, scaled to its standard deviation
# The smallest change a person would notice, in each measure's own units: a spread
# smaller than this (a very regular person) is widened to it, so that tiny wobbles in a
# steady history are not read as a setback.
FLOOR = {"intensity": 0.75, "recovery": math.log(1.5), "held": math.log(1.5)}
MEASURES = ("intensity", "recovery", "held")
HIGHER_IS_WORSE = {"intensity": True, "recovery": True, "held": False}
# What the detector reads: the recent windows and up to a year before them, where it looks
# for the BASELINE_WEEKS latest windows with records. Older records are not read.
LOOKBACK_WEEKS = 52
WINDOWS = RECENT_WEEKS + LOOKBACK_WEEKS


@dataclass
class Week:
    """The records of one seven-day window."""

    intensity: list[float] = field(default_factory=list)
    recovery_minutes: list[float] = field(default_factory=list)
    held_minutes: list[float] = field(default_factory=list)

    def values(self, measure: str) -> list[float]:
        if measure == "intensity":
            return [float(v) for v in self.intensity]
        raw = self.recovery_minutes if measure == "recovery" else self.held_minutes
        # Log scale; under a minute counts as a minute (0 would have no logarithm).
        return [math.log(max(1.0, float(v))) for v in raw]


@dataclass(frozen=True)
class Slip:
    measure: str
    usual: float  # in the measure's own units (minutes for times)
    recent: float
    worse_weeks: int


@dataclass(frozen=True)
class Finding:
    """What the detector saw: `enough` is False when there were too few usual weeks."""

    enough: bool
    slips: tuple[Slip, ...] = ()
    # How many windows back the first clearly-worse recent window starts (1 = the latest).
    began_weeks_ago: int | None = None

    @property
    def slipped(self) -> bool:
        return bool(self.slips)


def _weekly(weeks: Sequence[Week], measure: str) -> list[float | None]:
    return [statistics.median(v) if (v := w.values(measure)) else None for w in weeks]


def _back(measure: str, value: float) -> float:
    return value if measure == "intensity" else math.exp(value)


def compare(
    series: Sequence[float | None], *, higher_is_worse: bool, floor: float
) -> tuple[float, list[bool]] | None:
    """The rule on one weekly series (oldest first, None for a window with no records,
    already on the scale it is compared on): the person's usual (the median of the
    BASELINE_WEEKS latest windows with values before the RECENT_WEEKS last ones), and for
    each of those recent windows whether it is clearly worse than that usual. None when
    the usual has fewer than MIN_BASELINE windows."""
    recent_start = len(series) - RECENT_WEEKS
    usual = [v for v in series[: max(0, recent_start)] if v is not None][-BASELINE_WEEKS:]
    if recent_start < MIN_BASELINE or len(usual) < MIN_BASELINE:
        return None
    centre = statistics.median(usual)
    spread = max(floor, MAD_SCALE * statistics.median(abs(v - centre) for v in usual))
    sign = 1 if higher_is_worse else -1
    recent = series[recent_start:]
    return centre, [v is not None and sign * (v - centre) > WORSE_BY * spread for v in recent]


def detect(weeks: Sequence[Week]) -> Finding:
    """Compare the RECENT_WEEKS latest windows with the ones before. `weeks` is oldest
    first and ends with the window that ends now."""
    recent_start = len(weeks) - RECENT_WEEKS
    if recent_start < MIN_BASELINE:
        return Finding(enough=False)
    enough = False
    slips: list[Slip] = []
    began: int | None = None
    for measure in MEASURES:
        series = _weekly(weeks, measure)
        # The usual is the latest BASELINE_WEEKS windows that have records: weeks away
        # from the app neither shrink it nor stand in for it.
        compared = compare(series, higher_is_worse=HIGHER_IS_WORSE[measure], floor=FLOOR[measure])
        if compared is None:
            continue
        enough = True
        centre, worse = compared
        recent = series[recent_start:]
        if sum(worse) >= WORSE_WEEKS:
            seen = [v for v in recent if v is not None]
            slips.append(
                Slip(
                    measure,
                    _back(measure, centre),
                    _back(measure, statistics.median(seen)),
                    sum(worse),
                )
            )
            first = worse.index(True)
            ago = len(recent) - first
            began = ago if began is None else max(began, ago)
    return Finding(enough=enough, slips=tuple(slips), began_weeks_ago=began)


def stretches(
    series: Sequence[float | None], *, higher_is_worse: bool, floor: float
) -> list[tuple[int, int]]:
    """The harder stretches of one weekly series (oldest first): wherever the detector,
    run as it would have been at the end of each window, finds the measure slipped back,
    the span from its first to its last clearly-worse recent window. Overlapping or
    touching spans are joined. (first index, last index), inclusive, oldest first."""
    spans: list[tuple[int, int]] = []
    for end in range(RECENT_WEEKS, len(series) + 1):
        compared = compare(series[:end], higher_is_worse=higher_is_worse, floor=floor)
        if compared is None or sum(compared[1]) < WORSE_WEEKS:
            continue
        worse = compared[1]
        start = end - RECENT_WEEKS
        first = start + worse.index(True)
        last = start + len(worse) - 1 - worse[::-1].index(True)
        if spans and first <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], last))
        else:
            spans.append((first, last))
    return spans


SHORT_READ = RECENT_WEEKS + BASELINE_WEEKS  # enough for anyone who logs most weeks


def needs_more(weeks: Sequence[Week]) -> bool:
    """Whether a short read (the SHORT_READ latest windows) leaves a measure that has
    records with fewer than BASELINE_WEEKS usual windows: then the detector should look
    further back (LOOKBACK_WEEKS), past the weeks away from the app."""
    recent_start = len(weeks) - RECENT_WEEKS
    for measure in MEASURES:
        series = _weekly(weeks, measure)
        if any(v is not None for v in series) and (
            sum(v is not None for v in series[:recent_start]) < BASELINE_WEEKS
        ):
            return True
    return False


def windows(now: datetime, count: int = WINDOWS) -> list[tuple[datetime, datetime]]:
    """`count` seven-day windows ending at `now`, oldest first."""
    return [
        (now - timedelta(days=7 * (i + 1)), now - timedelta(days=7 * i))
        for i in reversed(range(count))
    ]


WEEK_SECONDS = 7 * 86400


def bucket(
    now: float,
    moments: Iterable[tuple[float, int, float | None]],
    timers: Iterable[tuple[float, float]],
    count: int = WINDOWS,
) -> list[Week]:
    """Weeks from activations (onset, strongest rating, settled time or None) and ended
    urge timers (started, ended), in `count` windows ending at `now`. Times are POSIX
    seconds (the store reads them so: a float per record, not a datetime)."""
    start = now - WEEK_SECONDS * count
    weeks = [Week() for _ in range(count)]

    def slot(moment: float) -> Week | None:
        if not start <= moment < now:
            return None
        return weeks[int((moment - start) // WEEK_SECONDS)]

    for onset, strength, settled in moments:
        week = slot(onset)
        if week is None:
            continue
        week.intensity.append(strength)
        if settled is not None:
            week.recovery_minutes.append((settled - onset) / 60)
    for started, ended in timers:
        week = slot(started)
        if week is not None:
            week.held_minutes.append(max(0.0, (ended - started) / 60))
    return weeks


# --- the long run, shown beside the recent weeks ---------------------------------------------

SPAN_WEEKS = 13  # "the earliest three months shown" and "the last three months"
LONG_RUN_WEEKS = 104  # the long run shows (and reads) at most the last two years


@dataclass(frozen=True)
class LongRun:
    """Weekly medians over the whole history (window start, value), and the median of the
    first and the last SPAN_WEEKS windows with records, for one measure."""

    measure: str
    weekly: tuple[tuple[datetime, float], ...]
    first: float | None
    last: float | None

    def sentence(self) -> str | None:
        if self.first is None or self.last is None or len(self.weekly) < 2 * SPAN_WEEKS:
            return None
        if self.measure == "intensity":
            then, lately = f"{self.first:.1f} out of 10", f"{self.last:.1f}"
            what = "Moments felt, at their strongest, typically"
        else:
            then, lately = _minutes(self.first), _minutes(self.last)
            what = "Moments took typically"
            then, lately = f"{then} to settle", lately
        return f"{what} {then} in the earliest three months shown, and {lately} in the last three."


def long_run(now: float, values: Iterable[tuple[float, float]], measure: str) -> LongRun:
    """`values` (POSIX seconds, value in the measure's units), any order, all before `now`
    (POSIX seconds); each week is shown by when it began, as naive UTC."""
    by_week: dict[int, list[float]] = {}
    for moment, value in values:
        if moment < now:
            by_week.setdefault(int((now - moment) // WEEK_SECONDS), []).append(value)
    weekly = tuple(
        (_naive_utc(now - WEEK_SECONDS * (ago + 1)), float(statistics.median(v)))
        for ago, v in sorted(by_week.items(), reverse=True)
    )
    pooled_first = [x for ago in sorted(by_week, reverse=True)[:SPAN_WEEKS] for x in by_week[ago]]
    pooled_last = [x for ago in sorted(by_week)[:SPAN_WEEKS] for x in by_week[ago]]
    return LongRun(
        measure,
        weekly,
        statistics.median(pooled_first) if pooled_first else None,
        statistics.median(pooled_last) if pooled_last else None,
    )


def _naive_utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


# --- the words ---------------------------------------------------------------------------------


def words() -> dict[str, Any]:
    return dict(content.load("roadmap")["recommit"])


def _minutes(value: float) -> str:
    if value < 90:
        return f"about {max(1, round(value))} min"
    return f"about {value / 60:.1f} h".replace(".0 h", " h")


def describe(slip: Slip) -> str:
    """One plain sentence: what was harder, with the usual and the recent figure."""
    said = words()["measures"][slip.measure]
    if slip.measure == "intensity":
        figures = f"typically {slip.usual:.1f} out of 10, lately {slip.recent:.1f}"
    else:
        figures = f"typically {_minutes(slip.usual)}, lately {_minutes(slip.recent)}"
    weeks = f"{slip.worse_weeks} of the last {RECENT_WEEKS} weeks"
    return f"{said['worse']} in {weeks} ({figures})."


# --- the record of beginning again -------------------------------------------------------------

MAX_NOTICED = 4000
MAX_NOTE = 2000


def practices() -> dict[str, dict[str, str]]:
    """The small practices one can choose to begin again with, by key."""
    return {k: dict(v) for k, v in words()["practices"].items()}


def check_practice(key: object) -> str:
    if not isinstance(key, str) or key not in practices():
        raise EarnedError("Choose one of the practices listed.")
    return key


def check_noticed(text: str | None) -> str | None:
    return check_text(text, "what you noticed", MAX_NOTICED) or None


def check_note(text: str | None) -> str | None:
    return check_text(text, "note", MAX_NOTE) or None


IMPORTED: dict[str, imported.Check] = {
    "client_token": imported.token,
    "noticed": imported.optional(imported.string(check_noticed)),
    "practice": imported.string(check_practice),
    "note": imported.optional(imported.string(check_note)),
}


@dataclass(frozen=True)
class Recommit:
    id: str
    made_at: datetime
    noticed: str | None
    practice: str
    note: str | None

    @property
    def label(self) -> str:
        return practices()[self.practice]["label"]

    @property
    def href(self) -> str:
        return practices()[self.practice]["href"]
