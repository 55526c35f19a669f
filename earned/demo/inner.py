"""The demo person's inner practices (roadmap steps 6 and 9): a parts map of four parts
(one put away late on), the loudest part noted in more moments as the months go by,
secure-figure visualisations and self-compassion breaks a few times a month with gaps,
and a few compassionate letters. All prose is written for this project.

It has its own random generator (seeded from the demo's seed), so adding these records
leaves every other section of the demo exactly as it was.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from earned.demo.story import evening, iso, new_id, trend

# (name, protects, fears, needs, relations, the urges of the moments it is loudest in,
#  added at this fraction of the span, put away at this fraction or None)
PARTS: tuple[tuple[str, str, str, str, str, tuple[str, ...], float, float | None], ...] = (
    (
        "The watcher",
        "Me, from being caught off guard by someone leaving.",
        "That if it stops scanning for signs, Sam will slip away without warning.",
        "To be told it has done its job well, and that I can notice things too now.",
        "Teams up with the reacher; gets impatient with the quiet one.",
        ("send another text", "check their phone or profile"),
        0.03,
        None,
    ),
    (
        "The reacher",
        "The closeness I have; it keeps the line to people open.",
        "Being forgotten, or mattering less than I thought.",
        "Warmth it does not have to chase: a steady answer, a hand on my back.",
        "Clashes with the quiet one, who wants to disappear when it gets loud.",
        ("pick a fight", "send another text"),
        0.05,
        None,
    ),
    (
        "The quiet one",
        "Me, from being too much for people I love.",
        "That my feelings will drive people away if they see all of them.",
        "Permission to take up some room, in small doses.",
        "Often shuts the reacher up; softer when my secure figure is near.",
        ("apologise and go quiet", "withdraw and go quiet"),
        0.1,
        None,
    ),
    (
        "The critic",
        "Me, from being hurt by getting there first with the harsh words.",
        "That without it I would get careless and be rejected.",
        "To hear it can rest; I am looking after things in kinder ways now.",
        "Used to run the show after every activation; quieter since the letters.",
        ("apologise and go quiet",),
        0.18,
        0.82,
    ),
)
SECURE_FIGURE_NOTES = (
    "My figure was an old oak at first, then my grandmother's voice. Both felt steady.",
    "Hard to picture anything today, but the warmth step still landed a little.",
    'She said "you are allowed to rest" and I cried, the good kind.',
    "After the argument with Sam: the figure stayed while it eased. Took about ten minutes.",
    "Met the younger me at the kitchen table. She was wary, then let the figure sit with her.",
    "Used the hand-on-chest sign at work before a meeting. It helped.",
)
BREAK_NOTES = (
    (
        "Notice that this hurts: My chest is tight and I feel silly for minding.",
        "Remember you are not alone: Lots of people feel this when a message goes unanswered.",
        "Offer yourself kindness: It makes sense this hurts. I'm here with you.",
    ),
    (
        "Notice that this hurts: This is shame, hot in my face.",
        "Remember you are not alone: Everyone has said something they wished they could take back.",
        "Offer yourself kindness: You were tired. You can repair this tomorrow.",
    ),
    (
        "Notice that this hurts: Lonely tonight.",
        "Offer yourself kindness: Tea, a blanket, and no more scrolling.",
    ),
)
LETTERS = (
    (
        "something-you-judge",
        0.25,
        "Dear you,\n\nI know how hard you have been on yourself about the texts you sent last "
        "week. I also know where that urgency comes from: a long time of waiting for people who "
        "did not come back when they said they would. Of course part of you reaches out fast. "
        "It is trying to keep you safe.\n\nYou are learning another way, slowly, and slowly is "
        "fine. I am proud of the evening you waited an hour before replying.\n\nWith love,\nme",
    ),
    (
        "younger-you",
        0.55,
        "Dear little one,\n\nYou deserved someone who noticed when you went quiet. You were "
        "not too much; the grown-ups around you were stretched thin. I see you now, and I am "
        "staying.",
    ),
    (
        "after-a-setback",
        0.76,
        "Dear you,\n\nThis was a hard few weeks and the old patterns came back loud. That does "
        "not wipe out the work. You noticed them sooner this time, you named the watcher, and "
        "you came back to your practices. That is what growth in a spiral looks like.",
    ),
)


def _parts(
    rng: random.Random, start: datetime, span_days: int
) -> tuple[list[dict[str, Any]], dict[str, list[tuple[str, datetime]]]]:
    """The parts, and for each urge the (part id, added at) of the parts it may show."""
    out: list[dict[str, Any]] = []
    by_urge: dict[str, list[tuple[str, datetime]]] = {}
    end = start + timedelta(days=span_days)
    for name, protects, fears, needs, relations, urges, added, away in PARTS:
        created = evening(start + timedelta(days=int(added * span_days)), rng)
        updated = created + timedelta(days=rng.randint(0, 40))
        if away is not None:
            updated = evening(start + timedelta(days=int(away * span_days)), rng)
        part_id = new_id(rng)
        out.append(
            {
                "id": part_id,
                "name": name,
                "protects": protects,
                "fears": fears,
                "needs": needs,
                "relations": relations,
                "created_at": created,
                "updated_at": min(end, updated),
                "archived": away is not None,
            }
        )
        for urge in urges:
            by_urge.setdefault(urge, []).append((part_id, created))
    return out, by_urge


def _sessions(
    rng: random.Random, start: datetime, span_days: int, kind: str, first: float, rate: float
) -> list[dict[str, Any]]:
    """Practices of `kind` from fraction `first` on, about `rate` a week, with a gap."""
    gap = rng.randint(int(span_days * 0.35), int(span_days * 0.45))
    end = start + timedelta(days=span_days)
    out = []
    for day in range(int(first * span_days), span_days):
        if gap <= day < gap + 14 or rng.random() >= rate / 7 * trend(day / span_days, 0.7, 1.3):
            continue
        started = start + timedelta(days=day, hours=rng.choice((7, 12, 20, 21)))
        started += timedelta(minutes=rng.randint(0, 59))
        if kind == "secure-figure":
            seconds = rng.choice((180, 600, 420, 720)) + rng.randint(-30, 90)
            note = rng.choice(SECURE_FIGURE_NOTES) if rng.random() < 0.3 else None
        else:
            seconds = rng.randint(150, 480)
            chosen = rng.choice(BREAK_NOTES) if rng.random() < 0.35 else None
            note = "\n".join(chosen) if chosen else None
        if started + timedelta(seconds=seconds) > end:
            continue
        out.append(
            {
                "id": new_id(rng),
                "client_token": None,
                "kind": kind,
                "started_at": iso(started),
                "seconds": seconds,
                "note": note,
            }
        )
    return out


def add_inner(data: dict[str, Any], *, seed: int, start: datetime, span_days: int) -> None:
    """Add the inner practices to the demo `data` (an export), keeping each list in the
    order reports.tables.dump and export.snapshot write it."""
    rng = random.Random(f"inner-practices:{seed}")  # noqa: S311 - invented data, reproducible
    parts, by_urge = _parts(rng, start, span_days)
    for a in data["activations"]:
        onset = datetime.fromisoformat(a["onset_at"])
        f = (onset - start).total_seconds() / (span_days * 86400)
        known = [pid for pid, added in by_urge.get(a.get("urge") or "", []) if added < onset]
        if known and rng.random() < trend(f, 0.15, 0.65):
            a["part_id"] = rng.choice(known)
    data["parts"] = [
        {k: iso(v) if isinstance(v, datetime) else v for k, v in p.items()}
        for p in sorted(parts, key=lambda p: (p["created_at"], p["id"]))
    ]
    practices = data["practices"]
    practices += _sessions(rng, start, span_days, "secure-figure", 0.12, 1.0)
    practices += _sessions(rng, start, span_days, "compassion-break", 0.08, 1.5)
    practices.sort(key=lambda p: (p["started_at"], p["id"]))
    end = start + timedelta(days=span_days)
    for prompt, f, body in LETTERS:
        created = min(end, evening(start + timedelta(days=int(f * span_days)), rng))
        data["entries"].append(
            {
                "id": new_id(rng),
                "kind": "letter",
                "prompt": prompt,
                "body": body,
                "created_at": iso(created),
                "updated_at": iso(created),
            }
        )
    data["entries"].sort(key=lambda e: (e["created_at"], e["id"]))
