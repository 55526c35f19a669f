"""The demo person's core beliefs, re-rated over months as they ease (with a harder
stretch showing up in the ratings too), and passages of their origin story linked to a
belief, a recurring pattern and a trigger. All prose written for this project.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from earned import origin_links
from earned.demo.story import evening, hardness, iso, new_id

_END_MARGIN = 2  # days before the end of the span the last rating may fall


@dataclass(frozen=True)
class _Belief:
    belief: str
    alternative: str
    evidence_for: str
    evidence_against: str
    origin: str
    first_day: float  # fraction of the span it was written
    every: int | None  # days between re-ratings the person chose
    strength: tuple[float, float]  # first → last, before wobble
    alternative_strength: tuple[float, float]


BELIEFS = (
    _Belief(
        "If I ask for what I need, people pull away.",
        "Some people stay when I ask, and the ones who matter most have stayed.",
        "Sam went quiet the evening I asked him to call more. My last partner left after I "
        "said I felt lonely.",
        "Maya came over the night I asked. Sam did call more once he understood why it "
        "mattered. My sister says she likes being asked.",
        "Asking for comfort worked best when I had been very good and very quiet first.",
        0.06,
        14,
        (86, 44),
        (15, 60),
    ),
    _Belief(
        "I'm too much for people.",
        "My feelings are ordinary, and the right people can hold them.",
        "Maya changed the subject when I cried. I talk a lot when I'm nervous.",
        "Maya hugged me the next time and said she'd been caught off guard. Friends keep "
        "inviting me.",
        "Crying was allowed only for a little while; then it was time to be brave.",
        0.18,
        28,
        (78, 41),
        (20, 55),
    ),
    _Belief(
        "When someone goes quiet, I've done something wrong.",
        "People go quiet for their own reasons, most of them nothing to do with me.",
        "Twice this year a silence did follow an argument.",
        "Most silences this year were work, tiredness or a flat phone battery.",
        "I watched my mother's face to know which version of her I would get.",
        0.45,
        21,
        (72, 50),
        (25, 48),
    ),
)


def _strength(
    f: float, span: tuple[float, float], bump: float, rng: random.Random, spread: float = 4
) -> int:
    """A point on the easing line at fraction `f` of the belief's own time, lifted in a
    harder stretch, with a little wobble."""
    start, end = span
    value = start + (end - start) * f + 40 * bump + rng.gauss(0, spread)
    return max(0, min(100, round(value)))


def _sentence(body: str, n: int) -> str:
    """The `n`th sentence of `body` (counting round), as written in it."""
    parts = body.split(". ")
    chosen = parts[n % len(parts)]
    return chosen if chosen.endswith(".") or n % len(parts) == len(parts) - 1 else chosen + "."


def beliefs(
    rng: random.Random,
    start: datetime,
    span_days: int,
    stretches: list[tuple[float, float, float]],
    entries: list[dict[str, Any]],
    moments: dict[str, list[dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """The three sections (beliefs, belief_ratings, origin_links), in export order."""
    end = start + timedelta(days=span_days - _END_MARGIN)
    origins = [e for e in entries if e["kind"] == "origin"]
    made: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    for n, b in enumerate(BELIEFS):
        day = int(span_days * b.first_day) + rng.randint(0, 6)
        created = evening(start + timedelta(days=day), rng)
        belief_id = new_id(rng)
        first_origin = origins[0] if origins and n == 0 else None
        made.append(
            {
                "id": belief_id,
                "belief": b.belief,
                "origin": b.origin,
                "origin_entry_id": first_origin["id"] if first_origin else None,
                "evidence_for": b.evidence_for,
                "evidence_against": b.evidence_against,
                "alternative": b.alternative,
                "rerate_days": b.every,
                "created_at": iso(created),
                "updated_at": iso(created + timedelta(minutes=rng.randint(0, 40))),
                "archived": False,
            }
        )
        # Re-rated roughly on schedule, sometimes days later, now and then a gap of weeks:
        # nothing counts the gaps, and the easing shows through them.
        when = created
        own_span = (end - created).total_seconds()
        while when <= end:
            f = (when - created).total_seconds() / own_span if own_span > 0 else 1.0
            bump = hardness((when - start).days / span_days, stretches)
            with_alternative = when != created or rng.random() < 0.5
            ratings.append(
                {
                    "id": new_id(rng),
                    "client_token": None,
                    "belief_id": belief_id,
                    "rated_at": iso(when),
                    "strength": _strength(f, b.strength, bump, rng),
                    "alternative_strength": (
                        _strength(f, b.alternative_strength, -bump, rng)
                        if with_alternative
                        else None
                    ),
                    "note": "a harder week" if bump > 0.2 and rng.random() < 0.5 else None,
                }
            )
            gap = (b.every or 21) + rng.randint(0, 5)
            if rng.random() < 0.12:
                gap += rng.randint(14, 40)
            when = evening(when + timedelta(days=gap), rng)

    links: list[dict[str, Any]] = []
    if origins:
        story = origins[0]
        story_at = datetime.fromisoformat(story["created_at"])
        triggers = [a for a in moments.get("activations", []) if a.get("trigger")]
        chosen = [("belief", made[0]["id"])]
        pattern = next((a["pattern"] for a in moments.get("activations", []) if a["pattern"]), None)
        if pattern:
            chosen.append(("pattern", origin_links.pattern_key(pattern["fear"], pattern["urge"])))
        if triggers:
            chosen.append(("trigger", triggers[-1]["trigger"]))
        for n, (kind, target) in enumerate(chosen):
            linked = max(story_at, datetime.fromisoformat(made[0]["created_at"]))
            linked += timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
            links.append(
                {
                    "id": new_id(rng),
                    "entry_id": story["id"],
                    "passage": _sentence(story["body"], n),
                    "target_kind": kind,
                    "target": target,
                    "created_at": iso(min(linked, end)),
                }
            )

    def ordered(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (r[key], r["id"]))

    return {
        "beliefs": ordered(made, "created_at"),
        "belief_ratings": ordered(ratings, "rated_at"),
        "origin_links": ordered(links, "created_at"),
    }
