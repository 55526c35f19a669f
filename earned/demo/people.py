"""The demo person's people ledger: five people rated now and then over the span, ruptures
with some of them and their repairs, and their moments linked to the ledger.

Sam, the partner, starts hard to rely on and becomes steadier (with dips in the harder
stretches); Maya, Jo and Ruth are steady from the start; Priya is in between. Ruptures
come more often in the harder stretches and are repaired faster as time goes on; the
latest is not repaired yet. All prose below is written for this project.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from earned.demo.story import evening, hardness, iso, new_id, trend

# name, role, note, (consistency, availability, safety) at the start and at the end,
# days between ratings.
_People = tuple[str, str, str | None, tuple[float, float, float], tuple[float, float, float], int]
PEOPLE: tuple[_People, ...] = (
    ("Sam", "partner", "Together two years.", (2.4, 2.2, 2.8), (3.9, 4.1, 4.0), 21),
    ("Maya", "friend", "Friends since university.", (4.4, 4.0, 3.8), (4.6, 4.3, 4.4), 35),
    ("Jo", "family", "My sister.", (4.2, 4.2, 4.5), (4.4, 4.5, 4.6), 45),
    ("Priya", "colleague", None, (3.2, 3.0, 3.0), (3.6, 3.4, 3.5), 60),
    ("Ruth", "therapist", "Tuesdays, every other week.", (4.8, 4.5, 4.8), (5.0, 4.8, 5.0), 56),
)
RATING_NOTES = (
    "A steady week.",
    "They showed up when I asked.",
    "Harder to reach this time.",
    "We talked it through.",
    None,
    None,
    None,
)
# (person, what happened, how the repair went)
RUPTURES: tuple[tuple[str, str, str], ...] = (
    (
        "Sam",
        "He cancelled dinner at the last minute and I went cold on him.",
        "We talked the next evening; he explained and I said how it landed.",
    ),
    (
        "Sam",
        "I sent a string of messages while he was at work and he snapped at me.",
        "He apologised for the tone, I said what I had been afraid of.",
    ),
    (
        "Sam",
        "We argued about spending the holidays apart.",
        "We agreed on a plan that gave each of us a few days.",
    ),
    (
        "Sam",
        "He forgot something I had asked him to remember.",
        "He brought it up himself, which meant a lot.",
    ),
    (
        "Sam",
        "I went quiet for a day instead of saying I was hurt.",
        "I told him what was going on; he listened without fixing.",
    ),
    (
        "Maya",
        "She joked about my moods in front of friends.",
        "I told her it stung; she got it straight away.",
    ),
    (
        "Maya",
        "I missed her birthday drinks without saying why.",
        "I called and explained; we made another plan.",
    ),
    (
        "Jo",
        "We fell out over how to help our dad.",
        "We each said what we were scared of, and split the tasks.",
    ),
)


def _score(rng: random.Random, value: float) -> int:
    return min(5, max(1, round(value + rng.gauss(0, 0.35))))


def people_ledger(
    rng: random.Random,
    start: datetime,
    span_days: int,
    stretches: list[tuple[float, float, float]],
    activations: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """The three ledger sections in export form; links `activations` (export form, by the
    name in their `person`) to the people they name."""
    end = start + timedelta(days=span_days)
    persons: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    by_name: dict[str, str] = {}
    for n, (name, role, note, first, last, every) in enumerate(PEOPLE):
        created = evening(start + timedelta(days=2 + 3 * n), rng)
        person_id = new_id(rng)
        by_name[name] = person_id
        persons.append(
            {
                "id": person_id,
                "name": name,
                "role": role,
                "note": note,
                "created_at": created,
                "archived": False,
            }
        )
        day = 2 + 3 * n
        while day < span_days - 1:
            f = day / span_days
            dip = hardness(f, stretches) * (2.0 if name == "Sam" else 0.6)
            c, a, s = (trend(f, lo, hi) - dip for lo, hi in zip(first, last, strict=True))
            rated = max(created, evening(start + timedelta(days=day), rng))
            if rated < end:
                ratings.append(
                    {
                        "id": new_id(rng),
                        "client_token": None,
                        "person_id": person_id,
                        "rated_at": rated,
                        "consistency": _score(rng, c),
                        "availability": _score(rng, a),
                        "safety": _score(rng, s),
                        "note": rng.choice(RATING_NOTES),
                    }
                )
            day += every + rng.randint(-4, 4)

    ruptures: list[dict[str, Any]] = []
    spots = sorted(rng.uniform(0.08, 0.95) for _ in RUPTURES)
    for (name, what, outcome), f in zip(RUPTURES, spots, strict=True):
        happened = evening(start + timedelta(days=int(f * span_days)), rng)
        # Repairs come sooner as time goes on: days early, hours later.
        hours = max(2.0, rng.gauss(trend(f, 60, 10), 6)) * (1 + hardness(f, stretches))
        repaired = happened + timedelta(hours=hours)
        reached = rng.choices(["me", "them", "both"], weights=[trend(f, 3, 1), 1, trend(f, 1, 3)])
        ruptures.append(
            {
                "id": new_id(rng),
                "client_token": None,
                "person_id": by_name[name],
                "person_name": name,
                "happened_at": happened,
                "what": what,
                "reached_out": reached[0],
                "repaired_at": repaired,
                "outcome": outcome,
                "created_at": happened + timedelta(minutes=rng.randint(20, 180)),
                "updated_at": repaired + timedelta(minutes=rng.randint(5, 60)),
            }
        )
    latest = max(ruptures, key=lambda r: r["happened_at"])  # the newest is still open
    latest.update(repaired_at=None, outcome=None, reached_out="not_yet")
    latest["updated_at"] = latest["created_at"]
    for r in ruptures:
        if r["updated_at"] > end or r["created_at"] > end:
            r["updated_at"] = r["created_at"] = min(end, r["happened_at"])
            r.update(repaired_at=None, outcome=None, reached_out="not_yet")

    for moment in activations:
        if moment.get("person") in by_name:
            moment["person_id"] = by_name[moment["person"]]

    def ordered(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        records.sort(key=lambda r: (r[key], r["id"]))
        return [
            {k: iso(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in records
        ]

    return {
        "people": ordered(persons, "created_at"),
        "person_ratings": ordered(ratings, "rated_at"),
        "ruptures": ordered(ruptures, "happened_at"),
    }
