"""The demo's inner practices (earned/demo/inner.py): a parts map of three or four parts,
moments that name their loudest part more often later on, secure-figure sessions and
compassion breaks over the months, and a couple of letters, all valid by the rules a new
record meets, and the rest of the demo untouched by them."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from earned import demo, journal, parts, regulation
from earned.demo.inner import add_inner
from earned.demo.moments import moments
from earned.demo.story import hard_stretches
from tests.support import T0

SEEDS = (0, 5)


@pytest.fixture(scope="module", params=SEEDS)
def data(request: pytest.FixtureRequest) -> dict[str, Any]:
    made: dict[str, Any] = demo.generate(request.param, T0)
    return made


def test_a_map_of_three_or_four_parts_one_put_away(data: dict[str, Any]) -> None:
    found = data["parts"]
    assert 3 <= len(found) <= 4
    assert sum(p["archived"] for p in found) == 1
    for p in found:
        assert parts.check_part(p["name"], **{k: p[k] for k in parts.FIELDS})["name"] == p["name"]
        assert all(p[k] for k in parts.FIELDS)
        assert p["created_at"] <= p["updated_at"] <= data["exported_at"]
    assert [p["created_at"] for p in found] == sorted(p["created_at"] for p in found)


def test_moments_name_a_loudest_part_more_often_later(data: dict[str, Any]) -> None:
    created = {p["id"]: p["created_at"] for p in data["parts"]}
    moments_ = data["activations"]
    named = [a for a in moments_ if a["part_id"]]
    assert len(named) > 40
    for a in named:
        assert a["part_id"] in created and created[a["part_id"]] < a["onset_at"]
    half = len(moments_) // 2
    share = [
        sum(bool(a["part_id"]) for a in m) / len(m) for m in (moments_[:half], moments_[half:])
    ]
    assert share[1] > share[0]
    assert len(Counter(a["part_id"] for a in named)) >= 3


def test_inner_practices_run_through_the_months_with_notes(data: dict[str, Any]) -> None:
    end = datetime.fromisoformat(data["exported_at"])
    kinds = Counter(p["kind"] for p in data["practices"])
    assert kinds[regulation.SECURE_FIGURE] > 20 and kinds[regulation.COMPASSION_BREAK] > 30
    for p in data["practices"]:
        regulation.check_practice(p["kind"], p["seconds"])
        assert regulation.check_note(p["note"]) == p["note"]
        started = datetime.fromisoformat(p["started_at"])
        assert started >= T0 and started + timedelta(seconds=p["seconds"]) <= end
    keys = [(p["started_at"], p["id"]) for p in data["practices"]]
    assert keys == sorted(keys)
    months = {p["started_at"][:7] for p in data["practices"] if p["kind"] in regulation.INNER_KINDS}
    assert len(months) >= 14
    breaks = [p["note"] for p in data["practices"] if p["kind"] == "compassion-break" and p["note"]]
    assert breaks and all(": " in line for note in breaks for line in note.splitlines())


def test_a_couple_of_letters(data: dict[str, Any]) -> None:
    found = [e for e in data["entries"] if e["kind"] == "letter"]
    assert 2 <= len(found) <= 4
    for e in found:
        journal.check_kind("letter", e["prompt"])
        assert journal.clean_body(e["body"]) == e["body"]
    keys = [(e["created_at"], e["id"]) for e in data["entries"]]
    assert keys == sorted(keys)


def test_the_rest_of_the_demo_is_untouched() -> None:
    """The inner records have their own generator: every other record is as without them."""
    seed, span = 3, int(18 * demo.DAYS_PER_MONTH)
    with_inner = demo.generate(seed, T0)
    rng = random.Random(seed)
    stretches = hard_stretches(rng)
    demo._assessments(rng, T0, span, stretches)
    demo._entries(rng, T0, span, stretches)
    plain = moments(rng, T0, span, stretches)
    for key in ("urge_delays", "tools", "tool_uses"):
        assert with_inner[key] == plain[key], key
    # The people ledger links moments to people too: those links are its own, not these.
    stripped = [{**a, "part_id": None, "person_id": None} for a in with_inner["activations"]]
    assert stripped == plain["activations"]
    others = [p for p in with_inner["practices"] if p["kind"] not in regulation.INNER_KINDS]
    assert others == plain["practices"]
    again: dict[str, Any] = {"activations": [dict(a) for a in plain["activations"]],
                             "practices": list(plain["practices"]), "entries": []}  # fmt: skip
    add_inner(again, seed=seed, start=T0, span_days=span)
    assert again["parts"] == with_inner["parts"]
