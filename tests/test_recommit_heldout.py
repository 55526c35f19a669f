"""The slip detector on an evaluation set written by someone who had not seen its rules
(tests/fixtures/regression: 127 weekly histories labelled by construction, 29 of them
borderline, where a careful clinician could argue either way).

Only the clear half is held to a bar; the borderline half is reported (-s shows it).
First run, before any change to the rules: clear 33/39 slips found, 58/59 steady
histories left alone; borderline 6/17 and 11/12. One change followed, made for a reason
of principle (weeks away from the app should not shrink the usual), which found one more
clear slip (a return, after an eight-week gap, to harder weeks): 34/39 and 58/59.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from earned.recommit import Week, detect

CASES = Path(__file__).parent / "fixtures" / "regression" / "cases.json"


def _cases() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    return loaded


def _found(case: dict[str, Any]) -> bool:
    weeks = [Week(w["intensity"], w["recovery_minutes"], w["held_minutes"]) for w in case["weeks"]]
    return detect(weeks).slipped


@pytest.fixture(scope="module")
def tally() -> Counter[tuple[str, str, bool]]:
    counts: Counter[tuple[str, str, bool]] = Counter()
    for case in _cases():
        half = "borderline" if case["borderline"] else "clear"
        counts[(half, case["label"], _found(case))] += 1
    return counts


def _share(tally: Counter[tuple[str, str, bool]], half: str, label: str, found: bool) -> float:
    total = tally[(half, label, True)] + tally[(half, label, False)]
    return tally[(half, label, found)] / total


def test_the_set_is_what_it_says() -> None:
    cases = _cases()
    assert len(cases) >= 100
    assert {c["label"] for c in cases} == {"regression", "none"}
    assert sum(c["borderline"] for c in cases) >= 20


def test_clear_slips_are_found(tally: Counter[tuple[str, str, bool]]) -> None:
    assert _share(tally, "clear", "regression", True) >= 0.85


def test_clear_steady_histories_are_left_alone(tally: Counter[tuple[str, str, bool]]) -> None:
    """A false alarm reads like being told one is going backwards: held to a higher bar."""
    assert _share(tally, "clear", "none", False) >= 0.95


def test_a_gap_alone_is_never_called_a_slip() -> None:
    for case in _cases():
        if case["label"] == "none" and "gap" in case["name"]:
            assert not _found(case), case["name"]


def test_borderline_figures_are_reported(
    tally: Counter[tuple[str, str, bool]], capsys: pytest.CaptureFixture[str]
) -> None:
    found = _share(tally, "borderline", "regression", True)
    calm = _share(tally, "borderline", "none", False)
    with capsys.disabled():
        print(f"\nborderline: slips found {found:.0%}, steady left alone {calm:.0%}")
    # Either answer is defensible here, but false alarms should stay the exception.
    assert calm >= 0.75
