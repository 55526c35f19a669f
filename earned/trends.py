"""Whether a sign of change is leaning one way, week by week, told honestly.

A sign is a weekly series (the week's Monday, its value or None for a week without
records). Its trend is read with two robust statistics from SciPy, which a few odd weeks
cannot drag about:

- the Theil–Sen slope (scipy.stats.theilslopes): the median of the slopes between every
  pair of weeks with values, in the sign's units per week, with its 95% interval;
- a Mann–Kendall test (scipy.stats.kendalltau of each value against its week): whether
  the weeks lean one way more than chance would explain (p below ALPHA).

Below MIN_WEEKS weeks with values nothing is concluded. A trend is named only when the
test says it is clear; it is then put in one plain sentence in the sign's own terms,
whichever way it leans. A lean the hard way is worded as step 10 (beginning again), never
as a mark against anyone. The harder stretches on a sign's chart come from the step 10
detector itself (earned.recommit.stretches): there is one rule for "clearly harder than
your usual", not two.

No web framework, no store: the page and the store call this.
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from scipy import stats

from earned import content, patterns, recommit

MIN_WEEKS = 6  # weeks with values before any trend is read
ALPHA = 0.05  # the Mann–Kendall p below which a trend is called clear
WINDOW_WEEKS = 26  # the weeks each sign is shown over (this week last)
# A change in a share smaller than this (ten percentage points) is within a person's
# ordinary week-to-week wobble: the harder-stretch rule never reads less as a setback.
SHARE_FLOOR = 0.10


@dataclass(frozen=True)
class Sign:
    key: str
    rising_is_good: bool
    unit: str  # "minutes" (compared on a log scale) or "percent" (a share, 0–1)


SIGNS = (
    Sign("recovery", rising_is_good=False, unit="minutes"),
    Sign("held", rising_is_good=True, unit="minutes"),
    Sign("named", rising_is_good=True, unit="percent"),
    Sign("people", rising_is_good=True, unit="percent"),
)
SIGN = {s.key: s for s in SIGNS}

Series = Sequence[tuple[date, float | None]]


@dataclass(frozen=True)
class Trend:
    """What the weeks say. `weeks` is how many have values; `span` how many weeks lie from
    the first with a value to the end of the series ("over the last `span` weeks").
    Without enough weeks the rest is None."""

    weeks: int
    span: int
    slope: float | None = None  # units per week
    low: float | None = None  # the slope's 95% interval
    high: float | None = None
    tau: float | None = None
    p: float | None = None

    @property
    def enough(self) -> bool:
        return self.weeks >= MIN_WEEKS and self.p is not None

    @property
    def clear(self) -> bool:
        return (
            self.enough
            and self.p is not None
            and self.p < ALPHA
            and self.slope is not None
            and self.slope != 0
        )


def trend(series: Series) -> Trend:
    """The Theil–Sen slope and the Mann–Kendall test of the weeks with values."""
    seen = [(i, v) for i, (_week, v) in enumerate(series) if v is not None and math.isfinite(v)]
    if not seen:
        return Trend(0, 0)
    span = len(series) - seen[0][0]
    if len(seen) < MIN_WEEKS:
        return Trend(len(seen), span)
    x = [float(i) for i, _v in seen]
    y = [float(v) for _i, v in seen]
    if len(set(y)) == 1:  # every week alike: nothing leans either way
        return Trend(len(seen), span, 0.0, 0.0, 0.0, 0.0, 1.0)
    slope, _intercept, low, high = stats.theilslopes(y, x, alpha=0.95)
    tested = stats.kendalltau(x, y)
    tau, p = float(tested.statistic), float(tested.pvalue)
    if math.isnan(p):
        p = 1.0
    return Trend(len(seen), span, float(slope), float(low), float(high), tau, p)


def improving(sign: Sign, found: Trend) -> bool | None:
    """True when a clear trend goes the good way for `sign`, False the hard way, None when
    there is no clear trend."""
    if not found.clear or found.slope is None:
        return None
    return (found.slope > 0) == sign.rising_is_good


# --- the words ---------------------------------------------------------------------------------


def words() -> dict[str, Any]:
    return content.load("progress")


def amount(sign: Sign, slope: float) -> str:
    """A weekly change in the sign's units, as said in a sentence."""
    size = abs(slope)
    if sign.unit == "percent":
        points = size * 100
        shown = f"{points:.1f}".removesuffix(".0") if points < 10 else f"{points:.0f}"
        return f"{shown} percentage point{'' if shown == '1' else 's'}"
    if size >= 90:
        return f"{size / 60:.1f} hours".replace(".0 hours", " hours")
    shown = f"{size:.1f}".removesuffix(".0") if size < 10 else f"{size:.0f}"
    return f"{shown} minute{'' if shown == '1' else 's'}"


def p_words(p: float) -> str:
    """A p-value as said: three places below 0.1, so that 0.047 never reads as 0.05."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}" if p < 0.1 else f"= {p:.2f}"


def sentence(sign: Sign, found: Trend, *, about: str = "you") -> str:
    """One plain sentence on what the weeks of `sign` say: to the person (`about="you"`),
    or about them to the clinician they share it with (`about="them"`)."""
    said = words()
    if not found.enough:
        return str(said["not_enough"]).format(weeks=found.weeks, needed=MIN_WEEKS)
    way = improving(sign, found)
    if way is None or found.slope is None or found.p is None:
        return str(said["flat"])
    text = said["signs"][sign.key][
        ("better" if way else "harder") + ("_them" if about == "them" else "")
    ]
    return str(text).format(weeks=found.span, amount=amount(sign, found.slope), p=p_words(found.p))


# --- harder stretches (step 10) ----------------------------------------------------------------


def _scaled(sign: Sign, value: float | None) -> float | None:
    if value is None:
        return None
    # Times on a log scale, as the step 10 detector compares them.
    return math.log(max(1.0, value)) if sign.unit == "minutes" else value


def harder_stretches(sign: Sign, series: Series) -> list[tuple[date, date]]:
    """Stretches of weeks clearly harder than the person's own usual, by the step 10
    detector's rule, as (first week's Monday, last week's Monday)."""
    floor = recommit.FLOOR["recovery"] if sign.unit == "minutes" else SHARE_FLOOR
    spans = recommit.stretches(
        [_scaled(sign, v) for _week, v in series],
        higher_is_worse=not sign.rising_is_good,
        floor=floor,
    )
    return [(series[a][0], series[b][0]) for a, b in spans]


# --- weeks from records (the store reads the records; these put them into weeks) --------------


def mondays(today: date, count: int = WINDOW_WEEKS) -> list[date]:
    """The Mondays of the `count` weeks ending with `today`'s week, oldest first."""
    this_week = today - timedelta(days=today.weekday())
    return [this_week - timedelta(weeks=count - 1 - i) for i in range(count)]


def week_edges(weeks: Sequence[date], zone: tzinfo | None) -> list[float]:
    """When each of `weeks` begins in the person's zone (their Monday, 00:00) and when the
    last one ends, as POSIX seconds: a record's week is then one bisection of its time
    (week_of), with no local date made for each record."""
    where = zone or UTC
    mondays = [*weeks, weeks[-1] + timedelta(weeks=1)]
    return [datetime.combine(day, time(0), tzinfo=where).timestamp() for day in mondays]


def week_of(edges: Sequence[float], seconds: float) -> int | None:
    """Which week (index into the weeks of week_edges) holds `seconds`, or None."""
    if not edges[0] <= seconds < edges[-1]:
        return None
    return bisect_right(edges, seconds) - 1


def weekly_medians(
    values: Iterable[tuple[float, float]], weeks: Sequence[date], zone: tzinfo | None
) -> list[tuple[date, float | None]]:
    """The median of each week's values ((POSIX seconds, value) pairs, weeks in the
    person's zone); None for a week with none. Values outside `weeks` are ignored."""
    edges = week_edges(weeks, zone)
    groups: list[list[float]] = [[] for _ in weeks]
    for seconds, value in values:
        which = week_of(edges, seconds)
        if which is not None:
            groups[which].append(value)
    return [
        (week, statistics.median(v) if v else None) for week, v in zip(weeks, groups, strict=True)
    ]


def weekly_named(
    answers: Iterable[tuple[float, bool | None]], weeks: Sequence[date], zone: tzinfo | None
) -> list[tuple[date, float | None]]:
    """The share of moments named while they happened, per week, by the patterns page's
    own rule (earned.patterns.tally: unanswered moments are left out, and a week with no
    answers has no share rather than 0). `answers` are (onset in POSIX seconds, named)."""
    edges = week_edges(weeks, zone)
    groups: list[list[bool | None]] = [[] for _ in weeks]
    for seconds, answer in answers:
        which = week_of(edges, seconds)
        if which is not None:
            groups[which].append(answer)
    return [
        (week, patterns.shares((patterns.tally(group), (0, 0)))[0])
        for week, group in zip(weeks, groups, strict=True)
    ]
