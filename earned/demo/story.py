"""The shape of the demo person's story over the span: two harder stretches on a trend
that changes faster early, and small helpers for ids and times shared by the records."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta


def hard_stretches(rng: random.Random) -> list[tuple[float, float, float]]:
    """Two setbacks as (centre, half-width, height), in fractions of the whole span."""
    return [
        (rng.uniform(0.33, 0.42), rng.uniform(0.06, 0.09), rng.uniform(0.45, 0.6)),
        (rng.uniform(0.66, 0.74), rng.uniform(0.05, 0.08), rng.uniform(0.35, 0.5)),
    ]


def hardness(f: float, stretches: list[tuple[float, float, float]]) -> float:
    """How much harder than the trend life is at fraction `f` (a sum of smooth bumps)."""
    total = 0.0
    for centre, half_width, height in stretches:
        x = (f - centre) / half_width
        if abs(x) < 1:
            total += height * math.cos(x * math.pi / 2) ** 2
    return total


def trend(f: float, start: float, end: float) -> float:
    """Faster change early, slower later, as practice settles in."""
    return start + (end - start) * (1 - math.pow(1 - f, 1.4))


def phase_of(f: float, hardness: float) -> str:
    if hardness > 0.15:
        return "hard"
    return "early" if f < 0.35 else "later"


def new_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def evening(day: datetime, rng: random.Random) -> datetime:
    minutes = rng.randint(18 * 60, 22 * 60 + 30)
    return day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=minutes)
