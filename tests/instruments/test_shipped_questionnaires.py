"""The SCS-SF, WHO-5 and ECR-R files as shipped: structure, keys, and scores worked out by
hand from the published keys (every expected figure is derived in the comments)."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from earned import instruments
from earned.assessment import change_between
from earned.instruments import parse
from earned.instruments.reliable_change import CRITICAL, points_change
from earned.instruments.scoring import Incomplete, Scores, score


def scored(instrument_id: str, answers: list[int]) -> Scores:
    result = score(instruments.load(instrument_id), dict(enumerate(answers, start=1)))
    assert isinstance(result, Scores), result
    return result


# --- SCS-SF -------------------------------------------------------------------------------


def test_scs_sf_structure_and_published_keys() -> None:
    inst = instruments.load("scssf")
    assert (len(inst.items), inst.scale.min, inst.scale.max) == (12, 1, 5)
    assert {i.number for i in inst.items if i.reverse} == {1, 4, 8, 9, 11, 12}
    # The total mean only: the short form's two-item subscales are not reported.
    assert [s.id for s in inst.subscales] == ["total"]
    total = inst.subscale("total")
    assert (total.method, total.lower_is_better) == ("mean", False)
    assert inst.purpose == "check-in" and inst.pages == 1
    assert inst.items[0].text.startswith("When I fail at something important to me I become")
    assert inst.items[11].text.endswith("aspects of my personality I don’t like.")


def test_scs_sf_total_mean_worked_by_hand() -> None:
    # Answers 1..12: 2 4 3 2 4 3 4 1 2 3 1 2. Reverse (6 - x) on 1, 4, 8, 9, 11, 12:
    # item 1: 2 -> 4, item 4: 2 -> 4, item 8: 1 -> 5, item 9: 2 -> 4, item 11: 1 -> 5,
    # item 12: 2 -> 4. Keyed: 4 4 3 4 4 3 4 5 4 3 5 4, sum 47, mean 47 / 12 = 3.9167.
    result = scored("scssf", [2, 4, 3, 2, 4, 3, 4, 1, 2, 3, 1, 2])
    assert result["total"] == pytest.approx(47 / 12)
    # All 5: six plain items give 5, six reversed give 1: (30 + 6) / 12 = 3.0.
    assert scored("scssf", [5] * 12)["total"] == 3.0
    # The most self-compassionate answers (5 on plain, 1 on reversed items) give 5.0.
    best = [1 if n in {1, 4, 8, 9, 11, 12} else 5 for n in range(1, 13)]
    assert scored("scssf", best)["total"] == 5.0


def test_scs_sf_reliable_change_with_the_published_figures() -> None:
    inst = instruments.load("scssf")
    # Earlier: every keyed answer 2 (answers 4 on reversed items, 2 on the others): 2.0.
    earlier = scored("scssf", [4, 2, 2, 4, 2, 2, 2, 4, 4, 2, 4, 4])["total"]
    assert earlier == 2.0
    # S_diff = sqrt(2) * 0.61 * sqrt(1 - .86) = 1.41421 * 0.61 * 0.374166 = 0.322781.
    # Change 47/12 - 2 = 1.916667; RCI = 1.916667 / 0.322781 = 5.938; higher is better.
    change = change_between(inst, "total", earlier, 47 / 12)
    assert change is not None and change.rule == "rci"
    assert change.s_diff == pytest.approx(0.322781, abs=1e-6)
    assert change.rci == pytest.approx(5.938, abs=1e-3)
    assert change.verdict == "reliable improvement"
    # Smallest change that counts: 1.96 * 0.322781 = 0.63265 on the 1-to-5 mean.
    assert change.threshold == pytest.approx(0.63265, abs=1e-5)
    small = change_between(inst, "total", 3.0, 3.5)  # 0.5 < 0.63: within the wobble
    assert small is not None and small.verdict == "no reliable change"
    fall = change_between(inst, "total", 3.5, 2.75)  # -0.75: a reliable fall
    assert fall is not None and fall.verdict == "reliable worsening"


# --- WHO-5 --------------------------------------------------------------------------------


def test_who5_structure() -> None:
    inst = instruments.load("who5")
    assert (len(inst.items), inst.scale.min, inst.scale.max) == (5, 0, 5)
    assert inst.scale.labels[0] == "At no time" and inst.scale.labels[-1] == "All of the time"
    sub = inst.subscale("wellbeing")
    assert (sub.method, sub.multiplier, sub.lower_is_better) == ("sum", 4.0, False)
    assert sub.change_points == 10 and sub.change_source
    assert not any(i.reverse for i in inst.items)
    assert inst.alerts == ()  # no crisis alert: a low well-being score is not a risk answer


@pytest.mark.parametrize(
    ("answers", "percentage", "cue_kinds"),
    [
        # 3+2+4+1+3 = 13 raw, x4 = 52%: not below 52, but item 4 is answered 1.
        ([3, 2, 4, 1, 3], 52.0, ["talk"]),
        # 3+3+3+2+2 = 13 raw = 52%, no answer at 0 or 1: no cue.
        ([3, 3, 3, 2, 2], 52.0, []),
        # 2+2+2+3+3 = 12 raw = 48%, below 52 (raw below 13); no answer at 0 or 1.
        ([2, 2, 2, 3, 3], 48.0, ["talk"]),
        # 1+0+2+2+2 = 7 raw = 28%: both cues, the score and single answers.
        ([1, 0, 2, 2, 2], 28.0, ["talk", "talk"]),
        ([5, 5, 5, 5, 5], 100.0, []),  # 25 x 4
        ([0, 0, 0, 0, 0], 0.0, ["talk", "talk"]),
    ],
)
def test_who5_percentage_and_cues(
    answers: list[int], percentage: float, cue_kinds: list[str]
) -> None:
    result = scored("who5", answers)
    assert result["wellbeing"] == percentage
    assert [c.kind for c in result.cues] == cue_kinds


def test_who5_change_uses_the_published_ten_points() -> None:
    inst = instruments.load("who5")
    # 48% -> 60%: +12 points, more than 10: a meaningful rise (higher is better).
    up = change_between(inst, "wellbeing", 48.0, 60.0)
    assert up is not None and up.rule == "points" and up.verdict == "reliable improvement"
    assert up.threshold == pytest.approx(10.0)
    # +12 in units of the rule: 12 / (10 / 1.96) = 2.352.
    assert up.rci == pytest.approx(2.352)
    # 48% -> 56%: +8, within 10: no meaningful change. 60% -> 48%: -12, a fall.
    assert change_between(inst, "wellbeing", 48.0, 56.0).verdict == "no reliable change"  # type: ignore[union-attr]
    assert change_between(inst, "wellbeing", 60.0, 48.0).verdict == "reliable worsening"  # type: ignore[union-attr]


def test_points_change_counts_only_more_than_the_rule() -> None:
    assert points_change(50, 60, points=10, lower_is_better=False).verdict == "no reliable change"
    assert points_change(50, 61, points=10, lower_is_better=False).verdict == "reliable improvement"
    assert points_change(61, 50, points=10, lower_is_better=True).verdict == "reliable improvement"
    assert math.isclose(points_change(0, 10, points=10, lower_is_better=False).rci, CRITICAL)
    with pytest.raises(ValueError):
        points_change(0, 1, points=0, lower_is_better=False)
    with pytest.raises(ValueError):
        points_change(math.nan, 1, points=10, lower_is_better=False)


def test_who5_zero_answers_are_answers() -> None:
    inst = instruments.load("who5")
    result = score(inst, {1: 0, 2: 0, 3: 0, 4: 0})
    assert isinstance(result, Incomplete) and result.missing == (5,)


# --- ECR-R --------------------------------------------------------------------------------

ECR_R_REVERSED = {9, 11, 20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36}


def test_ecr_r_structure_and_published_keys() -> None:
    inst = instruments.load("ecrr")
    assert (len(inst.items), inst.scale.min, inst.scale.max, inst.pages) == (36, 1, 7, 6)
    assert [i.number for i in inst.items_of("anxiety")] == list(range(1, 19))
    assert [i.number for i in inst.items_of("avoidance")] == list(range(19, 37))
    assert {i.number for i in inst.items if i.reverse} == ECR_R_REVERSED
    assert inst.items[0].text == "I'm afraid that I will lose my partner's love."
    assert inst.items[35].text == "My partner really understands me and my needs."
    assert inst.purpose == "starting-point"


def test_ecr_r_means_worked_by_hand() -> None:
    # Anxiety: the 16 plain items answered 5; item 9 answered 2 (keyed 8 - 2 = 6) and
    # item 11 answered 3 (keyed 5): (16 * 5 + 6 + 5) / 18 = 91 / 18 = 5.0556.
    # Avoidance: the 6 plain items (19, 21, 23, 24, 25, 32) answered 2, the 12 reversed
    # answered 6 (keyed 2): 36 / 18 = 2.0.
    answers = []
    for n in range(1, 37):
        if n <= 18:
            answers.append({9: 2, 11: 3}.get(n, 5))
        else:
            answers.append(6 if n in ECR_R_REVERSED else 2)
    result = scored("ecrr", answers)
    assert result["anxiety"] == pytest.approx(91 / 18)
    assert result["avoidance"] == 2.0
    # Everything 4 (the midpoint, its own mirror): both means 4.0.
    flat = scored("ecrr", [4] * 36)
    assert (flat["anxiety"], flat["avoidance"]) == (4.0, 4.0)


def test_ecr_r_change_has_no_verdict_without_cited_figures() -> None:
    inst = instruments.load("ecrr")
    assert all(s.reliability is None and s.rci_sd is None for s in inst.subscales)
    assert change_between(inst, "anxiety", 5.0, 3.0) is None


def test_ecr_r_change_gets_a_verdict_once_figures_are_cited() -> None:
    """The day the file cites a reliability and an SD, re-takes get an RCI (placeholders)."""
    raw = copy.deepcopy(_raw("ecrr"))
    for sub in raw["subscales"]:
        sub.update(reliability=0.9, reliability_source="x", rci_sd=1.0, rci_sd_source="y")
    inst = parse(raw)
    # S_diff = sqrt(2) * 1.0 * sqrt(.1) = 0.44721; 5.0 -> 4.0: RCI -2.236, lower is better.
    change = change_between(inst, "anxiety", 5.0, 4.0)
    assert change is not None and change.rci == pytest.approx(-2.23607, abs=1e-5)
    assert change.verdict == "reliable improvement"


def _raw(instrument_id: str) -> dict[str, Any]:
    import tomllib
    from importlib import resources

    text = resources.files("earned.instruments").joinpath(f"{instrument_id}.toml").read_text()
    return tomllib.loads(text)


# --- the file format's new parts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["cues"][0].pop("below"), "a cue needs subscale and below"),
        (lambda r: r["cues"][0].update(subscale="mood"), "unknown subscale mood"),
        (lambda r: r["cues"][1].update(item_at_most=5), "never or always be met"),
        (lambda r: r["cues"][1].update(below=3), "a cue needs subscale and below"),
        (lambda r: r["subscales"][0].pop("change_source"), "must be positive and cited"),
        (lambda r: r["subscales"][0].update(change_points=0), "must be positive and cited"),
        (lambda r: r["subscales"][0].pop("change_points"), "change_source of wellbeing without"),
    ],
)
def test_inconsistent_cues_and_change_rules_are_refused(change: Any, message: str) -> None:
    raw = copy.deepcopy(_raw("who5"))
    change(raw)
    with pytest.raises(ValueError, match=message):
        parse(raw)


def test_every_shipped_instrument_parses_and_is_available() -> None:
    assert {"scssf", "who5", "ecrr", "ecr", "phq9", "gad7"} <= set(instruments.available())
