"""The demo's WHO-5 check-ins, SCS-SF results and one ECR-R: answer sets whose scores drift
gently upward over the span, so the result pages have a history to show.

Drawn from their own random stream (seeded from the demo's seed), so adding them changes
none of the demo's other records.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from earned import instruments
from earned.demo.story import evening, iso, new_id

WHO5_EVERY_DAYS = 45  # a check-in every six weeks or so, with gaps
SCS_SF_DAYS = (0.3, 0.8)  # two SCS-SF results, months apart (fractions of the span)
ECR_R_DAY = 0.6


def _keyed(instrument_id: str, rng: random.Random, level: float) -> list[int]:
    """Answers to every item whose keyed values sit near `level` (reverse items mirrored
    back to what a person would tick)."""
    inst = instruments.load(instrument_id)
    out = []
    for item in inst.items:
        keyed = round(level + rng.gauss(0, 0.6))
        keyed = min(inst.scale.max, max(inst.scale.min, keyed))
        out.append(inst.scale.reverse(keyed) if item.reverse else keyed)
    return out


def _record(
    rng: random.Random, instrument_id: str, began: datetime, values: list[int]
) -> dict[str, Any]:
    when = began
    answers = []
    for number, value in enumerate(values, start=1):
        when += timedelta(seconds=rng.randint(5, 20))
        answers.append({"item": number, "value": value, "answered_at": iso(when)})
    return {
        "id": new_id(rng),
        "instrument": instrument_id,
        "started_at": iso(began),
        "completed_at": iso(when + timedelta(seconds=rng.randint(2, 9))),
        "answers": answers,
    }


def questionnaires(seed: int, start: datetime, span_days: int) -> list[dict[str, Any]]:
    """A few WHO-5 check-ins, two SCS-SF results months apart and one ECR-R."""
    rng = random.Random(f"{seed}-instruments")  # noqa: S311 - invented, reproducible data
    out = []
    day = rng.randint(10, 30)
    while day < span_days - 7:
        f = day / span_days
        # WHO-5 items 0-5: from about 2 (a heavy start) towards about 3.5.
        values = _keyed("who5", rng, 2.0 + 1.5 * f)
        out.append(_record(rng, "who5", evening(start + timedelta(days=day), rng), values))
        day += WHO5_EVERY_DAYS + rng.randint(-10, 25)
    for f in SCS_SF_DAYS:
        day = int(f * span_days)
        values = _keyed("scssf", rng, 2.2 + 1.2 * f)  # self-compassion grows with practice
        out.append(_record(rng, "scssf", evening(start + timedelta(days=day), rng), values))
    day = int(ECR_R_DAY * span_days)
    out.append(
        _record(rng, "ecrr", evening(start + timedelta(days=day), rng), _keyed("ecrr", rng, 3.6))
    )
    return out
