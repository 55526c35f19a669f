"""The progress page's trajectories, below the four signs: the starting-point results
(ECR, ECR-R), belief strength, the ladder's tries and guesses, and the check-ins
(SCS-SF, WHO-5, PHQ-9, GAD-7). Pure: how much is shown, and which one plain sentence
each section says. Change is judged by each questionnaire's own rule, as its own pages
judge it (earned.assessment.change_between: the Reliable Change Index where the
instrument file cites its figures, WHO-5's published 10-point rule); the charts reuse
the results, belief and ladder pages' own drawings. Words: content/trajectories.toml.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal

from earned import content
from earned.assessment import Step
from earned.beliefs import Point
from earned.instruments.reliable_change import ReliableChange
from earned.ladder import GapPoint, gap_summary, monthly_gaps

ATTACHMENT = ("ecr", "ecrr")  # each compared only with its own earlier results
CHECKINS = ("scssf", "who5", "phq9", "gad7")  # the order the page shows them in
RESULTS_SHOWN = 12  # the newest results of one questionnaire a chart draws (three years, quarterly)
BELIEFS_SHOWN = 3  # the beliefs re-rated most recently, each with its own chart
RATINGS_SHOWN = 52  # the newest ratings of one of those beliefs (and its first)
LADDER_MONTHS = 12  # the ladder's tries and gaps, month by month, this far back
# A belief feeling this many points (of 100) more true than at its first rating shown is
# met with the step 10 framing. The app's own choice: a self-rating has no published
# reliable-change figure, and a few points either way is everyday wobble.
BELIEF_RISE = 10
MIN_RESULTS = 2  # fewer than this: "not enough yet", never an empty chart

Lean = Literal["better", "steady", "harder", "unjudged"]


def words() -> dict[str, Any]:
    return content.load("trajectories")


def shown_steps(steps: Sequence[Step], read: int, most: int = RESULTS_SHOWN) -> list[Step]:
    """The newest `most` of `steps`. The store reads one result more than it shows when
    there are more (`read` is how many it read), so the oldest shown is still compared
    with the one before it; that extra one is dropped here."""
    kept = list(steps)
    if read > most:
        kept = kept[1:]
    return kept[-most:]


def lean(changes: Iterable[ReliableChange | None]) -> Lean:
    """The latest result's verdicts taken together: "harder" if any dimension changed
    reliably the harder way, else "better" if any reliably improved, "steady" when every
    judged one stayed within its wobble, "unjudged" when none could be judged (the first
    result, one too soon after the one before, or no cited figures)."""
    verdicts = [c.verdict for c in changes if c is not None]
    if not verdicts:
        return "unjudged"
    if "reliable worsening" in verdicts:
        return "harder"
    if "reliable improvement" in verdicts:
        return "better"
    return "steady"


def latest_lean(steps: Sequence[Step]) -> Lean:
    """The lean of the newest step against the one before it."""
    return lean(steps[-1].changes.values()) if steps else "unjudged"


def belief_rose(points: Sequence[Point]) -> bool:
    """Whether a belief feels clearly more true now than at its first rating shown."""
    return len(points) >= MIN_RESULTS and points[-1].strength - points[0].strength >= BELIEF_RISE


@dataclass(frozen=True)
class BeliefSeries:
    """One belief on the page: its id, its words, and its strength over time (oldest
    first: the newest RATINGS_SHOWN ratings and its very first)."""

    id: str
    words: str
    points: list[Point]


@dataclass(frozen=True)
class LadderSpan:
    """The ladder's last LADDER_MONTHS months: tries done month by month (those with a
    guess and a result), how many went reasonably well, and whether any try was ever
    planned."""

    months: list[tuple[date, float, int]]  # (month, median gap size, tries done)
    done: int
    went_well: int
    closing: bool | None  # None until gap_summary has enough tries
    ever: bool


def ladder_span(points: Sequence[GapPoint], went_well: int, *, ever: bool) -> LadderSpan:
    """`points` in the person's local time (naive), oldest first."""
    summary = gap_summary(points)
    return LadderSpan(
        months=monthly_gaps(points),
        done=len(points),
        went_well=went_well,
        closing=None if summary is None else summary.closing,
        ever=ever,
    )


def ladder_sentence(span: LadderSpan) -> str:
    said = words()["sections"]["ladder"]
    text = str(said["tries"]).format(done=span.done, well=span.went_well)
    if span.closing is True:
        text += " " + str(said["closing"])
    elif span.closing is False:
        text += " " + str(said["finding"])
    return text


def ladder_since(now: datetime, zone: tzinfo | None, months: int = LADDER_MONTHS) -> datetime:
    """The start of the ladder's window: the first day of the month `months` - 1 months
    before this one, at midnight in the person's zone (so every month drawn is whole but
    this one), as a UTC time."""
    here = now.astimezone(zone or UTC)
    index = here.year * 12 + here.month - 1 - (months - 1)
    first = datetime(index // 12, index % 12 + 1, 1, tzinfo=zone or UTC)
    return first.astimezone(UTC)


def local_naive(moment: datetime, zone: tzinfo | None) -> datetime:
    """A stored UTC time as a naive local time (month boundaries in the person's zone)."""
    return moment.astimezone(zone or UTC).replace(tzinfo=None)
