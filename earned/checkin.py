"""Optional check-ins (PHQ-9, GAD-7, WHO-5, SCS-SF) as pure domain logic: which
questionnaires they are, the words around a score, and the history of scores with reliable
change. No web, no ORM.

A check-in is any shipped instrument whose file says `purpose = "check-in"`; each has one
scored total: a sum with severity bands (PHQ-9, GAD-7), a percentage where higher is better
(WHO-5) or a mean (SCS-SF). The words describe how things have been and never a diagnosis
(earned/content/checkin.toml); a WHO-5 cue to talk to a professional is worded gently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earned import content, instruments
from earned.assessment import Assessment, Step, overall_change, rci_sd, trajectory
from earned.errors import EarnedError
from earned.instruments.model import Instrument, Subscale
from earned.instruments.reliable_change import ReliableChange
from earned.instruments.scoring import Scores

PURPOSE = "check-in"
# The order check-ins are offered in; any other check-in file follows, by id.
ORDER = ("phq9", "gad7", "who5", "scssf")


def available() -> list[str]:
    """Ids of the check-in questionnaires, in a stable order (PHQ-9, GAD-7, WHO-5, SCS-SF)."""
    ids = [i for i in instruments.available() if instruments.load(i).purpose == PURPOSE]
    return sorted(ids, key=lambda i: (ORDER.index(i) if i in ORDER else len(ORDER), i))


def load(instrument_id: str) -> Instrument:
    """The check-in called `instrument_id`; a 404-style EarnedError for anything else
    (including the ECR, which is the starting point, not a check-in)."""
    if instrument_id not in available():
        raise EarnedError("There is no check-in at this address.", status=404)
    return instruments.load(instrument_id)


def total_scale(inst: Instrument) -> Subscale:
    """A check-in's one scored total."""
    return inst.subscales[0]


def _extreme(inst: Instrument, point: int) -> int:
    sub = total_scale(inst)
    per_item = 1 if sub.method == "mean" else len(inst.items_of(sub.id))
    return round(per_item * point * sub.multiplier)


def maximum(inst: Instrument) -> int:
    """The highest score possible (27 for PHQ-9, 21 for GAD-7, 100 for WHO-5, 5 for SCS-SF)."""
    return _extreme(inst, inst.scale.max)


def minimum(inst: Instrument) -> int:
    """The lowest score possible (0 for the sums, 1 for the SCS-SF mean)."""
    return _extreme(inst, inst.scale.min)


def decimals(inst: Instrument) -> int:
    """Decimal places a score is shown with: none for whole totals, two for means."""
    return 2 if total_scale(inst).method == "mean" else 0


def words() -> dict[str, Any]:
    """The check-in words (earned/content/checkin.toml)."""
    return content.load("checkin")


def about(inst: Instrument) -> dict[str, Any]:
    """The words for one check-in (its `[instruments.<id>]` table)."""
    return dict(words()["instruments"][inst.id])


@dataclass(frozen=True)
class Level:
    """A score in words: how much, out of how much, the band's plain description (PHQ-9,
    GAD-7) or the instrument's reading (WHO-5, SCS-SF), and any gentle cue to talk to a
    professional (WHO-5)."""

    total: float  # a whole number for the sums, the mean itself for SCS-SF
    maximum: int
    band: str | None
    text: str
    minimum: int = 0
    decimals: int = 0
    heading: str = ""  # e.g. "Symptom level over the last two weeks"
    cue: str = ""  # "" when no cue is met

    @property
    def figure(self) -> str:
        """The score as shown: "7", "52", "3.92"."""
        return f"{self.total:.{self.decimals}f}"

    @property
    def shown(self) -> str:
        """The score with its range: "7 of 27", "52 of 100", "3.92 on a scale from 1 to 5"."""
        if self.decimals:
            return f"{self.figure} on a scale from {self.minimum} to {self.maximum}"
        return f"{self.figure} of {self.maximum}"


def level(inst: Instrument, scores: Scores) -> Level:
    sub = total_scale(inst)
    band = scores.bands.get(sub.id)
    all_words = words()
    own = about(inst)
    places = decimals(inst)
    value = scores[sub.id]
    return Level(
        total=round(value, places) if places else round(value),
        maximum=maximum(inst),
        band=band,
        text=str(all_words["bands"].get(band, "")) if band else str(own.get("reading", "")),
        minimum=minimum(inst),
        decimals=places,
        heading=str(own.get("level", all_words["level"])),
        cue=" ".join(
            str(all_words["cues"][kind]) for kind in sorted({c.kind for c in scores.cues})
        ),
    )


def not_diagnosis(inst: Instrument) -> str:
    """The note that a check-in is not a diagnosis, in the words that fit this one."""
    return str(about(inst).get("not_diagnosis", words()["not_diagnosis"]))


def calls_for_care(inst: Instrument, scores: Scores) -> bool:
    """Whether a result shows the crisis lines with it, on every surface (web and CLI):
    a risky single answer (PHQ-9 item 9 above 0), or a total in the most severe band of
    a symptom scale (lower is better), whose words point to help. One rule, so no surface
    can leave it out. A WHO-5 cue is not a crisis: it is worded gently on the result."""
    if scores.alerts:
        return True
    sub = total_scale(inst)
    band = scores.bands.get(sub.id)
    return sub.lower_is_better and bool(sub.bands) and band == sub.bands[-1].label


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
    change_points: float | None = None  # a published points rule instead (WHO-5)
    change_source: str | None = None


def figures(inst: Instrument) -> Figures:
    sub = total_scale(inst)
    return Figures(
        sub.reliability,
        sub.reliability_source,
        rci_sd(inst, sub.id),
        sub.rci_sd_source,
        sub.change_points,
        sub.change_source,
    )


# --- what the roadmap home and progress pages can read ----------------------------------


def latest_scs_sf_mean(assessments: list[Assessment]) -> float | None:
    """The SCS-SF total mean (1 to 5) of the newest completed SCS-SF, or None."""
    entries = history(assessments, "scssf")
    return entries[-1].step.scores["total"] if entries else None


def who5_series(assessments: list[Assessment]) -> list[tuple[datetime, float]]:
    """(completed at, WHO-5 percentage 0-100) of every completed WHO-5, oldest first."""
    return [
        (e.assessment.completed_at or e.assessment.started_at, e.step.scores["wellbeing"])
        for e in history(assessments, "who5")
    ]
