"""Naming the pattern: the emotion vocabulary grid, and recurring patterns with their trend.

The vocabulary (earned/content/emotions.toml) places each word on pleasantness × energy;
a moment's page shows the words as a map of four quadrants (earned/web/emotion_map.py
places them), with a typed search. Recurring patterns group
activations by (fear, urge) of their pattern sentence and rank by frequency; the trend
compares the last four weeks with the four before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Literal

from earned import content
from earned.episodes import Activation, Pattern, pattern_of


@dataclass(frozen=True)
class Word:
    word: str
    pleasantness: int
    energy: int

    @property
    def quadrant(self) -> str:
        return quadrant_of(self.pleasantness, self.energy)


def quadrant_of(pleasantness: float, energy: float) -> str:
    return ("pleasant" if pleasantness > 0 else "unpleasant") + ("-high" if energy > 0 else "-low")


@cache
def vocabulary() -> tuple[Word, ...]:
    raw = content.load("emotions")["words"]
    return tuple(Word(w["word"], int(w["p"]), int(w["e"])) for w in raw)


@cache
def known_words() -> frozenset[str]:
    return frozenset(w.word for w in vocabulary())


def quadrants() -> dict[str, dict[str, str]]:
    q: dict[str, dict[str, str]] = content.load("emotions")["quadrants"]
    return q


def words_in(quadrant: str) -> list[Word]:
    """Words of one quadrant, most intense first (furthest from the centre)."""
    chosen = [w for w in vocabulary() if w.quadrant == quadrant]
    return sorted(chosen, key=lambda w: (-(w.pleasantness**2 + w.energy**2), w.word))


def search(text: str, limit: int = 12) -> list[Word]:
    """Words starting with `text` first, then words containing it."""
    needle = text.strip().lower()
    if not needle:
        return []
    starts = [w for w in vocabulary() if w.word.startswith(needle)]
    inside = [w for w in vocabulary() if needle in w.word and w not in starts]
    return (sorted(starts, key=lambda w: w.word) + sorted(inside, key=lambda w: w.word))[:limit]


def normalise(phrase: str) -> str:
    """Group 'Being Left.' with 'being left': lower case, single spaces, no end punctuation."""
    return " ".join(phrase.lower().split()).strip(" .!?,;")


Trend = Literal["rising", "falling", "steady", "new"]


@dataclass(frozen=True)
class Recurring:
    fear: str
    urge: str
    count: int
    recent: int  # in the last 28 days
    before: int  # in the 28 days before that
    last_seen: datetime

    @property
    def trend(self) -> Trend:
        if self.before == 0 and self.recent > 0:
            return "new" if self.count == self.recent else "rising"
        if self.recent > self.before:
            return "rising"
        if self.recent < self.before:
            return "falling"
        return "steady"


def recurring(
    activations: Iterable[Activation], *, now: datetime, window_days: int = 28
) -> list[Recurring]:
    """Patterns (same fear and urge) seen at least twice, most frequent first."""
    pairs = ((a.onset_at, a.pattern) for a in activations if a.pattern is not None)
    return recurring_pairs(pairs, now=now, window_days=window_days)


def recurring_from(
    rows: Iterable[tuple[datetime, Mapping[str, str] | None]], *, now: datetime
) -> list[Recurring]:
    """`recurring` from (onset, stored pattern parts) rows, as the store reads them."""
    found = ((onset, pattern_of(raw)) for onset, raw in rows)
    return recurring_pairs(((o, p) for o, p in found if p is not None), now=now)


def recurring_pairs(
    found: Iterable[tuple[datetime, Pattern]], *, now: datetime, window_days: int = 28
) -> list[Recurring]:
    """`recurring` from (onset, pattern) pairs, for callers that read only those columns."""
    window = timedelta(days=window_days)
    counts: Counter[tuple[str, str]] = Counter()
    recent: Counter[tuple[str, str]] = Counter()
    before: Counter[tuple[str, str]] = Counter()
    last: dict[tuple[str, str], datetime] = {}
    for onset, pattern in found:
        key = (normalise(pattern.fear), normalise(pattern.urge))
        if not all(key):
            continue
        counts[key] += 1
        age = now - onset
        if timedelta(0) <= age < window:
            recent[key] += 1
        elif window <= age < 2 * window:
            before[key] += 1
        if key not in last or onset > last[key]:
            last[key] = onset
    ranked = [
        Recurring(fear, urge, n, recent[(fear, urge)], before[(fear, urge)], last[(fear, urge)])
        for (fear, urge), n in counts.items()
        if n >= 2
    ]
    # The urge too: two patterns alike in all else kept the order the moments were read in.
    return sorted(ranked, key=lambda r: (-r.count, -r.last_seen.timestamp(), r.fear, r.urge))


def named_counts(
    activations: Iterable[Activation], *, now: datetime, window_days: int = 28
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(named in the moment, answered) for the recent window and the one before it.

    Only activations whose "named in the moment?" question was answered count: a moment
    logged with intensity alone says nothing either way, so it is left out rather than
    counted as not named.
    """
    pairs = ((a.onset_at, a.named_in_moment) for a in activations)
    return count_named(pairs, now=now, window_days=window_days)


def count_named(
    answers: Iterable[tuple[datetime, bool | None]], *, now: datetime, window_days: int = 28
) -> tuple[tuple[int, int], tuple[int, int]]:
    """`named_counts` from (onset, named in the moment) pairs."""
    window = timedelta(days=window_days)
    groups: tuple[list[bool | None], list[bool | None]] = ([], [])
    for onset, answer in answers:
        age = now - onset
        which = 0 if timedelta(0) <= age < window else 1 if window <= age < 2 * window else None
        if which is not None:
            groups[which].append(answer)
    return tally(groups[0]), tally(groups[1])


def tally(answers: Iterable[bool | None]) -> tuple[int, int]:
    """(named in the moment, answered): an unanswered question is left out, not counted
    as "not named"."""
    given = [answer for answer in answers if answer is not None]
    return sum(given), len(given)


def named_share(
    activations: Iterable[Activation], *, now: datetime, window_days: int = 28
) -> tuple[float | None, float | None]:
    """Share (0–1) of activations named while they happened: recent window, window before.

    None for a window with no answered activations (no data is not the same as 0%).
    """
    return shares(named_counts(activations, now=now, window_days=window_days))


def shares(
    counts: tuple[tuple[int, int], tuple[int, int]],
) -> tuple[float | None, float | None]:
    """(named, answered) pairs as shares; None where nothing was answered."""
    (named_r, answered_r), (named_b, answered_b) = counts
    return (
        named_r / answered_r if answered_r else None,
        named_b / answered_b if answered_b else None,
    )
