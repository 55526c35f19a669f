"""Scales: numbers and dates to positions, and the ticks a person can read.

Pure functions over floats and dates; nothing here knows about SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, most: int) -> float:
    """The smallest step of the form {1, 2, 2.5, 5} × 10^k that cuts `span` into at most
    `most` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    # A span near the smallest float divides to 0 (or a subnormal whose power of ten is
    # 0): no chart is drawn that fine, so the step never goes below 1e-300 (hypothesis
    # found 0 to 5e-324).
    raw = max(span / max(1, most), 1e-300)
    power = 10.0 ** math.floor(math.log10(raw))
    for m in NICE_STEPS:
        if m * power >= raw - 1e-12 * power:
            return m * power
    return 10 * power


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round tick values covering [lo, hi] (both included when they fall on a step)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        return [lo]
    step = nice_step(hi - lo, most)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


@dataclass(frozen=True)
class Linear:
    """Maps the domain [d0, d1] onto the range [r0, r1] (r0 > r1 for a y axis)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)

    def ticks(self, most: int = 6) -> list[float]:
        return nice_ticks(self.d0, self.d1, most)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Dates:
    """Maps days from `first` to `last` onto [r0, r1]; a single day sits in the middle."""

    first: date
    last: date
    r0: float
    r1: float

    def __call__(self, value: date | datetime) -> float:
        span = (self.last - self.first).days
        if span == 0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (_day(value) - self.first).days / span * (self.r1 - self.r0)

    def ticks(self, most: int = 6) -> list[tuple[date, str]]:
        return date_ticks(self.first, self.last, most)


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def date_ticks(first: date, last: date, most: int = 6) -> list[tuple[date, str]]:
    """Ticks at whole days, weeks, months, quarters or years, whichever gives at most
    `most` ticks in [first, last], each with its label ("3 Mar", "Mar 2026", "2026").
    When the span crosses a year, the first month tick and each January name their year."""
    if last < first:
        first, last = last, first
    days = (last - first).days
    crosses_year = first.year != last.year
    if days <= most:
        step_days = 1
    elif days <= 7 * most:
        step_days = 7
    else:
        step_days = 0
    if step_days:
        out = []
        d = first
        while d <= last:
            fmt = "%-d %b %Y" if crosses_year else "%-d %b"
            out.append((d, d.strftime(fmt)))
            d += timedelta(days=step_days)
        return out
    months = _months_between(first, last)
    for every in (1, 2, 3, 6, 12, 24, 60):
        if months // every + 1 <= most:
            break
    start = _add_months(date(first.year, first.month, 1), 0 if first.day == 1 else 1)
    if every >= 12:
        start = date(first.year if (first.month, first.day) == (1, 1) else first.year + 1, 1, 1)
    elif every > 1:
        offset = (-(start.month - 1)) % every  # quarters and halves start with the year
        start = _add_months(start, offset)
    ticks: list[tuple[date, str]] = []
    d = start
    while d <= last:
        if every >= 12:
            label = str(d.year)
        elif crosses_year or every > 1:
            label = d.strftime("%b %Y") if (d.month == 1 or not ticks) else d.strftime("%b")
        else:
            label = d.strftime("%b")
        ticks.append((d, label))
        d = _add_months(d, every)
    return ticks
