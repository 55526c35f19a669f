"""The demo person's core beliefs (earned.demo.beliefs): re-rated over months on their own
schedules with strength easing through a harder stretch, and origin-story passages that
are words of the story, linked to a belief, a pattern and a trigger."""

from __future__ import annotations

import statistics
from datetime import datetime
from itertools import pairwise

import pytest

from earned import demo, origin_links
from earned.reports import tables
from tests.support import T0

SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_beliefs_ease_over_months(seed: int) -> None:
    data = demo.generate(seed, T0)
    assert len(data["beliefs"]) == 3
    for b in data["beliefs"]:
        rated = [r for r in data["belief_ratings"] if r["belief_id"] == b["id"]]
        strengths = [r["strength"] for r in rated]
        first, last = (datetime.fromisoformat(rated[i]["rated_at"]) for i in (0, -1))
        assert len(rated) >= 6 and (last - first).days > 120, b["belief"]
        # Easing overall, not a straight line: the last quarter sits well below the first.
        quarter = max(2, len(strengths) // 4)
        assert statistics.mean(strengths[-quarter:]) < statistics.mean(strengths[:quarter]) - 10
        assert any(b2 > a for a, b2 in pairwise(strengths))
        assert b["rerate_days"] is not None


@pytest.mark.parametrize("seed", SEEDS)
def test_links_are_words_of_the_story_pointing_at_real_things(seed: int) -> None:
    data = demo.generate(seed, T0)
    entries = {e["id"]: e for e in data["entries"]}
    beliefs = {b["id"] for b in data["beliefs"]}
    triggers = {a["trigger"] for a in data["activations"] if a["trigger"]}
    kinds = set()
    for link in data["origin_links"]:
        entry = entries[link["entry_id"]]
        assert entry["kind"] == "origin"
        assert link["passage"] in entry["body"]
        kinds.add(link["target_kind"])
        if link["target_kind"] == "belief":
            assert link["target"] in beliefs
        elif link["target_kind"] == "trigger":
            assert link["target"] in triggers
        else:
            assert origin_links.PATTERN_JOIN in link["target"]
    assert kinds == {"belief", "pattern", "trigger"}


def test_the_belief_records_pass_their_import_checks_as_they_are() -> None:
    data = demo.generate(1, T0)
    for table in tables.TABLES:
        if table.key in ("beliefs", "belief_ratings", "origin_links"):
            assert data[table.key]
            for record in data[table.key]:
                assert tables._normalise(table, record) == record
