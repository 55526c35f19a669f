"""Properties of ranking the self-soothing tools (earned.toolkit.rank_tools): every tool
once, its uses counted, its median drop between its smallest and largest drop, tried
tools before untried ones in falling order of median, and the order of uses irrelevant."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from earned.toolkit import ToolUse, rank_tools
from tests.support import T0
from tests.support.properties import examples, hostile_text

tool_sets = st.dictionaries(st.uuids().map(lambda u: u.hex[:8]), hostile_text(), max_size=6)


@st.composite
def tools_and_uses(draw: st.DrawFn) -> tuple[dict[str, str], list[ToolUse]]:
    tools = draw(tool_sets)
    ids = [*tools, "gone"]  # a use of a tool no longer listed is left out
    use = st.builds(
        ToolUse,
        tool_id=st.sampled_from(ids),
        before=st.integers(0, 10),
        after=st.integers(0, 10),
        used_at=st.just(T0),
    )
    return tools, draw(st.lists(use, max_size=30))


@given(tools_and_uses(), st.randoms(use_true_random=False))
@examples(100)
def test_tools_rank_by_median_drop_with_every_tool_once(
    case: tuple[dict[str, str], list[ToolUse]], rnd: random.Random
) -> None:
    tools, uses = case
    ranks = rank_tools(tools, uses)
    assert sorted(r.tool_id for r in ranks) == sorted(tools)
    for r in ranks:
        drops = [u.drop for u in uses if u.tool_id == r.tool_id]
        assert r.uses == len(drops) and r.name == tools[r.tool_id]
        if drops:
            assert r.median_drop is not None and min(drops) <= r.median_drop <= max(drops)
        else:
            assert r.median_drop is None
    medians = [r.median_drop for r in ranks]
    tried = [m for m in medians if m is not None]
    assert medians[: len(tried)] == tried  # untried tools come last
    assert tried == sorted(tried, reverse=True)
    shuffled = list(uses)
    rnd.shuffle(shuffled)
    assert rank_tools(tools, shuffled) == ranks
