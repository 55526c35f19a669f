"""The roadmap home: the starting point and the ten steps, where the person has been
spending their care lately, and one small next practice chosen from their own records.

The steps are not a ladder: any order is fine, and each step's state says only whether
it has records lately (ACTIVE_DAYS), before that, or not yet. Nothing counts days in a
row, and a quiet stretch is never marked (the words live in content/roadmap.toml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from earned import content, recommit

ACTIVE_DAYS = 28  # records this recent make a step one the person is working with lately
WEEK_DAYS = 7
UNSETTLED_DAYS = 14  # the window for "many unsettled moments"
UNSETTLED_MIN = 3  # at least this many moments left unsettled there
# A starting-point subscale at or above this percentile of the reference sample counts as
# high for the suggestion (where no reference figures exist, the scale's midpoint).
HIGH_PERCENTILE = 75.0
HIGH_MEAN = 4.0  # the midpoint of the ECR's 1–7 scale

# Practice kinds (regulation.PRACTICE_KINDS) belong to a step by their prefix; every other
# practice is a way of settling the body.
_PRACTICE_STEPS = (("secure-figure", "figure"), ("compassion", "compassion"))


def step_of_practice(kind: str) -> str:
    for prefix, step in _PRACTICE_STEPS:
        if kind.startswith(prefix):
            return step
    return "regulate"


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    title: str
    summary: str
    why: tuple[str, ...]
    links: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        return "Starting point" if self.number == 0 else f"Step {self.number}"


def words() -> dict[str, Any]:
    return content.load("roadmap")


def steps() -> tuple[Step, ...]:
    return tuple(
        Step(
            s["key"],
            int(s["number"]),
            s["title"],
            s["summary"],
            tuple(s["why"]),
            tuple((label, href) for label, href in s["links"]),
        )
        for s in words()["steps"]
    )


def step(key: str) -> Step | None:
    return next((s for s in steps() if s.key == key), None)


@dataclass(frozen=True)
class Activity:
    """Records of one step: in the last week, in the last ACTIVE_DAYS, and whether any."""

    week: int = 0
    lately: int = 0
    ever: bool = False

    @property
    def state(self) -> str:
        if self.lately:
            return "active"
        return "before" if self.ever else "not_yet"


@dataclass(frozen=True)
class Signals:
    """What the suggestion is chosen from, gathered by store/roadmap.py."""

    has_start: bool
    anxiety: tuple[float, float | None] | None = None  # (mean, percentile) of the latest
    avoidance: tuple[float, float | None] | None = None
    unsettled: int = 0  # moments of the last UNSETTLED_DAYS never marked settled
    belief_due: tuple[str, str] | None = None  # (id, the belief's words)
    finding: recommit.Finding | None = None
    recommitted_since: bool = False  # a recommitment made since the slip began
    moments_lately: int = 0
    over_focused: bool = False  # earned.balance: weeks spent mostly on the wound


@dataclass(frozen=True)
class Suggestion:
    key: str
    title: str
    why: str
    action: str
    href: str


def _high(score: tuple[float, float | None] | None) -> bool:
    if score is None:
        return False
    mean, percentile = score
    return percentile >= HIGH_PERCENTILE if percentile is not None else mean >= HIGH_MEAN


def suggestion_key(signals: Signals) -> str:
    """Which next practice, in order of what matters most now."""
    if signals.finding is not None and signals.finding.slipped and not signals.recommitted_since:
        return "recommit"
    if signals.over_focused:
        return "balance"
    if not signals.has_start:
        return "start"
    if signals.unsettled >= UNSETTLED_MIN:
        return "regulate"
    if signals.belief_due is not None:
        return "belief"
    if _high(signals.avoidance):
        return "closeness"
    if _high(signals.anxiety):
        return "waiting"
    if not signals.moments_lately:
        return "notice"
    return "compassion"


def suggest(signals: Signals) -> Suggestion:
    key = suggestion_key(signals)
    said = dict(words()["suggestions"][key])
    fill = {"belief": "", "id": ""}
    if key == "belief" and signals.belief_due is not None:
        belief_id, text = signals.belief_due
        # Closing punctuation would clash with the sentence around the quotation.
        text = text.rstrip(" .!?…")
        short = text if len(text) <= 80 else text[:79].rstrip() + "…"
        fill = {"belief": short, "id": belief_id}
    return Suggestion(
        key,
        said["title"],
        said["why"].replace("{belief}", fill["belief"]),
        said["action"],
        said["href"].replace("{id}", fill["id"]),
    )
