"""Properties of questionnaire scoring (earned.instruments.scoring), on the shipped
instruments and on made-up ones that pass the same validation: scores stay within what the
scale allows, reverse keys mirror, answer order does not matter, and an incomplete set
never gets a partial score."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from earned import instruments
from earned.instruments.model import Instrument, Subscale
from earned.instruments.scoring import Incomplete, Scores, alerts, check, keyed, score
from tests.support.properties import examples

SHIPPED = tuple(instruments.load(i) for i in instruments.available())


@st.composite
def made_up(draw: st.DrawFn) -> Instrument:
    """A valid instrument of any shape: scale, subscales, methods, multipliers, reverse
    keys, items counted in more than one subscale, and missing-answer codes."""
    low = draw(st.integers(-3, 3))
    high = draw(st.integers(low + 1, low + 7))
    subs = draw(st.integers(1, 3))
    count = draw(st.integers(subs, 12))
    owners = [n % subs for n in range(count)]  # every subscale has at least one item
    raw: dict[str, Any] = {
        "id": "made-up",
        "format_version": 1,
        "name": "Made up",
        "short_name": "MU",
        "instructions": "",
        "citation": "",
        "terms": "",
        "scale": {
            "min": low,
            "max": high,
            "labels": [str(v) for v in range(low, high + 1)],
            "missing": draw(st.lists(st.sampled_from([low - 1, high + 1, -99]), unique=True)),
        },
        "subscales": [
            {
                "id": f"s{s}",
                "name": f"S{s}",
                "method": draw(st.sampled_from(["mean", "sum"])),
                "lower_is_better": draw(st.booleans()),
                "multiplier": draw(st.sampled_from([1.0, 0.5, 2.0, 1 / 3, 1.25])),
            }
            for s in range(subs)
        ],
        "items": [
            {
                "number": n + 1,
                "text": f"item {n + 1}",
                "subscale": f"s{owners[n]}",
                "reverse": draw(st.booleans()),
                "extra_subscales": [
                    f"s{s}" for s in range(subs) if s != owners[n] and draw(st.booleans())
                ],
            }
            for n in range(count)
        ],
    }
    return instruments.parse(raw)


any_instrument = st.one_of(st.sampled_from(SHIPPED), made_up())


def on_scale(inst: Instrument) -> st.SearchStrategy[int]:
    return st.integers(inst.scale.min, inst.scale.max)


def complete_answers(inst: Instrument) -> st.SearchStrategy[dict[int, int]]:
    return st.fixed_dictionaries({item.number: on_scale(inst) for item in inst.items})


@st.composite
def instrument_and_answers(draw: st.DrawFn) -> tuple[Instrument, dict[int, int]]:
    inst = draw(any_instrument)
    return inst, draw(complete_answers(inst))


def bounds(inst: Instrument, sub: Subscale) -> tuple[float, float]:
    """The lowest and highest score a subscale can have, from the scale alone."""
    n = 1 if sub.method == "mean" else len(inst.items_of(sub.id))
    return n * inst.scale.min * sub.multiplier, n * inst.scale.max * sub.multiplier


def mirrored(inst: Instrument, answers: dict[int, int]) -> dict[int, int]:
    return {n: inst.scale.min + inst.scale.max - v for n, v in answers.items()}


def scored(inst: Instrument, answers: dict[int, int]) -> Scores:
    result = score(inst, answers)
    assert isinstance(result, Scores), result
    return result


@given(instrument_and_answers())
@examples(100)
def test_every_subscale_is_scored_within_the_range_the_scale_allows(
    case: tuple[Instrument, dict[int, int]],
) -> None:
    inst, answers = case
    result = scored(inst, answers)
    assert result.complete
    assert set(result.values) == {s.id for s in inst.subscales}
    for sub in inst.subscales:
        low, high = bounds(inst, sub)
        assert low <= result[sub.id] <= high, (sub.id, result[sub.id], low, high)
        if sub.method == "sum" and sub.multiplier == 1.0:
            assert result[sub.id].is_integer()


@given(instrument_and_answers())
@examples(100)
def test_a_band_is_named_exactly_when_the_score_lies_in_it(
    case: tuple[Instrument, dict[int, int]],
) -> None:
    inst, answers = case
    result = scored(inst, answers)
    for sub in inst.subscales:
        holding = [b.label for b in sub.bands if b.low <= result[sub.id] <= b.high]
        assert len(holding) <= 1  # bands never overlap (the loader refuses that)
        assert result.bands.get(sub.id) == (holding[0] if holding else None)
    # The shipped severity bands cover every total the questionnaire can give.
    if inst in SHIPPED:
        for sub in inst.subscales:
            assert not sub.bands or sub.id in result.bands


@given(instrument_and_answers(), st.randoms(use_true_random=False))
@examples(100)
def test_the_order_answers_are_given_in_does_not_matter(
    case: tuple[Instrument, dict[int, int]], rnd: Any
) -> None:
    inst, answers = case
    pairs = list(answers.items())
    rnd.shuffle(pairs)
    assert score(inst, dict(pairs)) == score(inst, answers)


@given(instrument_and_answers(), st.dictionaries(st.integers(), st.integers(), max_size=5))
@examples(100)
def test_answers_to_questions_the_instrument_does_not_have_are_ignored(
    case: tuple[Instrument, dict[int, int]], extra: dict[int, int]
) -> None:
    inst, answers = case
    numbers = {i.number for i in inst.items}
    noise = {k: v for k, v in extra.items() if k not in numbers}
    assert score(inst, {**noise, **answers}) == score(inst, answers)


@given(instrument_and_answers())
@examples(100)
def test_reverse_keying_is_an_involution_on_the_scale(
    case: tuple[Instrument, dict[int, int]],
) -> None:
    inst, answers = case
    scale = inst.scale
    points = range(scale.min, scale.max + 1)
    assert sorted(scale.reverse(v) for v in points) == list(points)  # onto the scale
    assert all(scale.reverse(scale.reverse(v)) == v for v in points)
    once = keyed(inst, answers)
    assert keyed(inst, once) == answers
    for item in inst.items:
        expected = scale.reverse(answers[item.number]) if item.reverse else answers[item.number]
        assert once[item.number] == expected


@given(instrument_and_answers())
@examples(100)
def test_mirroring_every_answer_mirrors_every_score(
    case: tuple[Instrument, dict[int, int]],
) -> None:
    """Answering min+max−v everywhere puts each score at the other end of its range,
    reverse-keyed items included: what is keyed one way is mirrored the other."""
    inst, answers = case
    result, opposite = scored(inst, answers), scored(inst, mirrored(inst, answers))
    for sub in inst.subscales:
        low, high = bounds(inst, sub)
        assert math.isclose(opposite[sub.id], low + high - result[sub.id], abs_tol=1e-9)


@given(instrument_and_answers(), st.data())
@examples(100)
def test_one_answer_up_a_point_moves_only_its_subscales_by_one_step(
    case: tuple[Instrument, dict[int, int]], data: st.DataObject
) -> None:
    """Up for a plainly keyed item, down for a reverse-keyed one, by one point's worth
    (1/n of the mean, or 1 of the sum, times the multiplier); other subscales stay."""
    inst, answers = case
    below_top = [i for i in inst.items if answers[i.number] < inst.scale.max]
    assume(below_top)
    item = data.draw(st.sampled_from(below_top))
    before = scored(inst, answers)
    after = scored(inst, {**answers, item.number: answers[item.number] + 1})
    direction = -1 if item.reverse else 1
    for sub in inst.subscales:
        counted = sub.id == item.subscale or sub.id in item.extra_subscales
        n = len(inst.items_of(sub.id)) if sub.method == "mean" else 1
        step = direction * sub.multiplier / n if counted else 0.0
        assert math.isclose(after[sub.id] - before[sub.id], step, abs_tol=1e-9), sub.id


@given(instrument_and_answers(), st.data())
@examples(100)
def test_an_unanswered_question_means_no_score_and_names_the_question(
    case: tuple[Instrument, dict[int, int]], data: st.DataObject
) -> None:
    inst, answers = case
    numbers = [i.number for i in inst.items]
    gone = data.draw(st.sets(st.sampled_from(numbers), min_size=1))
    codes = data.draw(
        st.fixed_dictionaries({n: st.sampled_from((None, *inst.scale.missing)) for n in gone})
    )
    given_answers = {n: v for n, v in answers.items() if n not in gone}
    given_answers.update({n: c for n, c in codes.items() if c is not None})
    result = score(inst, given_answers)
    assert isinstance(result, Incomplete)
    assert not result.complete
    assert result.missing == tuple(sorted(gone))
    assert result.invalid == ()
    assert f"{len(gone)} unanswered" in result.describe()


@given(instrument_and_answers(), st.data())
@examples(60)
def test_an_answer_off_the_scale_means_no_score_and_names_the_question(
    case: tuple[Instrument, dict[int, int]], data: st.DataObject
) -> None:
    inst, answers = case
    scale = inst.scale
    off = st.one_of(st.integers(max_value=scale.min - 1), st.integers(min_value=scale.max + 1))
    off = off.filter(lambda v: v not in scale.missing)
    bad = data.draw(st.dictionaries(st.sampled_from(list(answers)), off, min_size=1))
    result = score(inst, {**answers, **bad})
    assert isinstance(result, Incomplete)
    assert result.invalid == tuple(sorted(bad))
    assert result.missing == ()
    assert check(inst, {**answers, **bad}) == result


@given(st.sampled_from(SHIPPED), st.data())
@examples(100)
def test_an_alert_is_met_by_an_answer_at_or_above_its_level_finished_or_not(
    inst: Instrument, data: st.DataObject
) -> None:
    """Crisis resources follow one answer, however many others are missing; a code for
    a missing answer (or a value off the scale) never sets them off."""
    answers = data.draw(
        st.dictionaries(
            st.sampled_from([i.number for i in inst.items]),
            st.integers(inst.scale.min - 3, inst.scale.max + 3),
        )
    )
    met = alerts(inst, answers)
    for alert in inst.alerts:
        value = answers.get(alert.item)
        expected = value is not None and alert.at_least <= value <= inst.scale.max
        assert (alert in met) == expected
    assert set(met) <= set(inst.alerts)
    result = score(inst, answers)
    if isinstance(result, Scores):
        assert result.alerts == met
