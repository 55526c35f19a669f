"""The three-year journal every benchmark measures on: 12 activations a day for 1,095 days
(13,140), an urge timer for every fourth one, two practices a day, in an encrypted
SQLCipher file made with the real Argon2id parameters. Shared by bench/capture.py and
bench/pages.py; the data are invented.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta

PASSPHRASE = "bench: a calm harbour at dawn"  # invented, for throw-away journals
TRIGGERS = (
    "he didn't answer for 3 hours",
    "she said she needed space tonight",
    "my friend cancelled our plans again",
    "no reply to my message since lunch",
    "he looked at his phone while I was talking",
    "she went quiet after I shared something personal",
    "the meeting ran late and I couldn't call",
    "saw photos of a party I wasn't invited to",
)
EMOTIONS = ("abandoned", "anxious", "ashamed", "lonely", "jealous", "hurt", "tense", "unsure")
URGES = ("text again", "check their phone", "withdraw", "apologise", "call", "leave")
TAGS = ("partner", "friend", "work", "family")
PRACTICE_KINDS = (
    "breathing-box",
    "breathing-478",
    "breathing-coherent",
    "grounding",
    "mindfulness",
    "body-scan",
    "movement",
)


def build_earned(env: dict[str, str], days: int, per_day: int, seed: int) -> int:
    """Create the encrypted journal (real Argon2id parameters) and fill it; returns its rows."""
    os.environ.update(env)
    os.environ.pop("EARNED_KDF_PROFILE", None)  # the real key-derivation cost, not the tests'
    from sqlalchemy import insert

    from earned import paths
    from earned.store import personal
    from earned.store.models import ActivationRow, PracticeRow, UrgeDelayRow

    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=days)
    activations: list[dict[str, object]] = []
    delays: list[dict[str, object]] = []
    practices: list[dict[str, object]] = []
    for day in range(days):
        base = start + timedelta(days=day)
        for n in range(per_day):
            onset = base + timedelta(minutes=rng.randrange(0, 24 * 60))
            settled = onset + timedelta(minutes=rng.randrange(3, 180))
            ident = f"{rng.getrandbits(128):032x}"
            activations.append(
                {
                    "id": ident,
                    "client_token": None,
                    "onset_at": onset,
                    "intensity": rng.randrange(0, 11),
                    "trigger": rng.choice(TRIGGERS),
                    "tags": rng.sample(TAGS, rng.randrange(0, 3)),
                    "body": [],
                    "emotions": rng.sample(EMOTIONS, rng.randrange(1, 4)),
                    "urge": rng.choice(URGES),
                    "action": None,
                    "person": None,
                    "named_in_moment": rng.random() < 0.5,
                    "pattern": None,
                    "peak_at": onset + (settled - onset) / 3,
                    "peak_intensity": rng.randrange(0, 11),
                    "settled_at": settled if rng.random() < 0.95 else None,
                    "created_at": onset,
                    "updated_at": settled,
                }
            )
            if n % 4 == 0:
                delays.append(
                    {
                        "id": f"{rng.getrandbits(128):032x}",
                        "client_token": None,
                        "urge": rng.choice(URGES),
                        "started_at": onset,
                        "ended_at": onset + timedelta(seconds=rng.randrange(10, 3600)),
                        "outcome": rng.choice(("waited", "acted", "passed")),
                        "activation_id": ident,
                    }
                )
        for n in range(2):
            practices.append(
                {
                    "id": f"{rng.getrandbits(128):032x}",
                    "client_token": None,
                    "kind": rng.choice(PRACTICE_KINDS),
                    "started_at": base + timedelta(hours=8 + 10 * n),
                    "seconds": rng.randrange(60, 900),
                    "note": None,
                }
            )
    store, _key = personal.set_up(paths.profile(), PASSPHRASE)
    try:
        with store.session() as session:
            session.execute(insert(ActivationRow), activations)
            session.execute(insert(UrgeDelayRow), delays)
            session.execute(insert(PracticeRow), practices)
    finally:
        store.close()
    return len(activations)
