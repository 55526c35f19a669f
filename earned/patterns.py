"""Naming the pattern: the emotion vocabulary grid, and recurring patterns with their trend.

The vocabulary (earned/content/emotions.toml) places each word on pleasantness × energy;
the picker offers a quadrant, then its words, or a typed search. Recurring patterns group
activations by (fear, urge) of their pattern sentence and rank by frequency; the trend
compares the last four weeks with the four before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Literal

from earned import content
from earned.episodes import Activation


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
    window = timedelta(days=window_days)
    counts: Counter[tuple[str, str]] = Counter()
    recent: Counter[tuple[str, str]] = Counter()
    before: Counter[tuple[str, str]] = Counter()
    last: dict[tuple[str, str], datetime] = {}
    for a in activations:
        if a.pattern is None:
            continue
        key = (normalise(a.pattern.fear), normalise(a.pattern.urge))
        if not all(key):
            continue
        counts[key] += 1
        age = now - a.onset_at
        if timedelta(0) <= age < window:
            recent[key] += 1
        elif window <= age < 2 * window:
            before[key] += 1
        if key not in last or a.onset_at > last[key]:
            last[key] = a.onset_at
    ranked = [
        Recurring(fear, urge, n, recent[(fear, urge)], before[(fear, urge)], last[(fear, urge)])
        for (fear, urge), n in counts.items()
        if n >= 2
    ]
    return sorted(ranked, key=lambda r: (-r.count, -r.last_seen.timestamp(), r.fear))


def _windows(
    activations: Iterable[Activation], now: datetime, window_days: int
) -> tuple[list[Activation], list[Activation]]:
    """Activations of the last `window_days` and of the same span before that."""
    window = timedelta(days=window_days)
    recent: list[Activation] = []
    before: list[Activation] = []
    for a in activations:
        age = now - a.onset_at
        if timedelta(0) <= age < window:
            recent.append(a)
        elif window <= age < 2 * window:
            before.append(a)
    return recent, before


def named_counts(
    activations: Iterable[Activation], *, now: datetime, window_days: int = 28
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(named in the moment, answered) for the recent window and the one before it.

    Only activations whose "named in the moment?" question was answered count: a moment
    logged with intensity alone says nothing either way, so it is left out rather than
    counted as not named.
    """
    out: list[tuple[int, int]] = []
    for group in _windows(activations, now, window_days):
        answered = [a for a in group if a.named_in_moment is not None]
        out.append((sum(1 for a in answered if a.named_in_moment), len(answered)))
    return out[0], out[1]


def named_share(
    activations: Iterable[Activation], *, now: datetime, window_days: int = 28
) -> tuple[float | None, float | None]:
    """Share (0–1) of activations named while they happened: recent window, window before.

    None for a window with no answered activations (no data is not the same as 0%).
    """
    (named_r, answered_r), (named_b, answered_b) = named_counts(
        activations, now=now, window_days=window_days
    )
    return (
        named_r / answered_r if answered_r else None,
        named_b / answered_b if answered_b else None,
    )
