"""Regulation practices: breathing patterns, grounding steps and practice counts (the
self-soothing toolkit is earned.toolkit). Owns a practice's rules for new and imported records.

Counts are per calendar week and never form a streak: a missed day changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from earned import imported
from earned.errors import EarnedError
from earned.text import check_text


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
    # The inner practices (roadmap steps 6 and 9): earned/secure_figure.py, compassion_break.py.
    "secure-figure": "Secure figure visualisation",
    "compassion-break": "Self-compassion break",
}
SECURE_FIGURE = "secure-figure"
COMPASSION_BREAK = "compassion-break"
INNER_KINDS = (SECURE_FIGURE, COMPASSION_BREAK)  # what the roadmap home counts for steps 6, 9
MAX_PRACTICE_SECONDS = 4 * 3600
MAX_NOTE = 2000  # a practice's note: a paragraph about how it went
MAX_GROUND_NOTE = 300  # per sense in 5-4-3-2-1; five of them plus labels stay under MAX_NOTE


def check_practice(kind: object, seconds: object) -> None:
    if kind not in PRACTICE_KINDS:
        raise EarnedError("Unknown practice.")
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise EarnedError("A practice lasts a whole number of seconds.")
    if not 0 < seconds <= MAX_PRACTICE_SECONDS:
        raise EarnedError("A practice lasts between a second and four hours.")


def check_note(note: str | None) -> str | None:
    return check_text(note, "note", MAX_NOTE)


def _imported_kind(value: Any) -> str:
    if value not in PRACTICE_KINDS:
        raise EarnedError("The import file has a practice of an unknown kind.")
    return str(value)


def _imported_seconds(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 < value <= MAX_PRACTICE_SECONDS
    ):
        raise EarnedError("The import file has a practice with an impossible length.")
    return value


# Each stored column of an imported practice, besides its id and times, and its check.
IMPORTED: dict[str, imported.Check] = {
    "client_token": imported.token,
    "kind": _imported_kind,
    "seconds": _imported_seconds,
    "note": imported.optional(imported.string(check_note)),
}


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
