"""Optional check-ins (PHQ-9, GAD-7) as pure domain logic: which questionnaires they are,
the words around a total, and the history of totals with reliable change. No web, no ORM.

A check-in is any shipped instrument whose file says `purpose = "check-in"`; each has one
summed total with severity bands. The words describe a symptom level over the last two
weeks and never a diagnosis (earned/content/checkin.toml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from earned import content, instruments
from earned.assessment import Assessment, Step, overall_change, rci_sd, trajectory
from earned.errors import EarnedError
from earned.instruments.model import Instrument, Subscale
from earned.instruments.reliable_change import ReliableChange
from earned.instruments.scoring import Scores

PURPOSE = "check-in"


def available() -> list[str]:
    """Ids of the check-in questionnaires, in a stable order (PHQ-9 before GAD-7)."""
    ids = [i for i in instruments.available() if instruments.load(i).purpose == PURPOSE]
    return sorted(ids, key=lambda i: (i != "phq9", i))


def load(instrument_id: str) -> Instrument:
    """The check-in called `instrument_id`; a 404-style EarnedError for anything else
    (including the ECR, which is the starting point, not a check-in)."""
    if instrument_id not in available():
        raise EarnedError("There is no check-in at this address.", status=404)
    return instruments.load(instrument_id)


def total_scale(inst: Instrument) -> Subscale:
    """A check-in's one scored total."""
    return inst.subscales[0]


def maximum(inst: Instrument) -> int:
    """The highest total possible (27 for PHQ-9, 21 for GAD-7)."""
    sub = total_scale(inst)
    return round(len(inst.items_of(sub.id)) * inst.scale.max * sub.multiplier)


def words() -> dict[str, Any]:
    """The check-in words (earned/content/checkin.toml)."""
    return content.load("checkin")


@dataclass(frozen=True)
class Level:
    """A total in words: how much, out of how much, and the band's plain description."""

    total: int
    maximum: int
    band: str | None
    text: str


def level(inst: Instrument, scores: Scores) -> Level:
    sub = total_scale(inst)
    band = scores.bands.get(sub.id)
    texts = words()["bands"]
    return Level(
        total=round(scores[sub.id]),
        maximum=maximum(inst),
        band=band,
        text=str(texts.get(band, "")) if band else "",
    )


def calls_for_care(inst: Instrument, scores: Scores) -> bool:
    """Whether a result shows the crisis lines with it, on every surface (web and CLI):
    a risky single answer (PHQ-9 item 9 above 0), or a total in the instrument's most
    severe band, whose words point to help. One rule, so no surface can leave it out."""
    if scores.alerts:
        return True
    sub = total_scale(inst)
    band = scores.bands.get(sub.id)
    return bool(sub.bands) and band == sub.bands[-1].label


@dataclass(frozen=True)
class Entry:
    """One completed check-in in a history: its level and the change from the one before."""

    step: Step
    level: Level
    change: ReliableChange | None

    @property
    def assessment(self) -> Assessment:
        return self.step.assessment


def history(assessments: list[Assessment], instrument_id: str) -> list[Entry]:
    """Completed check-ins of one questionnaire, oldest first, each with its RCI verdict."""
    inst = load(instrument_id)
    sub = total_scale(inst)
    steps = trajectory([a for a in assessments if a.instrument_id == instrument_id])
    return [Entry(st, level(inst, st.scores), st.changes.get(sub.id)) for st in steps]


def since_first(entries: list[Entry]) -> ReliableChange | None:
    """RCI from the first check-in in `entries` to the last (None with fewer than two)."""
    if len(entries) < 2:
        return None
    inst = entries[-1].assessment.instrument
    return overall_change([e.step for e in entries], total_scale(inst).id)


@dataclass(frozen=True)
class Figures:
    """What a reliable-change verdict on a check-in is built from, with sources."""

    reliability: float | None
    reliability_source: str | None
    sd: float | None
    sd_source: str | None


def figures(inst: Instrument) -> Figures:
    sub = total_scale(inst)
    return Figures(sub.reliability, sub.reliability_source, rci_sd(inst, sub.id), sub.rci_sd_source)
