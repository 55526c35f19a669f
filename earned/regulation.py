"""Regulation practices: breathing patterns, grounding steps, practice counts, and the
self-soothing toolkit ranked by what actually brings intensity down for this person.

Counts are per calendar week and never form a streak: a missed day changes nothing.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from earned.errors import EarnedError


@dataclass(frozen=True)
class Phase:
    name: str  # "in", "hold", "out", "rest"
    seconds: float
    label: str


@dataclass(frozen=True)
class Breathing:
    key: str
    title: str
    description: str
    phases: tuple[Phase, ...]

    @property
    def cycle_seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    @property
    def breaths_per_minute(self) -> float:
        return 60 / self.cycle_seconds


BREATHING: dict[str, Breathing] = {
    b.key: b
    for b in (
        Breathing(
            "box",
            "Box breathing",
            "Four equal sides: in, hold, out, hold, four counts each. Steady and simple.",
            (
                Phase("in", 4, "Breathe in"),
                Phase("hold", 4, "Hold"),
                Phase("out", 4, "Breathe out"),
                Phase("rest", 4, "Hold"),
            ),
        ),
        Breathing(
            "478",
            "4-7-8 breathing",
            "In for 4, hold for 7, out slowly for 8. The long out-breath helps the body slow down.",
            (
                Phase("in", 4, "Breathe in"),
                Phase("hold", 7, "Hold"),
                Phase("out", 8, "Breathe out slowly"),
            ),
        ),
        Breathing(
            "coherent",
            "Coherent breathing",
            "Even breaths of about 5.5 seconds in and 5.5 out: roughly 5.5 breaths a minute.",
            (Phase("in", 5.45, "Breathe in"), Phase("out", 5.45, "Breathe out")),
        ),
    )
}

DURATIONS_MINUTES = (1, 2, 3, 5, 10)
PRACTICE_KINDS: dict[str, str] = {
    "breathing-box": "Box breathing",
    "breathing-478": "4-7-8 breathing",
    "breathing-coherent": "Coherent breathing",
    "grounding": "5-4-3-2-1 grounding",
    "mindfulness": "Mindfulness timer",
    "body-scan": "Body scan",
    "movement": "Movement",
}
MAX_PRACTICE_SECONDS = 4 * 3600


def check_practice(kind: str, seconds: int) -> None:
    if kind not in PRACTICE_KINDS:
        raise EarnedError("Unknown practice.")
    if not 0 < seconds <= MAX_PRACTICE_SECONDS:
        raise EarnedError("A practice lasts between a second and four hours.")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_counts(
    times: Iterable[datetime], *, today: date, weeks: int = 8
) -> list[tuple[date, int]]:
    """Practices per week (Monday start), oldest first, the current week last.

    Deliberately no streak: each week stands on its own and an empty one is just zero.
    """
    counts = Counter(week_start(t.date()) for t in times)
    this_week = week_start(today)
    return [
        (this_week - timedelta(weeks=i), counts.get(this_week - timedelta(weeks=i), 0))
        for i in reversed(range(weeks))
    ]


@dataclass(frozen=True)
class ToolUse:
    tool_id: str
    before: int
    after: int
    used_at: datetime

    @property
    def drop(self) -> int:
        return self.before - self.after


@dataclass(frozen=True)
class ToolRank:
    tool_id: str
    name: str
    uses: int
    median_drop: float | None


def rank_tools(tools: dict[str, str], uses: Iterable[ToolUse]) -> list[ToolRank]:
    """Tools by the median intensity drop they gave; untried tools last, by name."""
    drops: dict[str, list[int]] = {tid: [] for tid in tools}
    for use in uses:
        if use.tool_id in drops:
            drops[use.tool_id].append(use.drop)
    ranks = [
        ToolRank(tid, name, len(drops[tid]), statistics.median(drops[tid]) if drops[tid] else None)
        for tid, name in tools.items()
    ]
    return sorted(
        ranks,
        key=lambda r: (r.median_drop is None, -(r.median_drop or 0), -r.uses, r.name.lower()),
    )
