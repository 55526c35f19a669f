"""The over-focus check: when recent weeks are mostly spent on the wound (writing the
origin story, writing down what set moments off) and hardly at all on building steadiness
(practices, soothing tools, ladder tries, letters of self-compassion), gently suggest some
balance. The roadmap's sources warn that looking only at the hurt can deepen it.

A week is wound-focused when it holds at least WOUND_MIN such records and the steadying
ones are at most a CAPACITY_SHARE of them; the check speaks when at least FOCUSED_WEEKS of
the last WEEKS are. It is an offer, never a judgement, and the person can turn it off
(SETTING). Nothing here counts a streak or a gap: a quiet week is neither kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WEEKS = 4
FOCUSED_WEEKS = 3
WOUND_MIN = 3  # records about the hurt in a week before it can count as focused on it
CAPACITY_SHARE = 0.25  # steadying records at most this share of the wound ones
SETTING = "balance_check"
OFF = "off"


@dataclass(frozen=True)
class WeekMix:
    wound: int = 0
    capacity: int = 0

    @property
    def focused(self) -> bool:
        return self.wound >= WOUND_MIN and self.capacity <= CAPACITY_SHARE * self.wound


def edges(now: datetime) -> list[datetime]:
    """Where the WEEKS seven-day windows ending at `now` begin, oldest first, then `now`."""
    start = now - timedelta(days=7 * WEEKS)
    return [start + timedelta(days=7 * k) for k in range(WEEKS)] + [now]


def over_focused(weeks: list[WeekMix]) -> bool:
    """Mostly the wound in at least FOCUSED_WEEKS of the weeks, the latest among them.

    The latest must be one: a person who has already turned to something steadying (or
    who has stepped away from the app) this week needs no nudge towards what they are
    doing. The held-out set (tests/fixtures/trends/balance.json, written by someone who
    had not seen these rules) found that gap: five clear cases of a turn last week were
    nudged before this condition; see docs/safety.md.
    """
    return bool(weeks) and weeks[-1].focused and sum(w.focused for w in weeks) >= FOCUSED_WEEKS


def enabled(setting: str | None) -> bool:
    return setting != OFF
