"""The urge-delay timer: from the moment an urge hits to waiting it out, acting, or its passing.

Seconds held = end − start. A timer still running has no held time yet; one the person
never closed stays open and is not counted (no guessing on their behalf). The held time
in words is earned.durations.words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from earned.errors import EarnedError

Outcome = Literal["waited", "acted", "passed"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
OUTCOME_WORDS = {
    "waited": "I waited",
    "acted": "I acted on it",
    "passed": "The urge passed",
}
SUGGESTED_URGES = (
    "send a reassurance text",
    "check their phone or profile",
    "call again",
    "withdraw and go quiet",
    "end the conversation",
    "pick a fight",
    "apologise for something that isn't mine",
    "leave",
)


@dataclass
class UrgeDelay:
    id: str
    urge: str
    started_at: datetime
    ended_at: datetime | None = None
    outcome: str | None = None
    activation_id: str | None = None

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def seconds_held(self) -> int | None:
        if self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.started_at).total_seconds()))


def check_outcome(value: str) -> str:
    if value not in OUTCOMES:
        raise EarnedError("Please choose how it ended: I waited, I acted, or the urge passed.")
    return value
