"""Properties of norm tables (earned.instruments.norms): mid-rank percentiles stay within
0–100, rise with the score and average 50 over the reference sample itself; building a
table ignores the order of the rows and the incomplete ones; Cronbach's alpha never
exceeds 1."""

from __future__ import annotations

import math
import random

from hypothesis import assume, given
from hypothesis import strategies as st

from earned import instruments
from earned.instruments import norms
from earned.instruments.model import Instrument
from earned.instruments.norms import SubscaleNorm
from earned.instruments.scoring import check
from tests.support.properties import examples

SHIPPED = tuple(instruments.load(i) for i in instruments.available())
ECR_TABLE = norms.load("ecr")
assert ECR_TABLE is not None


@given(st.sampled_from(sorted(ECR_TABLE.subscales)), st.floats(1, 5), st.floats(1, 5))
@examples(200)
def test_a_percentile_lies_within_0_and_100_and_rises_with_the_score(
    sub: str, a: float, b: float
) -> None:
    table = ECR_TABLE.subscales[sub]
    low, high = sorted((a, b))
    assert 0 <= table.percentile(low) <= table.percentile(high) <= 100


@st.composite
def samples(draw: st.DrawFn) -> tuple[Instrument, list[dict[int, int]]]:
    """An instrument and reference rows for it: mostly complete, some with a gap or an
    answer off the scale (skipped when the table is built)."""
    inst = draw(st.sampled_from(SHIPPED))
    numbers = [i.number for i in inst.items]
    value = st.integers(inst.scale.min, inst.scale.max)
    complete = st.fixed_dictionaries(dict.fromkeys(numbers, value))
    broken = complete.flatmap(
        lambda row: st.sampled_from(numbers).flatmap(
            lambda n: st.sampled_from([None, inst.scale.max + 1, *inst.scale.missing]).map(
                lambda bad: (
                    {k: v for k, v in row.items() if k != n} if bad is None else {**row, n: bad}
                )
            )
        )
    )
    rows = draw(st.lists(st.one_of(complete, complete, broken), min_size=2, max_size=25))
    return inst, rows


def built(inst: Instrument, rows: list[dict[int, int]]) -> dict[str, object] | None:
    """The table for `rows`, or None where the figures are undefined: fewer than two
    complete rows (no SD), or no spread in a subscale's totals (alpha divides by zero)."""
    try:
        return norms.build(inst, rows)
    except (ArithmeticError, ValueError):  # statistics.StatisticsError is a ValueError
        return None


@given(samples(), st.randoms(use_true_random=False))
@examples(50)
def test_building_a_table_ignores_row_order_and_incomplete_rows(
    sample: tuple[Instrument, list[dict[int, int]]], rnd: random.Random
) -> None:
    inst, rows = sample
    table = built(inst, rows)
    assume(table is not None)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert norms.build(inst, shuffled) == table
    complete = [r for r in rows if check(inst, r) is None]
    assert norms.build(inst, complete) == table
    assert table is not None and table["n_complete"] == len(complete)


@given(samples())
@examples(50)
def test_a_built_table_describes_its_rows(
    sample: tuple[Instrument, list[dict[int, int]]],
) -> None:
    """Counts add up to n, the mean of means lies on the scale, the SD is positive, alpha
    is at most 1, and the mid-rank percentiles of the sample itself average 50."""
    inst, rows = sample
    table = built(inst, rows)
    assume(table is not None)
    assert isinstance(table, dict)
    for sub in inst.subscales:
        figures = table["subscales"][sub.id]
        totals = {int(t): c for t, c in figures["totals"].items()}
        assert sum(totals.values()) == figures["n"] == table["n_complete"]
        assert figures["item_count"] == len(inst.items_of(sub.id))
        assert inst.scale.min <= figures["mean"] <= inst.scale.max
        assert figures["sd"] >= 0
        assert figures["alpha"] <= 1
        norm = SubscaleNorm(
            n=figures["n"],
            mean=figures["mean"],
            sd=figures["sd"],
            alpha=figures["alpha"],
            item_count=figures["item_count"],
            totals=totals,
        )
        mean_percentile = (
            sum(c * norm.percentile(t / norm.item_count) for t, c in totals.items()) / norm.n
        )
        assert math.isclose(mean_percentile, 50)


columns = st.integers(2, 6).flatmap(
    lambda k: st.integers(2, 12).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(1, 5), min_size=n, max_size=n), min_size=k, max_size=k
        )
    )
)


@given(columns, st.randoms(use_true_random=False))
@examples(100)
def test_cronbach_alpha_is_at_most_1_and_ignores_item_and_person_order(
    cols: list[list[int]], rnd: random.Random
) -> None:
    totals = [sum(person) for person in zip(*cols, strict=True)]
    assume(len(set(totals)) > 1)  # with no spread in the totals alpha is undefined
    alpha = norms.cronbach_alpha(cols)
    assert alpha <= 1 + 1e-12
    items = list(cols)
    rnd.shuffle(items)
    assert math.isclose(norms.cronbach_alpha(items), alpha, rel_tol=1e-9, abs_tol=1e-12)
    people = list(range(len(cols[0])))
    rnd.shuffle(people)
    reordered = [[col[p] for p in people] for col in cols]
    assert math.isclose(norms.cronbach_alpha(reordered), alpha, rel_tol=1e-9, abs_tol=1e-12)
