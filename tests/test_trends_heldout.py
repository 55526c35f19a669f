"""The progress sentences (earned.trends) and the over-focus check (earned.balance) on a
held-out set neither was tuned to: tests/fixtures/trends/, written by a helper who saw
neither the rules nor the code, labelled by construction (its README gives its rules,
written before the cases). Both halves are held to what they reached when first run:

- trends, clear cases: every built trend found the right way (38/38), and "not enough
  data" said on every sparse series (13/13); flat or outlier series called "no clear
  trend" 47 of 53 times (the six others are flat noise at p between 0.003 and 0.047,
  the rate a test at ALPHA = 0.05 predicts: the set's own README calls these weak
  evidence). Borderline: 32 of 35 as labelled. Never is a trend called the wrong way.
- over-focus, clear cases: first run 43/47 (13/13 nudges, 30/34 quiet): the four were
  people who had already turned to steadying things in the latest week, and were
  nudged. The rule now needs the latest week to be wound-focused too (balance.py);
  after that change 47/47 clear, borderline 18/20. That change was made after seeing
  the set, so this half is no longer held out: a fresh set should judge it next.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from earned import balance, trends

HERE = Path(__file__).parent / "fixtures" / "trends"
SIGNS = {"recovery": "recovery", "held": "held", "named": "named", "available": "people"}


def _cases(name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((HERE / name).read_text())
    return found


def _said(case: dict[str, Any]) -> str:
    sign = trends.SIGN[SIGNS[case["sign"]]]
    weeks = [(date(2026, 1, 5) + timedelta(weeks=i), v) for i, v in enumerate(case["weeks"])]
    found = trends.trend(weeks)
    if not found.enough:
        return "not_enough_data"
    return {True: "improving", False: "worsening", None: "no_clear_trend"}[
        trends.improving(sign, found)
    ]


def test_trend_sentences_on_the_held_out_set() -> None:
    cases = _cases("trends.json")
    assert len(cases) >= 120
    clear = [c for c in cases if not c["borderline"]]
    said = {c["id"]: _said(c) for c in cases}
    built = [c for c in clear if c["label"] in ("improving", "worsening")]
    assert all(said[c["id"]] == c["label"] for c in built), "a built trend was missed"
    sparse = [c for c in clear if c["label"] == "not_enough_data"]
    assert all(said[c["id"]] == "not_enough_data" for c in sparse)
    flat = [c for c in clear if c["label"] == "no_clear_trend"]
    called = [c["id"] for c in flat if said[c["id"]] != "no_clear_trend"]
    assert len(called) <= 0.12 * len(flat), called
    # Never the wrong way round, borderline or not.
    opposite = {("improving", "worsening"), ("worsening", "improving")}
    assert not [c["id"] for c in cases if (c["label"], said[c["id"]]) in opposite]
    borderline = [c for c in cases if c["borderline"]]
    agree = sum(said[c["id"]] == c["label"] for c in borderline)
    assert agree >= 0.85 * len(borderline)


def test_the_over_focus_check_on_the_held_out_set() -> None:
    cases = _cases("balance.json")
    assert len(cases) >= 60

    def speaks(case: dict[str, Any]) -> bool:
        weeks = [balance.WeekMix(w["wound"], w["steadying"]) for w in case["weeks"]]
        return balance.over_focused(weeks)

    clear = [c for c in cases if not c["borderline"]]
    assert all(speaks(c) == (c["label"] == "speak") for c in clear)
    borderline = [c for c in cases if c["borderline"]]
    assert sum(speaks(c) == (c["label"] == "speak") for c in borderline) >= 0.85 * len(borderline)
