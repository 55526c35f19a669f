"""The shipped PHQ-9 and GAD-7 files: wording, terms, bands, the item-9 alert, and reliable
change with the cited figures. Expected totals and RCIs are worked out by hand in comments.
"""

from __future__ import annotations

import copy
import math
import tomllib
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from earned import checkin, content, instruments
from earned.assessment import Assessment, overall_change, rci_sd, trajectory
from earned.cli import questionnaires
from earned.errors import EarnedError
from earned.instruments import norms, parse
from earned.instruments.reliable_change import CRITICAL, s_diff
from earned.instruments.scoring import Scores, alerts, score
from tests.support import T0

ROOT = Path(__file__).resolve().parents[2]

LABELS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
TERMS = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)
PHQ9_ITEMS = [
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
]
GAD7_ITEMS = [
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
]


def raw(instrument_id: str) -> dict[str, Any]:
    text = resources.files("earned.instruments").joinpath(f"{instrument_id}.toml").read_text()
    return tomllib.loads(text)


def scored(instrument_id: str, answers: list[int]) -> Scores:
    result = score(instruments.load(instrument_id), dict(enumerate(answers, start=1)))
    assert isinstance(result, Scores), result
    return result


# --- the files --------------------------------------------------------------------------------


def test_phq9_loads_with_the_published_wording_and_terms() -> None:
    phq = instruments.load("phq9")
    assert (phq.id, phq.short_name, phq.purpose) == ("phq9", "PHQ-9", "check-in")
    assert phq.instructions == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert [i.text for i in phq.items] == PHQ9_ITEMS
    assert list(phq.scale.labels) == LABELS
    assert (phq.scale.min, phq.scale.max, phq.scale.missing) == (0, 3, ())
    assert not any(i.reverse for i in phq.items)
    assert phq.pages == 1
    assert phq.terms.startswith(TERMS)
    assert "not a diagnosis" in phq.terms
    assert phq.citation.startswith("Kroenke, K., Spitzer, R. L., & Williams, J. B. W. (2001).")
    assert "Journal of General Internal Medicine, 16(9), 606-613" in phq.citation
    [total] = phq.subscales
    assert (total.id, total.method, total.lower_is_better) == ("total", "sum", True)
    assert [(a.item, a.at_least, a.kind) for a in phq.alerts] == [(9, 1, "crisis")]


def test_gad7_loads_with_the_published_wording_and_terms() -> None:
    gad = instruments.load("gad7")
    assert (gad.id, gad.short_name, gad.purpose) == ("gad7", "GAD-7", "check-in")
    assert gad.instructions == (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    )
    assert [i.text for i in gad.items] == GAD7_ITEMS
    assert list(gad.scale.labels) == LABELS
    assert gad.pages == 1
    assert gad.terms.startswith(TERMS)
    assert gad.citation.startswith(
        "Spitzer, R. L., Kroenke, K., Williams, J. B. W., & Löwe, B. (2006)."
    )
    assert "Archives of Internal Medicine, 166(10), 1092-1097" in gad.citation
    assert gad.alerts == ()


def test_the_checkins_are_phq9_gad7_who5_scssf_and_not_the_ecr() -> None:
    assert checkin.available() == ["phq9", "gad7", "who5", "scssf"]
    assert list(questionnaires.CHECKINS) == checkin.available()
    assert checkin.maximum(checkin.load("phq9")) == 27
    assert checkin.maximum(checkin.load("gad7")) == 21
    for name in ("ecr", "nope"):
        with pytest.raises(EarnedError, match="no check-in") as error:
            checkin.load(name)
        assert error.value.status == 404


# --- totals and bands at every edge -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "mild"),
        ([3, 3, 3, 1, 0, 0, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately severe"),
        ([3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "moderately severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 0], 24, "severe"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe"),
    ],
)
def test_phq9_band_edges(answers: list[int], total: int, band: str) -> None:
    result = scored("phq9", answers)
    assert result["total"] == total
    assert result.bands["total"] == band
    level = checkin.level(instruments.load("phq9"), result)
    assert (level.total, level.maximum, level.band) == (total, 27, band)
    assert level.text == content.load("checkin")["bands"][band]


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0, 0, 0, 0, 0, 0, 0], 0, "minimal"),
        ([2, 2, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0], 5, "mild"),
        ([3, 3, 3, 0, 0, 0, 0], 9, "mild"),
        ([3, 3, 3, 1, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0], 15, "severe"),
        ([3, 3, 3, 3, 3, 3, 3], 21, "severe"),
    ],
)
def test_gad7_band_edges(answers: list[int], total: int, band: str) -> None:
    result = scored("gad7", answers)
    assert result["total"] == total
    assert result.bands["total"] == band
    assert result.alerts == ()


def test_every_total_has_exactly_one_band_and_words() -> None:
    words = content.load("checkin")["bands"]
    for ident in ("phq9", "gad7"):  # the banded symptom scales (WHO-5 and SCS-SF have none)
        inst = instruments.load(ident)
        [total] = inst.subscales
        for value in range(checkin.maximum(inst) + 1):
            covering = [b.label for b in total.bands if b.low <= value <= b.high]
            assert len(covering) == 1, (ident, value, covering)
            assert words[covering[0]]


def test_incomplete_answers_get_no_total() -> None:
    result = score(instruments.load("phq9"), {n: 3 for n in range(1, 9)})
    assert not result.complete
    assert getattr(result, "missing", None) == (9,)


# --- the item-9 alert -------------------------------------------------------------------------


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_answer_above_zero_on_item_9_raises_the_alert(item9: int) -> None:
    # Everything else "Not at all": total = item9 (1-3), a "minimal" total, alert all the same.
    result = scored("phq9", [0] * 8 + [item9])
    assert result["total"] == item9
    assert result.bands["total"] == "minimal"
    assert [(a.item, a.kind) for a in result.alerts] == [(9, "crisis")]


def test_no_alert_at_zero_on_item_9_even_with_every_other_item_at_most() -> None:
    result = scored("phq9", [3] * 8 + [0])
    assert result["total"] == 24 and result.bands["total"] == "severe"
    assert result.alerts == ()


def test_the_alert_counts_the_moment_item_9_is_answered() -> None:
    phq = instruments.load("phq9")
    assert [a.item for a in alerts(phq, {9: 1})] == [9]
    assert alerts(phq, {9: 0}) == ()
    assert alerts(phq, {n: 3 for n in range(1, 9)}) == ()
    assert alerts(phq, {}) == ()
    assert alerts(instruments.load("gad7"), {n: 3 for n in range(1, 8)}) == ()


def test_a_missing_answer_code_never_raises_an_alert() -> None:
    toy = copy.deepcopy(raw("phq9"))
    toy["scale"]["missing"] = [7, 9]
    inst = parse(toy)
    assert alerts(inst, {9: 9}) == ()
    assert alerts(inst, {9: 7}) == ()
    assert [a.item for a in alerts(inst, {9: 2})] == [9]


# --- reliable change with the cited figures ---------------------------------------------------


def test_the_cited_figures_are_the_ones_used() -> None:
    phq, gad = instruments.load("phq9"), instruments.load("gad7")
    assert norms.load("phq9") is None and norms.load("gad7") is None
    assert (phq.subscales[0].reliability, rci_sd(phq, "total")) == (0.89, 3.5)
    assert (gad.subscales[0].reliability, rci_sd(gad, "total")) == (0.92, 3.4)
    for inst, author in ((phq, "Kroenke"), (gad, "Spitzer")):
        sub = inst.subscales[0]
        assert author in (sub.reliability_source or "")
        assert sub.rci_sd_source
    assert "Kocalevent" in (phq.subscales[0].rci_sd_source or "")
    assert "Löwe" in (gad.subscales[0].rci_sd_source or "")
    # The ECR keeps its own norm table's SD.
    ecr, table = instruments.load("ecr"), norms.load("ecr")
    assert table is not None
    assert rci_sd(ecr, "anxiety") == table.subscales["anxiety"].sd


def test_thresholds_worked_out_by_hand() -> None:
    # PHQ-9: S_diff = sqrt(2) * 3.5 * sqrt(1 - .89) = 1.41421 * 3.5 * 0.33166 = 1.64165;
    # 1.96 * 1.64165 = 3.2176 points. GAD-7: sqrt(2) * 3.4 * sqrt(.08) = 1.36000;
    # 1.96 * 1.36 = 2.6656 points.
    assert s_diff(3.5, 0.89) == pytest.approx(1.64165, abs=1e-5)
    assert CRITICAL * s_diff(3.5, 0.89) == pytest.approx(3.2176, abs=1e-4)
    assert s_diff(3.4, 0.92) == pytest.approx(1.36000, abs=1e-5)
    assert CRITICAL * s_diff(3.4, 0.92) == pytest.approx(2.6656, abs=1e-4)


def answers_for(instrument_id: str, total: int) -> dict[int, int]:
    """Answers adding up to `total`, filled from item 1, leaving PHQ-9 item 9 at 0."""
    count = len(instruments.load(instrument_id).items)
    out, left = {}, total
    for n in range(1, count + 1):
        out[n] = min(3, left) if not (instrument_id == "phq9" and n == 9) else 0
        left -= out[n]
    assert left == 0
    return out


def checkins(instrument_id: str, totals: list[int]) -> list[Assessment]:
    return [
        Assessment(
            id=f"{instrument_id}-{k}",
            instrument_id=instrument_id,
            started_at=T0 + timedelta(weeks=3 * k),
            completed_at=T0 + timedelta(weeks=3 * k, minutes=3),
            answers=answers_for(instrument_id, total),
        )
        for k, total in enumerate(totals)
    ]


@pytest.mark.parametrize(
    ("instrument_id", "totals", "rcis", "verdicts"),
    [
        # PHQ-9, S_diff 1.64165: 12 -> 8 is -4 / 1.64165 = -2.4366 (beyond 1.96, lower is
        # better); 8 -> 11 is +3 / 1.64165 = +1.8274 (within); 11 -> 15 is +2.4366.
        (
            "phq9",
            [12, 8, 11, 15],
            [-2.4366, 1.8274, 2.4366],
            ["reliable improvement", "no reliable change", "reliable worsening"],
        ),
        # GAD-7, S_diff 1.36: 10 -> 7 is -3 / 1.36 = -2.2059; 7 -> 9 is +1.4706;
        # 9 -> 12 is +2.2059.
        (
            "gad7",
            [10, 7, 9, 12],
            [-2.2059, 1.4706, 2.2059],
            ["reliable improvement", "no reliable change", "reliable worsening"],
        ),
    ],
)
def test_reliable_change_between_check_ins(
    instrument_id: str, totals: list[int], rcis: list[float], verdicts: list[str]
) -> None:
    steps = trajectory(checkins(instrument_id, totals))
    assert [st.scores["total"] for st in steps] == totals
    assert steps[0].changes == {}
    changes = [st.changes["total"] for st in steps[1:]]
    assert [c.rci for c in changes] == pytest.approx(rcis, abs=1e-4)
    assert [c.verdict for c in changes] == verdicts
    # From first to last: PHQ-9 12 -> 15 is +3 / 1.64165 = +1.8274, GAD-7 10 -> 12 is
    # +2 / 1.36 = +1.4706: both within measurement error.
    overall = overall_change(steps, "total")
    assert overall is not None
    assert overall.verdict == "no reliable change"
    assert overall.rci == pytest.approx(rcis[1], abs=1e-4)


def test_history_keeps_questionnaires_apart() -> None:
    mixed = checkins("phq9", [12, 8]) + checkins("gad7", [10, 3])
    phq = checkin.history(mixed, "phq9")
    gad = checkin.history(mixed, "gad7")
    assert [e.level.total for e in phq] == [12, 8]
    assert [e.level.total for e in gad] == [10, 3]
    assert phq[0].change is None and gad[0].change is None
    assert phq[1].change is not None and phq[1].change.before == 12
    assert gad[1].change is not None and gad[1].change.before == 10
    assert checkin.since_first(phq[:1]) is None
    since = checkin.since_first(gad)
    assert since is not None and since.verdict == "reliable improvement"  # -7 / 1.36 = -5.15


# --- the format extension: rci_sd and its checks ----------------------------------------------


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw("phq9"))
    change(data["subscales"][0])
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update(rci_sd=0), "rci_sd of total must be a positive number"),
        (lambda s: s.update(rci_sd=-3.5), "must be a positive number"),
        (lambda s: s.update(rci_sd=math.nan), "must be a positive number"),
        (lambda s: s.update(rci_sd=math.inf), "must be a positive number"),
        (lambda s: s.update(rci_sd="3.5"), "must be a positive number"),
        (lambda s: s.update(rci_sd=True), "must be a positive number"),
        (lambda s: s.pop("rci_sd_source"), "rci_sd of total needs its source"),
        (lambda s: s.update(rci_sd_source=""), "needs its source"),
        (lambda s: s.pop("rci_sd"), "rci_sd_source of total without an rci_sd"),
        (lambda s: s.pop("reliability"), "is of no use without a reliability"),
        (lambda s: s.update(reliability=1.0), "reliability of total must lie in \\[0, 1\\)"),
        (lambda s: s.update(reliability=-0.1), "must lie in"),
        (lambda s: s.update(reliability="high"), "must lie in"),
        (lambda s: s["bands"][1].update(low=4), "two bands of total overlap"),
        (lambda s: s["bands"].append({"low": 27, "high": 30, "label": "x"}), "overlap"),
    ],
)
def test_unusable_reliable_change_figures_are_refused(change: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        parse(broken(change))
    assert str(error.value).startswith("phq9: ")


def test_an_instrument_without_any_reference_sd_has_no_verdicts() -> None:
    data = copy.deepcopy(raw("gad7"))
    data["id"] = "gad7-no-sd"
    for key in ("rci_sd", "rci_sd_source"):
        data["subscales"][0].pop(key)
    inst = parse(data)
    assert inst.subscales[0].rci_sd is None
    assert rci_sd(inst, "total") is None


# --- the words and the docs -------------------------------------------------------------------


def test_the_words_describe_a_symptom_level_and_never_diagnose() -> None:
    words = content.load("checkin")
    assert words["level"] == "Symptom level over the last two weeks"
    assert "not a diagnosis" in words["not_diagnosis"]
    assert "only a clinician" in words["not_diagnosis"]
    ours = [str(v) for k, v in words.items() if isinstance(v, str)]
    ours += [str(v) for v in words["bands"].values()]
    ours += [str(i["about"]) for i in words["instruments"].values()]
    for text in ours:
        lowered = text.lower()
        for label in ("you have depression", "you have anxiety", "disorder", "depressed"):
            assert label not in lowered, (label, text)


def test_the_instruments_doc_quotes_the_figures_used() -> None:
    doc = " ".join((ROOT / "docs/instruments.md").read_text().split())  # lines unwrapped
    for ident, threshold in (("phq9", "3.22"), ("gad7", "2.67")):
        inst = instruments.load(ident)
        sub = inst.subscales[0]
        assert f"## {inst.short_name}" in doc
        assert inst.citation.split(" (")[0] in doc
        assert "No permission required to reproduce, translate, display or distribute" in doc
        assert f"{sub.reliability:.2f}".lstrip("0") in doc
        assert f"SD {sub.rci_sd}" in doc
        assert sub.rci_sd is not None and sub.reliability is not None
        assert f"{CRITICAL * s_diff(sub.rci_sd, sub.reliability):.2f}" == threshold
        assert threshold in doc
    assert "Kocalevent" in doc and "Löwe" in doc
