"""Jacobson–Truax Reliable Change Index, checked against numbers worked by hand."""

from __future__ import annotations

import math

import pytest

from earned import instruments
from earned.instruments import norms
from earned.instruments.reliable_change import CRITICAL, reliable_change, s_diff

# ECR anxiety: SD 0.8034 (norm table), r = .916 (instrument file).
#   1 - r          = 0.084
#   sqrt(0.084)    = 0.2898275
#   sqrt(2) * 0.8034 = 1.4142136 * 0.8034 = 1.1361792
#   S_diff         = 1.1361792 * 0.2898275 = 0.3292960
#   threshold      = 1.96 * 0.3292960 = 0.6454202
ANX_SD, ANX_R, ANX_SDIFF, ANX_THRESHOLD = 0.8034, 0.916, 0.3292960, 0.6454202
# ECR avoidance: SD 0.8396, r = .938.
#   sqrt(1 - .938) = sqrt(0.062) = 0.2489980
#   sqrt(2) * 0.8396 = 1.1873737
#   S_diff         = 1.1873737 * 0.2489980 = 0.2956537
AVO_SD, AVO_R, AVO_SDIFF = 0.8396, 0.938, 0.2956537


def test_s_diff_matches_the_hand_computation() -> None:
    assert s_diff(ANX_SD, ANX_R) == pytest.approx(ANX_SDIFF, abs=1e-6)
    assert s_diff(AVO_SD, AVO_R) == pytest.approx(AVO_SDIFF, abs=1e-6)
    # SD 1, r .75: sqrt(2) * 1 * sqrt(.25) = sqrt(2) / 2 = 0.7071068
    assert s_diff(1.0, 0.75) == pytest.approx(0.7071068, abs=1e-6)
    # r = 0: no reliability at all, S_diff = sqrt(2) * SD
    assert s_diff(2.0, 0.0) == pytest.approx(2.8284271, abs=1e-6)


def test_the_shipped_figures_are_the_ones_worked_above() -> None:
    """The hand examples use the real ECR figures, so the app shows these thresholds."""
    ecr = instruments.load("ecr")
    table = norms.load("ecr")
    assert table is not None
    assert table.subscales["anxiety"].sd == ANX_SD
    assert ecr.subscale("anxiety").reliability == ANX_R
    assert table.subscales["avoidance"].sd == AVO_SD
    assert ecr.subscale("avoidance").reliability == AVO_R


def test_anxiety_drop_of_0_70_is_a_reliable_improvement() -> None:
    # RCI = (2.80 - 3.50) / 0.3292960 = -0.70 / 0.3292960 = -2.12575
    change = reliable_change(3.50, 2.80, sd=ANX_SD, reliability=ANX_R, lower_is_better=True)
    assert change.rci == pytest.approx(-2.12575, abs=1e-4)
    assert change.s_diff == pytest.approx(ANX_SDIFF, abs=1e-6)
    assert change.threshold == pytest.approx(ANX_THRESHOLD, abs=1e-6)
    assert change.verdict == "reliable improvement"
    assert (change.before, change.after) == (3.50, 2.80)


def test_anxiety_drop_of_0_50_is_within_measurement_error() -> None:
    # RCI = -0.50 / 0.3292960 = -1.51839: |RCI| < 1.96, although the score went down.
    change = reliable_change(3.50, 3.00, sd=ANX_SD, reliability=ANX_R, lower_is_better=True)
    assert change.rci == pytest.approx(-1.51839, abs=1e-4)
    assert change.verdict == "no reliable change"


def test_anxiety_rise_of_0_70_is_a_reliable_worsening() -> None:
    change = reliable_change(2.80, 3.50, sd=ANX_SD, reliability=ANX_R, lower_is_better=True)
    assert change.rci == pytest.approx(2.12575, abs=1e-4)
    assert change.verdict == "reliable worsening"


def test_avoidance_rise_of_one_point() -> None:
    # RCI = 1.0 / 0.2956537 = 3.38234
    change = reliable_change(2.0, 3.0, sd=AVO_SD, reliability=AVO_R, lower_is_better=True)
    assert change.rci == pytest.approx(3.38234, abs=1e-4)
    assert change.verdict == "reliable worsening"


def test_no_change_at_all() -> None:
    change = reliable_change(3.0, 3.0, sd=ANX_SD, reliability=ANX_R, lower_is_better=True)
    assert change.rci == 0.0
    assert change.verdict == "no reliable change"


@pytest.mark.parametrize(
    ("before", "after", "lower_is_better", "verdict"),
    [
        # WHO-5 style (higher is better), SD 1, r .75 → S_diff 0.7071068, threshold 1.3859
        (40.0, 41.5, False, "reliable improvement"),  # RCI = 1.5 / 0.7071 = +2.121
        (41.5, 40.0, False, "reliable worsening"),  # RCI = -2.121
        (41.5, 40.0, True, "reliable improvement"),  # same numbers, direction flipped
        (40.0, 41.5, True, "reliable worsening"),
        (40.0, 41.0, False, "no reliable change"),  # RCI = 1.414 < 1.96
        (41.0, 40.0, True, "no reliable change"),
    ],
)
def test_direction_follows_lower_is_better(
    before: float, after: float, lower_is_better: bool, verdict: str
) -> None:
    change = reliable_change(
        before, after, sd=1.0, reliability=0.75, lower_is_better=lower_is_better
    )
    assert change.verdict == verdict
    assert change.rci == pytest.approx((after - before) / 0.7071068, abs=1e-5)


def _after_for_exact_rci(target: float, diff: float) -> float:
    """A change whose computed RCI is exactly `target` in floating point."""
    after = target * diff
    for _ in range(64):
        rci = after / diff
        if rci == target:
            return after
        after = math.nextafter(after, math.inf if rci < target else -math.inf)
    raise AssertionError("no float gives that RCI exactly")


@pytest.mark.parametrize("lower_is_better", [True, False])
def test_the_1_96_boundary_is_not_yet_reliable(lower_is_better: bool) -> None:
    """|RCI| must *exceed* 1.96; exactly 1.96 is still within measurement error."""
    diff = s_diff(ANX_SD, ANX_R)
    for sign in (1.0, -1.0):
        at = _after_for_exact_rci(sign * CRITICAL, diff)
        on_line = reliable_change(
            0.0, at, sd=ANX_SD, reliability=ANX_R, lower_is_better=lower_is_better
        )
        assert on_line.rci == sign * 1.96
        assert on_line.verdict == "no reliable change"

        beyond = math.nextafter(at, sign * math.inf)
        over = reliable_change(
            0.0, beyond, sd=ANX_SD, reliability=ANX_R, lower_is_better=lower_is_better
        )
        assert abs(over.rci) > 1.96
        falling = sign < 0
        better = falling if lower_is_better else not falling
        assert over.verdict == ("reliable improvement" if better else "reliable worsening")


def test_threshold_is_the_smallest_reliable_change() -> None:
    base = reliable_change(3.0, 3.0, sd=ANX_SD, reliability=ANX_R, lower_is_better=True)
    just_under = 3.0 - base.threshold * 0.999
    just_over = 3.0 - base.threshold * 1.001
    assert (
        reliable_change(3.0, just_under, sd=ANX_SD, reliability=ANX_R, lower_is_better=True).verdict
        == "no reliable change"
    )
    assert (
        reliable_change(3.0, just_over, sd=ANX_SD, reliability=ANX_R, lower_is_better=True).verdict
        == "reliable improvement"
    )


@pytest.mark.parametrize("reliability", [1.0, 1.5, -0.01, math.nan, math.inf])
def test_reliability_outside_0_to_1_is_rejected(reliability: float) -> None:
    with pytest.raises(ValueError, match="reliability"):
        s_diff(0.8, reliability)
    with pytest.raises(ValueError, match="reliability"):
        reliable_change(1.0, 2.0, sd=0.8, reliability=reliability, lower_is_better=True)


@pytest.mark.parametrize("sd", [0.0, -0.8, math.nan, math.inf, -math.inf])
def test_sd_must_be_positive_and_finite(sd: float) -> None:
    with pytest.raises(ValueError, match="sd"):
        s_diff(sd, 0.9)
    with pytest.raises(ValueError, match="sd"):
        reliable_change(1.0, 2.0, sd=sd, reliability=0.9, lower_is_better=True)


@pytest.mark.parametrize(
    ("before", "after"), [(math.nan, 2.0), (2.0, math.nan), (math.inf, 2.0), (2.0, -math.inf)]
)
def test_non_finite_scores_are_rejected_not_called_worsening(before: float, after: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        reliable_change(before, after, sd=0.8, reliability=0.9, lower_is_better=True)
