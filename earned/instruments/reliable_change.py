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


@dataclass(frozen=True)
class ReliableChange:
    before: float
    after: float
    rci: float
    s_diff: float
    verdict: Verdict

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


def reliable_change(
    before: float, after: float, *, sd: float, reliability: float, lower_is_better: bool
) -> ReliableChange:
    """Classify the change from `before` to `after` on one scale."""
    if not (math.isfinite(before) and math.isfinite(after)):
        # A NaN RCI fails every comparison and would be reported as "reliable worsening".
        raise ValueError("before and after must be finite scores")
    diff = s_diff(sd, reliability)
    rci = (after - before) / diff
    improving = rci < 0 if lower_is_better else rci > 0
    verdict: Verdict
    if abs(rci) <= CRITICAL:
        verdict = "no reliable change"
    elif improving:
        verdict = "reliable improvement"
    else:
        verdict = "reliable worsening"
    return ReliableChange(before=before, after=after, rci=rci, s_diff=diff, verdict=verdict)
