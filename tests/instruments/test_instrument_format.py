"""The instrument format must hold the other questionnaires the roadmap needs.

Each instrument below is built here with its real *structure* (item count, scale,
subscales, keys, multiplier, bands, alerts) and placeholder wording ("item 1",
"point 0"): no validated item text is reproduced in this file. Expected scores
are worked out by hand in the comments.
"""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from earned import instruments
from earned.errors import EarnedError
from earned.instruments import parse
from earned.instruments.model import Instrument
from earned.instruments.scoring import Incomplete, Scores, score

COMMON = {
    "format_version": 1,
    "instructions": "placeholder instructions",
    "citation": "placeholder citation",
    "terms": "placeholder terms",
}


def labels(low: int, high: int) -> list[str]:
    return [f"point {v}" for v in range(low, high + 1)]


def items(subscale_of: dict[int, str], reverse: set[int], **extra: Any) -> list[dict[str, Any]]:
    return [
        {"number": n, "text": f"item {n}", "subscale": sub, "reverse": n in reverse, **extra}
        for n, sub in sorted(subscale_of.items())
    ]


# --- the instruments ----------------------------------------------------------------------

ECR_R_REVERSED = {9, 11, 20, 22, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36}


def ecr_r() -> dict[str, Any]:
    """ECR-R: 36 items on a 7-point scale; 1-18 anxiety, 19-36 avoidance; means."""
    return {
        **COMMON,
        "id": "ecr-r",
        "name": "ECR-R (structure only)",
        "short_name": "ECR-R",
        "scale": {"min": 1, "max": 7, "labels": labels(1, 7)},
        "subscales": [
            {"id": "anxiety", "name": "Anxiety", "method": "mean", "lower_is_better": True},
            {"id": "avoidance", "name": "Avoidance", "method": "mean", "lower_is_better": True},
        ],
        "items": items(
            {n: "anxiety" if n <= 18 else "avoidance" for n in range(1, 37)}, ECR_R_REVERSED
        ),
    }


SCS_SUBSCALES = {
    "self_kindness": (2, 6),
    "self_judgment": (11, 12),
    "common_humanity": (5, 10),
    "isolation": (4, 8),
    "mindfulness": (3, 7),
    "over_identification": (1, 9),
}
SCS_NEGATIVE = {"self_judgment", "isolation", "over_identification"}
SCS_REVERSED = {1, 4, 8, 9, 11, 12}  # the items of the three SCS_NEGATIVE subscales


def scs_sf() -> dict[str, Any]:
    """SCS-SF: 12 items, 5-point, six 2-item subscales plus a total over all twelve."""
    owner = {n: sub for sub, ns in SCS_SUBSCALES.items() for n in ns}
    subscales = [
        {"id": sub, "name": sub, "method": "mean", "lower_is_better": sub in SCS_NEGATIVE}
        for sub in SCS_SUBSCALES
    ]
    subscales.append({"id": "total", "name": "Total", "method": "mean", "lower_is_better": False})
    return {
        **COMMON,
        "id": "scs-sf",
        "name": "SCS-SF (structure only)",
        "short_name": "SCS-SF",
        "items_per_page": 5,
        "scale": {"min": 1, "max": 5, "labels": labels(1, 5)},
        "subscales": subscales,
        "items": items(owner, SCS_REVERSED, extra_subscales=["total"]),
    }


def who5() -> dict[str, Any]:
    """WHO-5: 5 items 0..5, raw sum times 4 gives 0..100; higher is better."""
    return {
        **COMMON,
        "id": "who-5",
        "name": "WHO-5 (structure only)",
        "short_name": "WHO-5",
        "scale": {"min": 0, "max": 5, "labels": labels(0, 5)},
        "subscales": [
            {
                "id": "wellbeing",
                "name": "Wellbeing",
                "method": "sum",
                "multiplier": 4,
                "lower_is_better": False,
                "bands": [
                    {"low": 0, "high": 28, "label": "low"},
                    {"low": 29, "high": 100, "label": "not low"},
                ],
            }
        ],
        "items": items({n: "wellbeing" for n in range(1, 6)}, set()),
    }


PHQ9_BANDS = [
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately severe"),
    (20, 27, "severe"),
]
GAD7_BANDS = [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]


def sum_scale(
    ident: str, n_items: int, bands: list[tuple[int, int, str]], alerts: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        **COMMON,
        "id": ident,
        "name": f"{ident} (structure only)",
        "short_name": ident.upper(),
        "scale": {"min": 0, "max": 3, "labels": labels(0, 3)},
        "subscales": [
            {
                "id": "total",
                "name": "Total",
                "method": "sum",
                "lower_is_better": True,
                "bands": [{"low": lo, "high": hi, "label": la} for lo, hi, la in bands],
            }
        ],
        "items": items({n: "total" for n in range(1, n_items + 1)}, set()),
        "alerts": alerts,
    }


def phq9() -> dict[str, Any]:
    return sum_scale("phq-9", 9, PHQ9_BANDS, [{"item": 9, "at_least": 1, "kind": "self-harm"}])


def gad7() -> dict[str, Any]:
    return sum_scale("gad-7", 7, GAD7_BANDS, [])


def scored(inst: Instrument, answers: dict[int, int]) -> Scores:
    result = score(inst, answers)
    assert isinstance(result, Scores), result
    return result


# --- ECR-R --------------------------------------------------------------------------------


def test_ecr_r_parses_with_36_items_on_7_points() -> None:
    inst = parse(ecr_r())
    assert len(inst.items) == 36
    assert (inst.scale.min, inst.scale.max, len(inst.scale.labels)) == (1, 7, 7)
    assert [i.number for i in inst.items_of("anxiety")] == list(range(1, 19))
    assert [i.number for i in inst.items_of("avoidance")] == list(range(19, 37))
    assert {i.number for i in inst.items if i.reverse} == ECR_R_REVERSED
    assert inst.scale.reverse(1) == 7 and inst.scale.reverse(7) == 1 and inst.scale.reverse(4) == 4
    assert inst.pages == 6


def test_ecr_r_scores_with_reverse_keys() -> None:
    inst = parse(ecr_r())
    # Everything answered 7. Anxiety: 16 plain items give 7, reversed 9 and 11 give 1:
    # (16*7 + 2*1) / 18 = 114 / 18 = 6.3333. Avoidance: 6 plain give 7, 12 reversed
    # give 1: (6*7 + 12*1) / 18 = 54 / 18 = 3.0.
    result = scored(inst, {n: 7 for n in range(1, 37)})
    assert result["anxiety"] == pytest.approx(114 / 18)
    assert result["avoidance"] == pytest.approx(3.0)
    # Items answered with their own number mod 7 + 1 (so 1..7 cycling); anxiety items
    # 1-18 give 2,3,4,5,6,7,1,2,3,4,5,6,7,1,2,3,4,5 (sum 70); reversing item 9
    # (raw 3 → 5) and 11 (raw 5 → 3) leaves the sum at 70: 70 / 18 = 3.8889.
    cycling = {n: n % 7 + 1 for n in range(1, 37)}
    assert scored(inst, cycling)["anxiety"] == pytest.approx(70 / 18)


# --- SCS-SF -------------------------------------------------------------------------------


def test_scs_sf_has_six_subscales_and_a_total_over_all_items() -> None:
    inst = parse(scs_sf())
    assert len(inst.items) == 12
    assert len(inst.subscales) == 7
    for sub, numbers in SCS_SUBSCALES.items():
        assert tuple(i.number for i in inst.items_of(sub)) == numbers
    assert len(inst.items_of("total")) == 12
    assert inst.pages == 3
    assert [i.number for i in inst.page_items(3)] == [11, 12]


def test_scs_sf_scores() -> None:
    inst = parse(scs_sf())
    # All answered 5: compassionate subscales 5, reversed ones 1; total (6*5 + 6*1)/12 = 3.
    result = scored(inst, {n: 5 for n in range(1, 13)})
    assert result["self_kindness"] == 5.0
    assert result["self_judgment"] == 1.0
    assert result["isolation"] == 1.0
    assert result["total"] == 3.0
    # Answers 1..12 mod 5 + 1 → item: 1→2, 2→3, 3→4, 4→5, 5→1, 6→2, 7→3, 8→4, 9→5,
    # 10→1, 11→2, 12→3. Keyed (reverse 6 - x on 1,4,8,9,11,12): 1→4, 4→1, 8→2, 9→1,
    # 11→4, 12→3. Self-kindness (2, 6) = (3 + 2)/2 = 2.5; self-judgment (11, 12) =
    # (4 + 3)/2 = 3.5; over-identification (1, 9) = (4 + 1)/2 = 2.5; total = keyed sum
    # 4+3+4+1+1+2+3+2+1+1+4+3 = 29, / 12 = 2.41667.
    result = scored(inst, {n: n % 5 + 1 for n in range(1, 13)})
    assert result["self_kindness"] == 2.5
    assert result["self_judgment"] == 3.5
    assert result["over_identification"] == 2.5
    assert result["total"] == pytest.approx(29 / 12)


# --- WHO-5 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected", "band"),
    [
        ([5, 4, 3, 2, 1], 60.0, "not low"),  # sum 15 × 4
        ([5, 5, 5, 5, 5], 100.0, "not low"),
        ([0, 0, 0, 0, 0], 0.0, "low"),
        ([1, 1, 1, 2, 2], 28.0, "low"),  # sum 7 × 4: top of the low band
        ([1, 1, 2, 2, 2], 32.0, "not low"),
    ],
)
def test_who5_sums_and_multiplies(answers: list[int], expected: float, band: str) -> None:
    inst = parse(who5())
    assert inst.subscale("wellbeing").multiplier == 4.0
    assert inst.subscale("wellbeing").lower_is_better is False
    result = scored(inst, dict(enumerate(answers, start=1)))
    assert result["wellbeing"] == expected
    assert result.bands["wellbeing"] == band


def test_zero_is_an_answer_on_a_scale_that_starts_at_zero() -> None:
    inst = parse(who5())
    result = score(inst, {1: 0, 2: 0, 3: 0, 4: 0})
    assert isinstance(result, Incomplete)
    assert result.missing == (5,)  # answered zeros are answers, not gaps
    assert isinstance(score(inst, {1: 0, 2: 0, 3: 0, 4: 0, 5: 6}), Incomplete)


# --- PHQ-9 and GAD-7 ----------------------------------------------------------------------


def answers_summing_to(total: int, n_items: int, last: int | None = None) -> dict[int, int]:
    """Answers on 0..3 adding up to `total`, optionally fixing the last item's value."""
    answers = dict.fromkeys(range(1, n_items + 1), 0)
    remaining = total
    if last is not None:
        answers[n_items] = last
        remaining -= last
    for n in range(1, n_items + (0 if last is not None else 1)):
        answers[n] = min(3, remaining)
        remaining -= answers[n]
    assert remaining == 0 and sum(answers.values()) == total
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [(lo, la) for lo, _hi, la in PHQ9_BANDS] + [(hi, la) for _lo, hi, la in PHQ9_BANDS],
)
def test_phq9_band_edges(total: int, band: str) -> None:
    inst = parse(phq9())
    item9 = max(0, total - 24)  # 27 cannot be reached without item 9
    result = scored(inst, answers_summing_to(total, 9, last=item9))
    assert result["total"] == total
    assert result.bands["total"] == band
    assert len(result.alerts) == (1 if item9 else 0)


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item_9_raises_the_alert(item9: int) -> None:
    inst = parse(phq9())
    result = scored(inst, answers_summing_to(4 + item9, 9, last=item9))
    assert [(a.item, a.kind) for a in result.alerts] == [(9, "self-harm")]
    # A low total does not hide it: 5 here is only "mild".
    assert result.bands["total"] in ("mild", "moderate")


def test_phq9_alert_not_raised_at_zero_nor_by_other_items() -> None:
    inst = parse(phq9())
    result = scored(inst, answers_summing_to(24, 9, last=0))
    assert result.alerts == ()
    assert result.bands["total"] == "severe"


def test_phq9_incomplete_answers_raise_no_alert_and_no_band() -> None:
    inst = parse(phq9())
    result = score(inst, {9: 3})
    assert isinstance(result, Incomplete)
    assert result.missing == tuple(range(1, 9))


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total: int, band: str) -> None:
    inst = parse(gad7())
    result = scored(inst, answers_summing_to(total, 7))
    assert result["total"] == total
    assert result.bands["total"] == band


def test_the_format_parses_from_toml_text_too() -> None:
    text = """
id = "toy"
format_version = 1
name = "Toy"
short_name = "T"
instructions = "x"
citation = "x"
terms = "x"
[scale]
min = 0
max = 2
labels = ["a", "b", "c"]
[[subscales]]
id = "s"
name = "S"
method = "sum"
lower_is_better = true
bands = [{ low = 0, high = 1, label = "low" }, { low = 2, high = 4, label = "high" }]
[[items]]
number = 1
text = "item 1"
subscale = "s"
[[items]]
number = 2
text = "item 2"
subscale = "s"
reverse = true
[[alerts]]
item = 1
at_least = 2
kind = "check-in"
"""
    inst = parse(tomllib.loads(text))
    # Answers 2, 0: item 2 reversed (0 → 2): sum 4, band high, alert on item 1.
    result = scored(inst, {1: 2, 2: 0})
    assert result["s"] == 4.0 and result.bands["s"] == "high"
    assert [a.kind for a in result.alerts] == ["check-in"]
    # The alert looks at the raw answer, not the keyed one.
    assert scored(inst, {1: 1, 2: 0}).alerts == ()


# --- the shipped ECR file -----------------------------------------------------------------


def test_shipped_instruments_load() -> None:
    assert "ecr" in instruments.available()
    ecr = instruments.load("ecr")
    assert ecr.id == "ecr" and len(ecr.items) == 36 and ecr.pages == 6
    assert instruments.load("ecr") is ecr  # cached


def test_unknown_instrument_is_a_clear_error() -> None:
    with pytest.raises(EarnedError, match="no questionnaire called 'nope'"):
        instruments.load("nope")


# --- parse errors -------------------------------------------------------------------------


def broken(change: Any) -> dict[str, Any]:
    raw = copy.deepcopy(phq9())
    change(raw)
    return raw


def _set(path: list[Any], value: Any) -> Any:
    def apply(raw: dict[str, Any]) -> None:
        target = raw
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["scale", "labels"], ["a", "b", "c"]), "one label is needed per scale point"),
        (_set(["scale", "labels"], ["a", "b", "c", "d", "e"]), "one label"),
        (_set(["items", 3, "subscale"], "mood"), "item 4 names unknown subscale mood"),
        (_set(["items", 3, "extra_subscales"], ["total", "mood"]), "unknown subscale mood"),
        (_set(["items", 3, "number"], 5), "numbered 1..n in order"),
        (lambda raw: raw["items"].pop(0), "numbered 1..n in order"),
        (lambda raw: raw["items"].reverse(), "numbered 1..n in order"),
        (lambda raw: [i.update(number=i["number"] - 1) for i in raw["items"]], "1..n"),
        (_set(["subscales", 0, "method"], "median"), "unknown scoring method median"),
        (
            lambda raw: raw["subscales"].append(dict(raw["subscales"][0], id="empty")),
            "subscale empty has no items",
        ),
        (
            lambda raw: raw["subscales"].append(dict(raw["subscales"][0])),
            "two subscales share an id",
        ),
        (_set(["scale", "missing"], [0]), "missing-answer code lies on the scale"),
        (_set(["alerts", 0, "item"], 10), "alert on item 10"),
        (_set(["alerts", 0, "at_least"], 4), "alert on item 9"),
        (_set(["alerts", 0, "at_least"], 0), "alert on item 9"),
        (_set(["subscales", 0, "bands", 1, "low"], 12), "band of total runs backwards"),
        (lambda raw: raw.pop("citation"), "missing field 'citation'"),
        (lambda raw: raw["scale"].pop("max"), "missing field 'max'"),
    ],
)
def test_inconsistent_files_are_refused(change: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        parse(broken(change))
    assert str(error.value).startswith("phq-9: ")


def test_every_instrument_above_is_accepted() -> None:
    """The error cases above start from a valid file; so do all the others here."""
    for raw in (ecr_r(), scs_sf(), who5(), phq9(), gad7()):
        inst = parse(raw)
        assert inst.id == raw["id"]
        assert all(i.text == f"item {i.number}" for i in inst.items)
