"""The starting point's results, worked out once for every place that shows them.

The web results page and `earned results` (text and --json) show the same things: one
ECR result with its percentiles and plain-language reading, the trajectory of results
with reliable change between them, the change since the first result, the figures behind
the verdicts, and a questionnaire still in progress. `summarise` works these out from
the person's assessments and `as_data` gives them as JSON-ready data; the callers read
the assessments from the store and render.

Plain Python, no web or store (like earned.assessment, which does the arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earned import instruments
from earned.assessment import (
    Assessment,
    Placement,
    Reading,
    Step,
    overall_change,
    placements,
    reading,
    trajectory,
)
from earned.errors import EarnedError
from earned.instruments import norms as norms_mod
from earned.instruments.model import Instrument
from earned.instruments.reliable_change import ReliableChange

INSTRUMENT = "ecr"  # the starting-point questionnaire; check-ins are earned.checkin's
# The alternative attachment measure a person may choose instead (or as well): the ECR-R.
# Its results are compared only with earlier ECR-R results, never with the ECR's.
ALTERNATIVES = ("ecrr",)
STARTING_POINTS = (INSTRUMENT, *ALTERNATIVES)


def check_starting_point(instrument_id: str) -> str:
    """The id of a starting-point questionnaire (the ECR or the ECR-R), or a clear error."""
    if instrument_id not in STARTING_POINTS:
        raise EarnedError("There is no such starting-point questionnaire.", status=404)
    return instrument_id


@dataclass(frozen=True)
class Shown:
    """The one result a page or command is about, with what is said about it."""

    step: Step
    reading: Reading
    placements: list[Placement]


@dataclass(frozen=True)
class Summary:
    instrument: Instrument
    norms: norms_mod.Norms | None
    steps: list[Step]  # completed results, oldest first, up to and including the one shown
    shown: Shown | None  # None before the first completed result
    overall: dict[str, ReliableChange]  # first result -> the one shown, per subscale
    unfinished: Assessment | None  # the newest questionnaire still in progress


def summarise(assessments: list[Assessment], *, upto: str | None = None) -> Summary:
    """The results among `assessments` (others than the ECR are ignored), up to the
    completed one whose id is `upto` (default: all of them).

    Reads the instrument and norm files (cached after the first call). A 404-style
    EarnedError if `upto` is not a completed, scored result here.
    """
    inst = instruments.load(INSTRUMENT)
    mine = [a for a in assessments if a.instrument_id == inst.id]
    steps = trajectory(mine)
    if upto is not None:
        index = next((i for i, step in enumerate(steps) if step.assessment.id == upto), None)
        if index is None:
            raise EarnedError("That result does not exist.", status=404)
        steps = steps[: index + 1]
    shown = None
    if steps:
        scores = steps[-1].scores
        shown = Shown(
            steps[-1],
            reading(scores["anxiety"], scores["avoidance"]),
            placements(inst, scores),
        )
    overall = {}
    for sub in inst.subscales:
        change = overall_change(steps, sub.id)
        if change is not None:
            overall[sub.id] = change
    unfinished = [a for a in mine if a.completed_at is None]
    return Summary(
        instrument=inst,
        norms=norms_mod.load(inst.id),
        steps=steps,
        shown=shown,
        overall=overall,
        # The newest by its start (id breaks a tie), whatever order the caller listed them in.
        unfinished=max(unfinished, key=lambda a: (a.started_at, a.id)) if unfinished else None,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def change_data(rc: ReliableChange) -> dict[str, Any]:
    return {
        "before": rc.before,
        "after": rc.after,
        "change": rc.after - rc.before,
        "rci": rc.rci,
        "threshold": rc.threshold,
        "verdict": rc.verdict,
    }


def as_data(summary: Summary) -> dict[str, Any]:
    """The summary as JSON-ready data: the `earned results --json` format.

    Keys keep their order (instrument, latest, trajectory, overall, reliability, norms,
    unfinished), so the JSON reads the same from one version to the next.
    """
    inst, table, shown = summary.instrument, summary.norms, summary.shown
    latest: dict[str, Any] | None = None
    if shown is not None:
        read = shown.reading
        latest = {
            "assessment_id": shown.step.assessment.id,
            "completed_at": _iso(shown.step.assessment.completed_at),
            "scores": dict(shown.step.scores.values),
            "percentiles": {p.subscale: p.percentile for p in shown.placements},
            "reading": {
                "key": read.key,
                "title": read.title,
                "text": read.text,
                "caveat": read.caveat,
                "midpoint_note": read.midpoint_note,
            },
        }
    unfinished = summary.unfinished
    return {
        "instrument": {"id": inst.id, "name": inst.name, "citation": inst.citation},
        "latest": latest,
        "trajectory": [
            {
                "assessment_id": step.assessment.id,
                "completed_at": _iso(step.assessment.completed_at),
                "scores": dict(step.scores.values),
                "changes": {sid: change_data(rc) for sid, rc in step.changes.items()},
                "too_soon": step.too_soon,
            }
            for step in summary.steps
        ],
        "overall": {sid: change_data(rc) for sid, rc in summary.overall.items()},
        "reliability": {
            sub.id: {
                "name": sub.name,
                "value": sub.reliability,
                "source": sub.reliability_source,
                "sd": table.subscales[sub.id].sd if table else None,
            }
            for sub in inst.subscales
        },
        "norms": {"source": table.source, "n": next(iter(table.subscales.values())).n}
        if table
        else None,
        "unfinished": {"answered": unfinished.answered, "of": len(inst.items)}
        if unfinished
        else None,
    }


# --- the alternative measure (ECR-R) ------------------------------------------------------


@dataclass(frozen=True)
class AlternativeSummary:
    """An ECR-R result with its own trajectory: means per dimension, the change from the
    result before and from the first (a verdict only where the file cites figures)."""

    instrument: Instrument
    steps: list[Step]  # completed results of this instrument, oldest first, up to `shown`
    shown: Step
    overall: dict[str, ReliableChange]

    @property
    def judged(self) -> bool:
        """Whether the instrument file cites figures to judge change by."""
        return any(
            s.reliability is not None or s.change_points is not None
            for s in self.instrument.subscales
        )


def summarise_alternative(
    assessments: list[Assessment], instrument_id: str, *, upto: str | None = None
) -> AlternativeSummary:
    """The completed results of one alternative measure among `assessments`, up to the one
    whose id is `upto` (default: the newest). A 404-style EarnedError if there is none."""
    if instrument_id not in ALTERNATIVES:
        raise EarnedError("There is no such starting-point questionnaire.", status=404)
    inst = instruments.load(instrument_id)
    steps = trajectory([a for a in assessments if a.instrument_id == instrument_id])
    if upto is not None:
        index = next((i for i, st in enumerate(steps) if st.assessment.id == upto), None)
        if index is None:
            raise EarnedError("That result does not exist.", status=404)
        steps = steps[: index + 1]
    if not steps:
        raise EarnedError("That result does not exist.", status=404)
    overall = {}
    for sub in inst.subscales:
        change = overall_change(steps, sub.id)
        if change is not None:
            overall[sub.id] = change
    return AlternativeSummary(inst, steps, steps[-1], overall)


def latest_alternative(assessments: list[Assessment], instrument_id: str) -> Step | None:
    """The newest completed result of an alternative measure, or None (for the home page)."""
    steps = trajectory([a for a in assessments if a.instrument_id == instrument_id])
    return steps[-1] if steps else None
