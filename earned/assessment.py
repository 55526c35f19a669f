"""The starting point, as pure domain logic: an assessment's answers, its result,
the plain-language reading of a place on the plane, and the trajectory of results
with reliable change between them. No web, no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from earned import content, instruments
from earned.errors import EarnedError
from earned.instruments import norms as norms_mod
from earned.instruments.model import Instrument
from earned.instruments.reliable_change import ReliableChange, points_change, reliable_change
from earned.instruments.scoring import Incomplete, Scores, check, score


@dataclass
class Assessment:
    id: str
    instrument_id: str
    started_at: datetime
    completed_at: datetime | None = None
    answers: dict[int, int] = field(default_factory=dict)
    # Whom a relationship questionnaire (ECR-RS) is about: the ledger's id (None once they
    # are removed) and their name, kept so the result stays readable.
    person_id: str | None = None
    person_name: str | None = None

    @property
    def instrument(self) -> Instrument:
        return instruments.load(self.instrument_id)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.instrument.items if i.number in self.answers)

    def result(self) -> Scores | Incomplete:
        return score(self.instrument, self.answers)

    def resume_page(self) -> int:
        """First page holding an unanswered item (the last page if all are answered)."""
        inst = self.instrument
        for page in range(1, inst.pages + 1):
            if any(i.number not in self.answers for i in inst.page_items(page)):
                return page
        return inst.pages


def check_answer(instrument: Instrument, item: object, value: object) -> tuple[int, int]:
    """(item, value) of one answer, if the item exists and the value is on the scale.

    Owned here for every path an answer takes: the web form, `earned assess`, import.
    """
    if (
        isinstance(item, bool)
        or not isinstance(item, int)
        or not 1 <= item <= len(instrument.items)
    ):
        raise EarnedError(f"There is no question {item} in this questionnaire.")
    low, high = instrument.scale.min, instrument.scale.max
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EarnedError(f"Answers run from {low} to {high}; {value} is not one of them.")
    return item, value


def is_stale(stored_seq: int | None, incoming_seq: int | None) -> bool:
    """Whether a save of an answer was overtaken by a later choice and must be ignored.

    The page numbers each choice by the moment it was made (`seq`); saves travel in
    queued requests, and the page's own submit may reach the server before them. Without
    a number on either side (no JavaScript, the terminal), the save simply applies.
    """
    return stored_seq is not None and incoming_seq is not None and incoming_seq <= stored_seq


def check_seq(raw: str | None) -> int | None:
    """The page's `seq` field: a whole number, or None when absent; anything else is a
    malformed form (refused, nothing saved)."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise EarnedError("That form was malformed; please reload the page.")
    return int(raw)


def check_open(assessment: Assessment) -> None:
    """A finished assessment keeps its answers: a re-take is a new assessment."""
    if assessment.completed_at is not None:
        raise EarnedError("This assessment is finished; start a new one to answer again.")


def check_complete(assessment: Assessment) -> None:
    """Every item answered on the scale, or a message saying how many are left."""
    problem = check(assessment.instrument, assessment.answers)
    if problem is not None:
        raise EarnedError(
            f"{len(problem.missing)} question(s) still need an answer before the result can "
            "be shown; your answers so far are saved."
        )


@dataclass(frozen=True)
class Reading:
    key: str
    title: str
    text: str
    caveat: str
    midpoint_note: str


def quadrant(anxiety: float, avoidance: float, midpoint: float = 3.0) -> str:
    high_anx = anxiety > midpoint
    high_avo = avoidance > midpoint
    if high_anx and high_avo:
        return "fearful"
    if high_anx:
        return "anxious"
    if high_avo:
        return "avoidant"
    return "secure"


def reading(anxiety: float, avoidance: float) -> Reading:
    words = content.load("readings")
    key = quadrant(anxiety, avoidance)
    q = words["quadrants"][key]
    return Reading(key, q["title"], q["text"], words["caveat"], words["midpoint_note"])


@dataclass(frozen=True)
class Placement:
    subscale: str
    name: str
    value: float
    percentile: float | None

    @property
    def compared(self) -> str:
        """The percentile in words, honest at the ends: "higher than about 0%" said
        nothing a person could use; it means lower than almost everyone."""
        return compared_words(self.percentile)


def compared_words(percentile: float | None) -> str:
    """A mid-rank percentile (0–100) as a phrase about the reference sample."""
    if percentile is None:
        return "no reference figures"
    if percentile < 1:
        return "lower than almost everyone in the reference sample"
    if percentile > 99:
        return "higher than almost everyone in the reference sample"
    return f"higher than about {percentile:.0f}% of the reference sample"


def placements(instrument: Instrument, scores: Scores) -> list[Placement]:
    table = norms_mod.load(instrument.id)
    out = []
    for sub in instrument.subscales:
        value = scores[sub.id]
        pct = table.subscales[sub.id].percentile(value) if table else None
        out.append(Placement(sub.id, sub.name, value, pct))
    return out


# A re-take sooner than this after the one before is not compared: answers given minutes
# or days apart mostly repeat each other (memory, not change), and the Reliable Change
# Index assumes two independent measurements. Both questionnaires here ask about the
# person's usual way of feeling (ECR) or the last two weeks (PHQ-9, GAD-7).
RETEST_DAYS = 14


@dataclass(frozen=True)
class Step:
    """One completed assessment in a trajectory, with change from the previous one.

    `changes` is empty for the first result and for one taken too soon after the one
    before (`too_soon`, fewer than RETEST_DAYS days): that is no verdict, not "no change".
    """

    assessment: Assessment
    scores: Scores
    changes: dict[str, ReliableChange]
    too_soon: bool = False
    days_since: float | None = None  # since the previous result on the same questionnaire


def _finished(a: Assessment) -> datetime:
    return a.completed_at or a.started_at


def rci_sd(instrument: Instrument, subscale_id: str) -> float | None:
    """The reference SD for reliable change on one subscale, or None if there is none.

    The instrument's own norm table wins (ECR: the 46,610 Open Psychometrics
    responses); without one, the published SD the instrument file cites
    (`rci_sd`, e.g. PHQ-9 and GAD-7 general-population samples).
    """
    table = norms_mod.load(instrument.id)
    if table is not None:
        return table.subscales[subscale_id].sd
    return instrument.subscale(subscale_id).rci_sd


def change_between(
    instrument: Instrument, subscale_id: str, before: float, after: float
) -> ReliableChange | None:
    """The verdict on a change of one subscale between two results, or None when the
    instrument file gives no cited figures to judge it by.

    The Reliable Change Index when there is a reference SD and a reliability; otherwise
    a published points rule (`change_points`, WHO-5) if the file cites one.
    """
    sub = instrument.subscale(subscale_id)
    sd = rci_sd(instrument, subscale_id)
    if sd is not None and sub.reliability is not None:
        return reliable_change(
            before, after, sd=sd, reliability=sub.reliability, lower_is_better=sub.lower_is_better
        )
    if sub.change_points is not None:
        return points_change(
            before, after, points=sub.change_points, lower_is_better=sub.lower_is_better
        )
    return None


def trajectory(assessments: list[Assessment]) -> list[Step]:
    """Completed assessments oldest first, each with its RCI against the one before.

    "The one before" is the previous result on the same instrument, so a list
    mixing questionnaires compares like with like. The SD is the reference
    sample's (see `rci_sd`), the reliability the instrument file's; both are
    shown beside the verdict on the result page.
    """
    done = sorted(
        (a for a in assessments if a.completed_at is not None),
        key=lambda a: a.completed_at or a.started_at,
    )
    steps: list[Step] = []
    latest: dict[str, Scores] = {}
    when: dict[str, datetime] = {}
    for a in done:
        previous = latest.get(a.instrument_id)
        result = a.result()
        if not isinstance(result, Scores):
            continue
        changes: dict[str, ReliableChange] = {}
        days = None
        if a.instrument_id in when:
            days = (_finished(a) - when[a.instrument_id]).total_seconds() / 86400
        too_soon = days is not None and days < RETEST_DAYS
        if previous is not None and not too_soon:
            for sub in a.instrument.subscales:
                change = change_between(a.instrument, sub.id, previous[sub.id], result[sub.id])
                if change is not None:
                    changes[sub.id] = change
        steps.append(Step(a, result, changes, too_soon, days))
        latest[a.instrument_id] = result
        when[a.instrument_id] = _finished(a)
    return steps


def overall_change(steps: list[Step], subscale_id: str) -> ReliableChange | None:
    """RCI from the first to the latest result, the long view through the ups and downs.

    Only steps on one instrument count: the latest one that has this subscale.
    None with fewer than two such steps.
    """
    having = [s for s in steps if subscale_id in s.scores.values]
    if not having:
        return None
    latest = having[-1].assessment.instrument_id
    same = [s for s in having if s.assessment.instrument_id == latest]
    if len(same) < 2:
        return None
    first, last = same[0], same[-1]
    if _finished(last.assessment) - _finished(first.assessment) < timedelta(days=RETEST_DAYS):
        return None  # all taken within two weeks: too soon to compare
    return change_between(
        last.assessment.instrument,
        subscale_id,
        first.scores[subscale_id],
        last.scores[subscale_id],
    )
