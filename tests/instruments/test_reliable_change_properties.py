"""Properties of the Reliable Change Index (earned.instruments.reliable_change) and of the
SD it is built from (earned.assessment.rci_sd): swapping the two scores flips the sign,
no change is never a verdict, bigger changes never count for less, and the verdict is the
|RCI| > 1.96 rule as implemented."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from earned import instruments
from earned.assessment import change_between, rci_sd
from earned.instruments import norms
from earned.instruments.model import Instrument
from earned.instruments.reliable_change import CRITICAL, reliable_change, s_diff
from earned.instruments.scoring import Scores, score
from tests.support.properties import examples

NO_CHANGE = "no reliable change"
FLIPPED = {
    "reliable improvement": "reliable worsening",
    "reliable worsening": "reliable improvement",
    NO_CHANGE: NO_CHANGE,
}

scores = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
sds = st.floats(1e-3, 1e3)
reliabilities = st.floats(0, 1, exclude_max=True).filter(lambda r: r < 1 - 1e-12)


@given(scores, scores, sds, reliabilities, st.booleans())
@examples(100)
def test_swapping_before_and_after_flips_the_sign_and_the_verdict(
    before: float, after: float, sd: float, r: float, lower_is_better: bool
) -> None:
    there = reliable_change(before, after, sd=sd, reliability=r, lower_is_better=lower_is_better)
    back = reliable_change(after, before, sd=sd, reliability=r, lower_is_better=lower_is_better)
    assert back.rci == -there.rci
    assert back.s_diff == there.s_diff
    assert back.verdict == FLIPPED[there.verdict]


@given(scores, sds, reliabilities, st.booleans())
@examples(100)
def test_no_change_is_no_reliable_change(
    value: float, sd: float, r: float, lower_is_better: bool
) -> None:
    change = reliable_change(value, value, sd=sd, reliability=r, lower_is_better=lower_is_better)
    assert change.rci == 0
    assert change.verdict == NO_CHANGE


@given(scores, scores, sds, reliabilities, st.booleans())
@examples(100)
def test_the_verdict_follows_the_1_96_rule_and_the_direction_of_better(
    before: float, after: float, sd: float, r: float, lower_is_better: bool
) -> None:
    change = reliable_change(before, after, sd=sd, reliability=r, lower_is_better=lower_is_better)
    assert change.s_diff == s_diff(sd, r) > 0
    assert change.threshold == CRITICAL * change.s_diff
    assert math.isclose(change.rci, (after - before) / change.s_diff, rel_tol=1e-12)
    if abs(change.rci) <= CRITICAL:
        assert change.verdict == NO_CHANGE
    else:
        went_down = after < before
        assert change.verdict == (
            "reliable improvement" if went_down == lower_is_better else "reliable worsening"
        )
    # The threshold shown beside a verdict agrees with it, away from the boundary itself.
    gap = abs(after - before)
    if gap > change.threshold * (1 + 1e-9):
        assert change.verdict != NO_CHANGE
    if gap < change.threshold * (1 - 1e-9):
        assert change.verdict == NO_CHANGE


@given(scores, scores, sds, reliabilities, st.booleans())
@examples(100)
def test_which_way_is_better_only_names_the_direction(
    before: float, after: float, sd: float, r: float, lower_is_better: bool
) -> None:
    one = reliable_change(before, after, sd=sd, reliability=r, lower_is_better=lower_is_better)
    other = reliable_change(
        before, after, sd=sd, reliability=r, lower_is_better=not lower_is_better
    )
    assert other.rci == one.rci
    assert other.verdict == FLIPPED[one.verdict]


@given(scores, scores, scores, sds, reliabilities, st.booleans())
@examples(100)
def test_a_bigger_change_the_same_way_never_counts_for_less(
    before: float, a: float, b: float, sd: float, r: float, lower_is_better: bool
) -> None:
    near, far = sorted((a, b), key=lambda x: abs(x - before))
    assume((near - before) * (far - before) >= 0)  # the same way from `before`
    small = reliable_change(before, near, sd=sd, reliability=r, lower_is_better=lower_is_better)
    big = reliable_change(before, far, sd=sd, reliability=r, lower_is_better=lower_is_better)
    assert abs(big.rci) >= abs(small.rci)
    if small.verdict != NO_CHANGE:
        assert big.verdict == small.verdict
    # And the RCI rises with the later score.
    low, high = sorted((a, b))
    rises = reliable_change(before, low, sd=sd, reliability=r, lower_is_better=lower_is_better)
    assert (
        rises.rci
        <= reliable_change(before, high, sd=sd, reliability=r, lower_is_better=lower_is_better).rci
    )


@given(scores, scores, sds, sds, reliabilities, reliabilities)
@examples(100)
def test_a_noisier_measure_never_makes_a_change_more_reliable(
    before: float, after: float, sd1: float, sd2: float, r1: float, r2: float
) -> None:
    """A larger reference SD or a lower reliability widens S_diff: a change reliable on
    the noisier measure is reliable on the steadier one too."""
    noisy_sd, steady_sd = max(sd1, sd2), min(sd1, sd2)
    noisy_r, steady_r = min(r1, r2), max(r1, r2)
    assert s_diff(noisy_sd, noisy_r) >= s_diff(steady_sd, steady_r)
    noisy = reliable_change(before, after, sd=noisy_sd, reliability=noisy_r, lower_is_better=True)
    steady = reliable_change(
        before, after, sd=steady_sd, reliability=steady_r, lower_is_better=True
    )
    assert abs(steady.rci) >= abs(noisy.rci)
    if noisy.verdict != NO_CHANGE:
        assert steady.verdict == noisy.verdict


@given(
    scores,
    scores,
    st.one_of(st.floats(max_value=0), st.floats(allow_nan=True), st.just(math.inf)),
    reliabilities,
)
@examples(100)
def test_an_unusable_sd_is_refused_not_turned_into_a_verdict(
    before: float, after: float, sd: float, r: float
) -> None:
    assume(not (math.isfinite(sd) and sd > 0))
    with pytest.raises(ValueError):
        reliable_change(before, after, sd=sd, reliability=r, lower_is_better=True)


@given(
    scores,
    scores,
    sds,
    st.one_of(st.floats(max_value=0, exclude_max=True), st.floats(min_value=1), st.just(math.nan)),
)
@examples(100)
def test_a_reliability_outside_0_to_1_is_refused(
    before: float, after: float, sd: float, r: float
) -> None:
    with pytest.raises(ValueError):
        reliable_change(before, after, sd=sd, reliability=r, lower_is_better=True)


@given(st.one_of(st.just(math.nan), st.just(math.inf), st.just(-math.inf)), scores, st.booleans())
@examples(30)
def test_a_score_that_is_not_a_number_is_refused(bad: float, good: float, first: bool) -> None:
    before, after = (bad, good) if first else (good, bad)
    with pytest.raises(ValueError):
        reliable_change(before, after, sd=1.0, reliability=0.9, lower_is_better=True)


# --- the figures behind it: the reference SD of each shipped subscale ------------------------

# Every instrument whose results are compared over time. The ECR-RS (purpose
# "relationship") is shown per relationship without a reliable-change verdict: earned has no
# cited reliability and reference SD for it yet, so it claims none (its file states none).
SUBSCALES = [
    (i, s.id)
    for i in instruments.available()
    if instruments.load(i).purpose != "relationship"
    for s in instruments.load(i).subscales
]
# Shipped without cited figures to judge change by (no verdict, said so on the page).
UNJUDGED = {("ecrr", "anxiety"), ("ecrr", "avoidance")}
# Judged by a published points rule instead of an RCI (WHO-5: 10 percentage points).
BY_POINTS = {("who5", "wellbeing")}


def test_only_the_listed_subscales_go_without_an_rci() -> None:
    for inst_id, sub_id in SUBSCALES:
        inst = instruments.load(inst_id)
        sub = inst.subscale(sub_id)
        has_rci = rci_sd(inst, sub_id) is not None and sub.reliability is not None
        assert has_rci == ((inst_id, sub_id) not in UNJUDGED | BY_POINTS), (inst_id, sub_id)
        assert (sub.change_points is not None) == ((inst_id, sub_id) in BY_POINTS)


@given(st.sampled_from([w for w in SUBSCALES if w not in UNJUDGED | BY_POINTS]), st.data())
@examples(100)
def test_every_shipped_subscale_can_judge_any_pair_of_its_scores(
    which: tuple[str, str], data: st.DataObject
) -> None:
    """The norm table's SD wins over the file's own; either way it is usable, cited with
    a reliability, and turns any two possible scores into a verdict (never an error)."""
    inst_id, sub_id = which
    inst = instruments.load(inst_id)
    sub = inst.subscale(sub_id)
    sd = rci_sd(inst, sub_id)
    table = norms.load(inst_id)
    assert sd == (table.subscales[sub_id].sd if table else sub.rci_sd)
    assert sd is not None and math.isfinite(sd) and sd > 0
    assert sub.reliability is not None and 0 <= sub.reliability < 1
    before, after = (data.draw(possible_score(inst, sub_id)) for _ in range(2))
    change = reliable_change(
        before, after, sd=sd, reliability=sub.reliability, lower_is_better=sub.lower_is_better
    )
    assert change.verdict in FLIPPED
    if before == after:
        assert change.verdict == NO_CHANGE


@given(st.sampled_from(sorted(BY_POINTS)), st.data())
@examples(50)
def test_a_points_rule_judges_any_pair_of_scores(
    which: tuple[str, str], data: st.DataObject
) -> None:
    inst_id, sub_id = which
    inst = instruments.load(inst_id)
    before, after = (data.draw(possible_score(inst, sub_id)) for _ in range(2))
    change = change_between(inst, sub_id, before, after)
    assert change is not None and change.rule == "points"
    points = inst.subscale(sub_id).change_points
    assert points is not None
    assert (change.verdict != NO_CHANGE) == (abs(after - before) > points)


def possible_score(inst: Instrument, sub_id: str) -> st.SearchStrategy[float]:
    answers = st.fixed_dictionaries(
        {i.number: st.integers(inst.scale.min, inst.scale.max) for i in inst.items}
    )

    def subscale_score(a: dict[int, int]) -> float:
        result = score(inst, a)
        assert isinstance(result, Scores)
        return result[sub_id]

    return answers.map(subscale_score)
