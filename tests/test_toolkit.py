"""The self-soothing toolkit's rules (earned.toolkit): names, one active tool per name,
ratings, and ranking by the median drop in intensity."""

from __future__ import annotations

import pytest

from earned import toolkit
from earned.errors import EarnedError


def test_a_tool_name_is_required_and_limited() -> None:
    assert toolkit.check_tool_name("  cold water ") == "cold water"
    with pytest.raises(EarnedError, match="short name"):
        toolkit.check_tool_name("  ")
    with pytest.raises(EarnedError, match="121 characters"):
        toolkit.check_tool_name("n" * (toolkit.MAX_TOOL_NAME + 1))


def test_the_same_name_in_another_case_is_the_same_tool() -> None:
    active = {"t1": "Cold water", "t2": "Walk"}
    assert toolkit.same_tool("cold WATER", active) == "t1"
    assert toolkit.same_tool("swim", active) is None


def test_ratings_are_intensities() -> None:
    assert toolkit.check_ratings("7", 3) == (7, 3)
    with pytest.raises(EarnedError, match="11 is outside that"):
        toolkit.check_ratings(11, 3)
