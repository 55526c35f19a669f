"""The demo person's in-the-moment records: activations with their timing and details,
urge-delay timers, practices, and a self-soothing toolkit in which some tools help more.
Every emotion word is one of earned's vocabulary (tests/test_demo.py checks).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from earned.demo.story import evening, hardness, iso, new_id, phase_of, trend

# --- in the moment -----------------------------------------------------------------------
# The recurring patterns of this invented person: each a (fear, urge) pair with the
# situations that set it off, the readings of them, the words for the feeling and where
# it sits in the body. Every emotion word is one of earned's vocabulary (a test checks).


@dataclass(frozen=True)
class _Pair:
    fear: str
    urge: str
    weights: tuple[float, float]  # how often, early → later in the span
    person: str
    tag: str
    triggers: tuple[str, ...]
    situations: tuple[str, ...]
    readings: tuple[str, ...]
    emotions: tuple[str, ...]
    body: tuple[str, ...]


PAIRS: tuple[_Pair, ...] = (
    _Pair(
        "being left",
        "send another text",
        (4.0, 2.2),
        "Sam",
        "sam",
        (
            "he didn't answer for three hours",
            "Sam left my message on read",
            "no goodnight text tonight",
            "his reply was one word",
            "he went quiet after our call",
            "Sam said he needed an early night, alone",
        ),
        ("the unanswered message", "his short reply", "the quiet evening", "the missed call"),
        ("a sign he is losing interest", "the start of him leaving", "proof I did something wrong"),
        ("abandoned", "panicked", "insecure", "desperate", "lonely", "dreading", "uneasy"),
        ("chest", "stomach", "throat", "hands"),
    ),
    _Pair(
        "being too much",
        "apologise and go quiet",
        (2.0, 1.8),
        "Maya",
        "maya",
        (
            "I cried in front of Maya and she changed the subject",
            "I asked for help and she sighed",
            "I talked about myself all through dinner",
            "I sent three messages in a row",
        ),
        ("her pause", "the change of subject", "her sigh"),
        ("her being tired of me", "a sign I ask for too much", "me being a burden again"),
        ("ashamed", "embarrassed", "exposed", "needy", "humiliated", "guilty"),
        ("throat", "head", "stomach", "shoulders"),
    ),
    _Pair(
        "being replaced",
        "check their phone or profile",
        (2.0, 1.2),
        "Sam",
        "sam",
        (
            "Sam mentioned his ex, twice",
            "he laughed at someone else's jokes all evening",
            "saw photos of a night out I wasn't invited to",
            "Maya went to the party without me",
        ),
        ("the photos", "his laughing with her", "the invitation I didn't get"),
        ("a sign someone better has turned up", "me being easy to forget"),
        ("jealous", "insecure", "rejected", "left out", "hurt", "suspicious"),
        ("stomach", "chest", "jaw"),
    ),
    _Pair(
        "being trapped",
        "withdraw and go quiet",
        (1.2, 1.8),
        "Sam",
        "sam",
        (
            "Sam asked about moving in together",
            "a whole weekend of plans with no time alone",
            "he wanted to talk about us again",
            "my sister called three times in a row",
        ),
        ("his question about the future", "the full weekend", "her calls"),
        ("losing myself", "a door closing behind me"),
        ("smothered", "trapped", "pressured", "overwhelmed", "crowded", "detached"),
        ("shoulders", "chest", "jaw", "back"),
    ),
    _Pair(
        "not mattering",
        "pick a fight",
        (1.5, 1.2),
        "Sam",
        "sam",
        (
            "Sam forgot what I told him yesterday",
            "he was on his phone while I was talking",
            "my news got a thumbs-up and nothing else",
            "nobody asked how my week was",
        ),
        ("him forgetting", "the thumbs-up", "his phone in his hand"),
        ("proof I don't matter to him", "a sign I am easy to overlook"),
        ("hurt", "invisible", "unseen", "resentful", "frustrated", "misunderstood", "angry"),
        ("jaw", "shoulders", "hands", "head"),
    ),
)

ACTIONS: dict[str, list[str]] = {
    "early": [
        "I sent the text anyway, then two more.",
        "I checked his profile twice and felt worse.",
        "I went quiet for the rest of the evening.",
        "I apologised, though I wasn't sure what for.",
        "I started an argument about something small.",
        "I lay awake replaying it.",
    ],
    "later": [
        "I named it, breathed for a few minutes, and waited.",
        "I put the phone in a drawer and went for a walk.",
        "I told Sam plainly what I was feeling.",
        "I put a hand on my chest and let the wave pass.",
        "I asked for a short break and came back to talk.",
        "I wrote it down here before deciding anything.",
        "I waited an hour, then replied kindly.",
    ],
    "hard": [
        "I sent two messages and regretted both.",
        "I picked a fight about nothing, then cried.",
        "I shut down and pretended I was fine.",
        "I tried the breathing but gave up halfway.",
    ],
}

# (name, typical intensity drop, spread, added at this fraction of the span, archived at)
TOOLS: tuple[tuple[str, float, float, float, float | None], ...] = (
    ("Cold water on my wrists", 2.4, 1.0, 0.02, None),
    ("Scrolling my phone", -0.3, 1.0, 0.0, 0.35),
    ("Walk around the block", 3.6, 1.1, 0.06, None),
    ("Call Maya", 2.0, 1.8, 0.12, None),
    ("Hand on my chest, slow breaths", 3.1, 0.9, 0.2, None),
    ("Weighted blanket and a playlist", 1.4, 0.9, 0.35, None),
)

PRACTICE_SECONDS: dict[str, tuple[int, int]] = {
    "breathing-box": (60, 300),
    "breathing-478": (60, 240),
    "breathing-coherent": (120, 600),
    "grounding": (90, 300),
    "mindfulness": (300, 1200),
    "body-scan": (600, 1500),
    "movement": (900, 3600),
}
PRACTICE_WEIGHTS = {  # early, later
    "breathing-box": (3, 1),
    "breathing-478": (1, 1),
    "breathing-coherent": (0.5, 2),
    "grounding": (2, 1),
    "mindfulness": (1, 3),
    "body-scan": (0.5, 2),
    "movement": (2, 2),
}
PRACTICE_NOTES = [
    "Hard to settle at first; easier by the end.",
    "My shoulders dropped about halfway through.",
    "Mind wandered a lot. Kept coming back.",
    "Did this before a difficult call.",
    "Felt lighter afterwards.",
    "Noticed the tightness in my chest loosen.",
]


def _mix(f: float, pair: tuple[float, float]) -> float:
    return pair[0] + (pair[1] - pair[0]) * f


def _chance(value: float) -> float:
    return min(0.95, max(0.03, value))


def _moment_time(day: datetime, rng: random.Random) -> datetime:
    """Mostly evenings, some mornings and afternoons, as activations tend to come."""
    first, last = rng.choices([(7, 10), (12, 17), (18, 23)], weights=[1, 2, 5])[0]
    minutes = rng.randint(first * 60, last * 60 + 30)
    return day.replace(hour=0, minute=0, second=0) + timedelta(minutes=minutes)


def _activation(
    rng: random.Random, onset: datetime, f: float, hard: float, end: datetime
) -> tuple[dict[str, Any], _Pair, int]:
    """One activation at `onset`; returns it, its pattern pair and its intensity."""
    pair = rng.choices(PAIRS, weights=[_mix(f, p.weights) for p in PAIRS])[0]
    if hard > 0.15:
        pair = rng.choice((PAIRS[0], PAIRS[0], PAIRS[3], pair))  # the old core fear returns
    phase = phase_of(f, hard)
    intensity = round(trend(f, 7.2, 4.4) + 3.0 * hard + rng.gauss(0, 1.3))
    intensity = min(10, max(1, intensity))

    # Recovery shortens with practice and lengthens in the hard stretches.
    minutes = trend(f, 105, 26) * (1 + 1.8 * hard) * (0.7 + 0.06 * intensity)
    minutes = max(3.0, minutes * math.exp(rng.gauss(0, 0.45)))
    settled: datetime | None = onset + timedelta(minutes=round(minutes))
    peak: datetime | None = None
    peak_intensity: int | None = None
    if rng.random() < 0.85:
        peak = onset + timedelta(minutes=rng.randint(1, max(1, min(25, round(minutes * 0.4)))))
        if rng.random() < 0.85:
            peak_intensity = min(10, intensity + rng.choice((0, 0, 1, 1, 2)))
    if settled is not None and (settled > end or rng.random() < 0.04):
        settled = None  # never marked settled: stays an open episode, never counted
    if peak is not None and peak > end:
        peak = peak_intensity = None

    quick = rng.random() < 0.08  # logged with intensity alone, details never added
    emotions = rng.sample(pair.emotions, k=rng.choice((1, 2, 2, 3)))
    named = rng.random() < _chance(trend(f, 0.15, 0.75) - 0.5 * hard)
    with_pattern = rng.random() < _chance(trend(f, 0.2, 0.7) - 0.2 * hard)
    pattern = {
        "feeling": emotions[0],
        "situation": rng.choice(pair.situations),
        "interpretation": rng.choice(pair.readings),
        "fear": pair.fear,
        "urge": pair.urge,
    }
    created = onset + timedelta(seconds=rng.randint(5, 240))
    last = max(t for t in (created, peak, settled) if t is not None)
    updated = min(end, last + timedelta(minutes=rng.randint(0, 30)))
    tags = [pair.tag] + (["weekend"] if onset.weekday() >= 5 else [])
    record = {
        "id": new_id(rng),
        "client_token": None,
        "onset_at": onset,
        "intensity": intensity,
        "trigger": None if quick else rng.choice(pair.triggers),
        "tags": [] if quick else tags,
        "body": [] if quick else rng.sample(pair.body, k=rng.randint(1, min(3, len(pair.body)))),
        "emotions": [] if quick else emotions,
        "urge": None if quick else pair.urge,
        "action": None if quick else rng.choice(ACTIONS[phase]),
        "person": None if quick else pair.person,
        "named_in_moment": None if quick else named,
        "pattern": pattern if with_pattern and not quick else None,
        "peak_at": peak,
        "peak_intensity": peak_intensity,
        "settled_at": settled,
        "created_at": created,
        "updated_at": max(created, updated),
        # Linked to the people ledger and the parts map by the demo's practice program.
        "person_id": None,
        "part_id": None,
    }
    return record, pair, intensity


def _urge_delay(
    rng: random.Random,
    started: datetime,
    urge: str,
    f: float,
    hard: float,
    end: datetime,
    activation_id: str | None,
) -> dict[str, Any]:
    """A timer started when the urge hit; held longer as the months go by."""
    acted = rng.random() < _chance(trend(f, 0.65, 0.18) + 0.45 * hard)
    outcome = "acted" if acted else rng.choice(("waited", "waited", "passed"))
    seconds = trend(f, 90, 1500) * max(0.25, 1 - 0.9 * hard) * (0.6 if acted else 1)
    seconds = min(4 * 3600, max(5, round(seconds * math.exp(rng.gauss(0, 0.6)))))
    ended = min(end, started + timedelta(seconds=seconds))
    return {
        "id": new_id(rng),
        "client_token": None,
        "urge": urge,
        "started_at": started,
        "ended_at": ended,
        "outcome": outcome,
        "activation_id": activation_id,
    }


def _practices(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> list[dict[str, Any]]:
    """A few practices a week, more as the habit forms; a few gaps of a week or two."""
    gaps = [(rng.randint(20, 80), rng.randint(7, 12))]
    centre = int(stretches[0][0] * span_days)  # practice lapses in the first hard stretch
    gaps.append((centre - rng.randint(0, 10), rng.randint(9, 16)))
    late = int(span_days * 0.8)  # a late gap; in a short span it may reach the last month
    gaps.append((rng.randint(late, max(late, span_days - 30)), rng.randint(7, 10)))
    end = start + timedelta(days=span_days)
    out = []
    for day in range(span_days):
        if any(first <= day < first + length for first, length in gaps):
            continue
        f = day / span_days
        if rng.random() >= trend(f, 0.2, 0.55):
            continue
        kinds = list(PRACTICE_WEIGHTS)
        kind = rng.choices(kinds, weights=[_mix(f, PRACTICE_WEIGHTS[k]) for k in kinds])[0]
        low, high = PRACTICE_SECONDS[kind]
        seconds = 600 if kind == "mindfulness" and rng.random() < 0.5 else rng.randint(low, high)
        hour = rng.choice((7, 8, 12, 21, 22))
        started = start.replace(hour=0, minute=0, second=0) + timedelta(
            days=day, hours=hour, minutes=rng.randint(0, 59)
        )
        if started < start or started + timedelta(seconds=seconds) > end:
            continue
        out.append(
            {
                "id": new_id(rng),
                "client_token": None,
                "kind": kind,
                "started_at": started,
                "seconds": seconds,
                "note": rng.choice(PRACTICE_NOTES) if rng.random() < 0.15 else None,
            }
        )
    return out


def _tool_use(
    rng: random.Random,
    tools: list[dict[str, Any]],
    spec: dict[str, tuple[float, float, float | None]],
    f: float,
    used_at: datetime,
    before: int,
) -> dict[str, Any] | None:
    """One use of a tool the person had at the time; over time they reach for what works."""
    usable = []
    for tool in tools:
        archived_at = spec[tool["id"]][2]
        if tool["created_at"] <= used_at and (archived_at is None or f < archived_at):
            usable.append(tool)
    if not usable:
        return None
    weights = [1 + f * max(0.0, spec[t["id"]][0]) for t in usable]
    tool = rng.choices(usable, weights=weights)[0]
    drop, spread, _archived_at = spec[tool["id"]]
    after = min(10, max(0, before - round(rng.gauss(drop, spread))))
    return {
        "id": new_id(rng),
        "client_token": None,
        "tool_id": tool["id"],
        "used_at": used_at,
        "before": before,
        "after": after,
    }


def moments(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> dict[str, list[dict[str, Any]]]:
    """The five in-the-moment sections, each sorted as `reports.tables.dump` writes them."""
    end = start + timedelta(days=span_days)
    tools: list[dict[str, Any]] = []
    spec: dict[str, tuple[float, float, float | None]] = {}
    for name, drop, spread, added, archived_at in TOOLS:
        created = evening(start + timedelta(days=int(added * span_days)), rng)
        tool_id = new_id(rng)
        tool: dict[str, Any] = {
            "id": tool_id,
            "name": name,
            "created_at": max(start, created),
            "archived": archived_at is not None,
        }
        tools.append(tool)
        spec[tool_id] = (drop, spread, archived_at)

    activations: list[dict[str, Any]] = []
    urge_delays: list[dict[str, Any]] = []
    tool_uses: list[dict[str, Any]] = []
    for day in range(span_days):
        f = day / span_days
        hard = hardness(f, stretches)
        rate = trend(f, 0.6, 0.35) + 0.5 * hard  # about four a week early, two to three later
        count = (rng.random() < rate) + (rng.random() < rate * 0.2)
        for _ in range(count):
            onset = _moment_time(start + timedelta(days=day), rng)
            if onset < start or onset >= end:
                continue
            record, pair, intensity = _activation(rng, onset, f, hard, end)
            activations.append(record)
            if record["urge"] and rng.random() < trend(f, 0.3, 0.55):
                began = onset + timedelta(minutes=rng.randint(1, 8))
                if began < end:
                    urge_delays.append(
                        _urge_delay(rng, began, pair.urge, f, hard, end, record["id"])
                    )
            if record["settled_at"] is not None and rng.random() < trend(f, 0.3, 0.45):
                used_at = onset + timedelta(minutes=rng.randint(2, 20))
                if used_at <= record["settled_at"]:
                    use = _tool_use(rng, tools, spec, f, used_at, min(10, intensity))
                    if use is not None:
                        tool_uses.append(use)
        if rng.random() < 0.03:  # an urge timer started on its own, without a logged activation
            began = _moment_time(start + timedelta(days=day), rng)
            urge = rng.choice(PAIRS).urge
            if start <= began < end:
                urge_delays.append(_urge_delay(rng, began, urge, f, hard, end, None))

    # The latest activation is still open: the person has not yet marked it settled.
    if activations:
        latest = max(activations, key=lambda a: a["onset_at"])
        latest["settled_at"] = None
        latest_times = (latest["created_at"], latest["peak_at"])
        latest["updated_at"] = max(t for t in latest_times if t is not None)

    practices = _practices(rng, start, span_days, stretches)

    def ordered(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        records.sort(key=lambda r: (r[key], r["id"]))
        return [
            {k: iso(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in records
        ]

    return {
        "activations": ordered(activations, "onset_at"),
        "urge_delays": ordered(urge_delays, "started_at"),
        "practices": ordered(practices, "started_at"),
        "tools": ordered(tools, "created_at"),
        "tool_uses": ordered(tool_uses, "used_at"),
    }
