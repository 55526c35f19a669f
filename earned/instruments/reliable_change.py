"""Jacobson–Truax Reliable Change Index (Jacobson & Truax, 1991).

RCI = (x2 - x1) / S_diff, with S_diff = sqrt(2) * SD * sqrt(1 - r), where SD is
the standard deviation of a reference sample and r the scale's reliability.
|RCI| > 1.96 means the change is larger than measurement error alone would
produce 95% of the time. Pure functions only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

CRITICAL = 1.96

Verdict = Literal["reliable improvement", "no reliable change", "reliable worsening"]
# "rci": Jacobson-Truax from a reliability and a reference SD. "points": a published rule
# of a fixed number of points (WHO-5: 10 percentage points), for an instrument without a
# checked reliability and SD; `rci` is then the change in units of that rule (|rci| > 1.96
# exactly when the change exceeds the rule), and pages show points, not an RCI.
Rule = Literal["rci", "points"]


@dataclass(frozen=True)
class ReliableChange:
    before: float
    after: float
    rci: float
    s_diff: float
    verdict: Verdict
    rule: Rule = "rci"

    @property
    def threshold(self) -> float:
        """Smallest absolute change that would count as reliable."""
        return CRITICAL * self.s_diff


def s_diff(sd: float, reliability: float) -> float:
    """Standard error of the difference between two scores."""
    if not 0 <= reliability < 1:
        raise ValueError("reliability must be in [0, 1)")
    # NaN and infinity both slip past a plain `sd <= 0` and yield a meaningless verdict.
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError("sd must be a positive finite number")
    return math.sqrt(2) * sd * math.sqrt(1 - reliability)


def _verdict(rci: float, lower_is_better: bool) -> Verdict:
    improving = rci < 0 if lower_is_better else rci > 0
    if abs(rci) <= CRITICAL:
        return "no reliable change"
    return "reliable improvement" if improving else "reliable worsening"


def points_change(
    before: float, after: float, *, points: float, lower_is_better: bool
) -> ReliableChange:
    """Classify a change by a published rule of `points` (more than that counts)."""
    if not (math.isfinite(before) and math.isfinite(after)):
        raise ValueError("before and after must be finite scores")
    if not (math.isfinite(points) and points > 0):
        raise ValueError("points must be a positive finite number")
    diff = points / CRITICAL
    rci = (after - before) / diff
    return ReliableChange(before, after, rci, diff, _verdict(rci, lower_is_better), "points")


def reliable_change(
    before: float, after: float, *, sd: float, reliability: float, lower_is_better: bool
) -> ReliableChange:
    """Classify the change from `before` to `after` on one scale."""
    if not (math.isfinite(before) and math.isfinite(after)):
        # A NaN RCI fails every comparison and would be reported as "reliable worsening".
        raise ValueError("before and after must be finite scores")
    diff = s_diff(sd, reliability)
    rci = (after - before) / diff
    return ReliableChange(
        before=before, after=after, rci=rci, s_diff=diff, verdict=_verdict(rci, lower_is_better)
    )
