"""The starting point's results summary (earned.results), shared by the web results page
and `earned results`: which results it covers, up to a chosen one, what is in progress,
its JSON shape, and that it stays pure."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from earned import results
from earned.assessment import Assessment
from earned.errors import EarnedError
from tests.test_assessment import T0, done, ecr_answers


def history() -> list[Assessment]:
    """Three ECR results, getting calmer, then one in progress and a PHQ-9 check-in."""
    return [
        done("a1", 72, 60, T0),
        done("a2", 63, 55, T0 + timedelta(days=40)),
        done("a3", 40, 36, T0 + timedelta(days=90)),
        Assessment("a4", "ecr", T0 + timedelta(days=120), answers={1: 3, 2: 3}),
        Assessment("p1", "phq9", T0, completed_at=T0, answers=dict.fromkeys(range(1, 10), 1)),
    ]


def test_no_results_yet() -> None:
    summary = results.summarise([])
    assert summary.instrument.id == results.INSTRUMENT
    assert (summary.steps, summary.shown, summary.overall, summary.unfinished) == (
        [],
        None,
        {},
        None,
    )
    data = results.as_data(summary)
    assert (data["latest"], data["trajectory"], data["overall"], data["unfinished"]) == (
        None,
        [],
        {},
        None,
    )
    assert (
        data["reliability"]["anxiety"]["value"]
        == summary.instrument.subscale("anxiety").reliability
    )


def test_the_latest_result_with_its_trajectory_and_what_is_in_progress() -> None:
    summary = results.summarise(history())
    assert [s.assessment.id for s in summary.steps] == ["a1", "a2", "a3"]  # no check-in
    assert summary.shown is not None
    assert summary.shown.step.assessment.id == "a3"
    assert summary.shown.reading.key == "secure"
    assert [p.subscale for p in summary.shown.placements] == ["anxiety", "avoidance"]
    assert summary.overall["anxiety"].before == pytest.approx(4.0)
    assert summary.overall["anxiety"].verdict == "reliable improvement"
    assert summary.unfinished is not None and summary.unfinished.id == "a4"


def test_up_to_a_chosen_result() -> None:
    summary = results.summarise(history(), upto="a2")
    assert [s.assessment.id for s in summary.steps] == ["a1", "a2"]
    assert summary.shown is not None and summary.shown.step.assessment.id == "a2"
    assert summary.overall["anxiety"].after == pytest.approx(3.5)
    only_first = results.summarise(history(), upto="a1")
    assert only_first.overall == {}  # one result: no change to speak of yet
    for missing in ("a4", "p1", "nope"):  # in progress, not an ECR result, unknown
        with pytest.raises(EarnedError) as info:
            results.summarise(history(), upto=missing)
        assert info.value.status == 404


def test_as_data_keeps_its_shape() -> None:
    data = results.as_data(results.summarise(history()))
    assert list(data) == [
        "instrument",
        "latest",
        "trajectory",
        "overall",
        "reliability",
        "norms",
        "unfinished",
    ]
    assert data["latest"]["assessment_id"] == "a3"
    assert data["latest"]["completed_at"] == (T0 + timedelta(days=90)).isoformat()
    assert set(data["latest"]["reading"]) == {"key", "title", "text", "caveat", "midpoint_note"}
    assert [t["assessment_id"] for t in data["trajectory"]] == ["a1", "a2", "a3"]
    assert data["trajectory"][0]["changes"] == {}
    change = data["trajectory"][1]["changes"]["anxiety"]
    assert change["change"] == pytest.approx(change["after"] - change["before"])
    assert set(change) == {"before", "after", "change", "rci", "threshold", "verdict"}
    assert data["unfinished"] == {"answered": 2, "of": 36}
    assert data["norms"]["n"] > 40_000


def test_an_unscorable_result_is_left_out() -> None:
    broken = Assessment("b", "ecr", T0, completed_at=T0, answers=ecr_answers(40, 40))
    del broken.answers[1]
    assert results.summarise([broken]).steps == []


def test_it_imports_no_web_and_no_store() -> None:
    code = (
        "import sys, earned.results; print(','.join(sorted(m for m in sys.modules if "
        "m.split('.')[0] in ('sqlalchemy', 'fastapi', 'starlette', 'jinja2', 'alembic') "
        "or m.startswith(('earned.web', 'earned.store')))))"
    )
    done_ = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done_.returncode == 0, done_.stderr
    assert done_.stdout.strip() == ""
