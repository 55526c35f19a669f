"""The demo person's session prep: a note the evening before each fortnightly therapy
session over the last few months, with a line or two about the fortnight, something to
bring, and a moment or a recurring pattern picked from their own log (its words copied,
as the app copies them). All prose is written for this project.

Uses its own random stream (from the seed), so adding it leaves the rest of the demo as
it was.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from earned import patterns, session_prep
from earned.demo.story import iso, new_id
from earned.episodes import Activation, pattern_of

SESSIONS = 6  # fortnightly, ending a few days before the demo's last day
FORTNIGHT = timedelta(days=14)

SINCE_LAST = (
    "A mixed fortnight. Work was loud, and I noticed I went looking for reassurance more "
    "when I was tired.",
    "Steadier than last time. Twice I caught the urge to text again and waited it out.",
    "Sam was away for four days. The first evening was hard; by the third I had a routine.",
    "I had a good talk with Maya and said something true without apologising after it.",
    "Harder than I expected. Old feelings about my dad came up after the phone call.",
    "I slept badly most of the week and everything felt bigger. It eased at the weekend.",
    "I used the breathing more than before, and it helped more when I started early.",
)
TO_BRING = (
    "Why a short reply from Sam lands like a door closing.",
    "The part of me that wants to pull back when things are good. Where does it come from?",
    "Whether we can slow down when we get near the memories about moving house.",
    "How to ask for something small without rehearsing it for hours first.",
    "I want to tell you that last session left me feeling exposed, and that I came back anyway.",
    "What to do in the first five minutes after I notice the spiral starting.",
)


def _activation(record: dict[str, Any]) -> Activation:
    return Activation(
        id=record["id"],
        onset_at=datetime.fromisoformat(record["onset_at"]),
        intensity=record["intensity"],
        trigger=record.get("trigger"),
        emotions=list(record.get("emotions") or []),
        urge=record.get("urge"),
        action=record.get("action"),
    )


def session_notes(
    seed: int, activations: list[dict[str, Any]], end: datetime
) -> list[dict[str, Any]]:
    """Notes before the last SESSIONS fortnightly sessions, oldest first, in export form."""
    rng = random.Random(seed * 7919 + 3)  # noqa: S311 - invented data, reproducible on purpose
    moments = [_activation(a) for a in activations]
    stored = {a["id"]: a.get("pattern") for a in activations}
    last_session = (end - timedelta(days=3)).replace(hour=17, minute=0, second=0, microsecond=0)
    out = []
    previous: datetime | None = None
    for n in reversed(range(SESSIONS)):
        session_at = last_session - n * FORTNIGHT
        written = (session_at - timedelta(days=1)).replace(hour=20, minute=rng.randint(0, 50))
        since = session_prep.window_start(previous, written)
        recent = sorted(
            (a for a in moments if since <= a.onset_at < written),
            key=lambda a: (-a.intensity, a.onset_at),
        )
        offered = session_prep.activation_candidates(recent[:2], UTC)
        counted = [(a.onset_at, stored[a.id]) for a in moments if a.onset_at < written]
        recurring = patterns.recurring_pairs(
            ((o, p) for o, raw in counted if (p := pattern_of(raw)) is not None), now=written
        )
        if recurring and rng.random() < 0.6:
            offered += session_prep.pattern_candidates(recurring[:1])
        keys = [c.key for c in offered if rng.random() < 0.8] or [c.key for c in offered[:1]]
        picked = session_prep.pick(offered, keys)
        updated = written + timedelta(minutes=rng.randint(5, 40)) if rng.random() < 0.3 else written
        out.append(
            {
                "id": new_id(rng),
                "client_token": None,
                "session_at": iso(session_at),
                "since_last": rng.choice(SINCE_LAST),
                "to_bring": rng.choice(TO_BRING) if rng.random() < 0.85 else None,
                "picked": [p.stored() for p in picked],
                "created_at": iso(written),
                "updated_at": iso(updated),
            }
        )
        previous = written
    return out
