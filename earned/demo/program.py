"""The demo person's times of beginning again (step 10): one in each harder stretch, a few
weeks after it began, each with what they noticed and one small practice. All prose is
written for this project."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from earned.demo.story import evening, iso, new_id

NOTICED = (
    "Work has been relentless and I have been sleeping badly. The old checking is back: "
    "phone in hand every few minutes when he is out.",
    "Since my sister's wedding I have felt raw. I went quiet with everyone for a week, "
    "which is my old way of keeping safe.",
)
PRACTICES = ("breathe", "compassion")
NOTES = ("Five minutes before bed, nothing more.", "Start small. One break a day is plenty.")


def recommits(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> list[dict[str, Any]]:
    out = []
    for n, (centre, half_width, _height) in enumerate(stretches):
        day = int((centre - half_width / 2) * span_days) + rng.randint(14, 24)
        made = evening(start + timedelta(days=day), rng)
        out.append(
            {
                "id": new_id(rng),
                "client_token": None,
                "made_at": iso(made),
                "noticed": NOTICED[n % len(NOTICED)],
                "practice": PRACTICES[n % len(PRACTICES)],
                "note": NOTES[n % len(NOTES)],
            }
        )
    return out
