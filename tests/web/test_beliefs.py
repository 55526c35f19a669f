"""The core-beliefs list and the new-belief page (earned.web.routes.beliefs): the content
note before the first belief, the form's limits from the domain, saving with its first
rating, a double submit saving once, bad input kept next to its message, the gentle
"re-rating is due", and putting a belief away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import beliefs as rules
from earned import pacing
from earned.store import beliefs as belief_store
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, location

NOW = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)


def freeze(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(deps, "now", lambda: when)


def add(web: Web, client: TestClient, belief: str = "I am too much.", **data: str) -> str:
    sent = {"belief": belief, "strength": "80", **data}
    where = location(web.post(client, "/beliefs", sent))
    assert where.startswith("/beliefs/") and where.endswith("?saved=1"), where
    return where.split("/")[2].split("?")[0]


def listed(web: Web) -> list[belief_store.Listed]:
    found: list[belief_store.Listed] = web._read(
        lambda s: belief_store.list_beliefs(session=s, now=datetime.now(UTC))[0]
    )
    return found


def test_the_first_visit_opens_with_the_content_note(unlocked: TestClient) -> None:
    p = page(unlocked.get("/beliefs"))
    note = pacing.content_note("core_beliefs")
    assert " ".join(note["text"].split()) in p.text
    assert p.one("a.button", href="/beliefs/new").text == note["ready"]
    assert p.select("a", href="/pause")
    assert not p.select("ul.belief-list")


def test_the_new_page_takes_its_limits_from_the_domain(unlocked: TestClient) -> None:
    p = page(unlocked.get("/beliefs/new"))
    assert p.one("textarea", name="belief").get("maxlength") == str(rules.MAX_BELIEF)
    assert p.one("textarea", name="evidence_for").get("maxlength") == str(rules.MAX_TEXT)
    strength = p.one("input", name="strength")
    assert (strength.get("min"), strength.get("max")) == ("0", "100")
    assert p.one("input", name="rerate_days").get("value") == str(rules.RERATE_DEFAULT)
    assert p.select("a", href="/pause")
    assert len(p.one("input", name="client_token").get("value") or "") > 10


def test_a_new_belief_is_saved_with_its_first_rating(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, NOW)
    belief_id = add(
        web,
        unlocked,
        " If I ask, people pull away. ",
        alternative="Some people stay.",
        alternative_strength="20",
        evidence_against="Maya came over.",
        rerate_days="14",
    )
    [item] = listed(web)
    assert item.belief.id == belief_id
    assert (item.belief.belief, item.belief.alternative, item.belief.rerate_days) == (
        "If I ask, people pull away.",
        "Some people stay.",
        14,
    )
    assert item.latest is not None
    assert (item.latest.strength, item.latest.alternative_strength) == (80, 20)
    p = page(unlocked.get("/beliefs"))
    row = p.one("a.belief-words")
    assert (row.get("href"), row.text) == (f"/beliefs/{belief_id}", "If I ask, people pull away.")
    assert "80 of 100" in p.text and "mostly true" in p.text
    assert not p.select("p.belief-due")


def test_a_double_submit_saves_one_belief(web: Web, unlocked: TestClient) -> None:
    first = add(web, unlocked, client_token="same-tap")
    assert add(web, unlocked, "typed twice", client_token="same-tap") == first
    assert len(listed(web)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"belief": "", "strength": "70"}, "Write the belief"),
        ({"belief": "b" * (rules.MAX_BELIEF + 1), "strength": "70"}, "301 characters"),
        ({"belief": "ok", "strength": ""}, "whole number"),
        ({"belief": "ok", "strength": "²"}, "whole number"),
        ({"belief": "ok", "strength": "101"}, "101 is outside"),
        ({"belief": "ok", "strength": "50", "alternative_strength": "-4"}, "-4 is outside"),
        ({"belief": "ok", "strength": "50", "rerate_days": "999"}, "every 1 to 365"),
        ({"belief": "ok", "strength": "50", "origin_entry_id": "0" * 32}, "origin-story entry"),
        (
            {"belief": "ok", "strength": "50", "evidence_for": "e" * (rules.MAX_TEXT + 1)},
            "evidence for it is 4,001",
        ),
    ],
)
def test_bad_input_is_refused_next_to_the_form_keeping_what_was_typed(
    web: Web, unlocked: TestClient, data: dict[str, str], message: str
) -> None:
    data = {"evidence_against": "kept words <b>", **data}
    r = web.post(unlocked, "/beliefs", data)
    assert r.status_code == 400
    p = page(r)
    assert message in p.one("p.error").text
    assert p.one("textarea", name="evidence_against").text == "kept words <b>"
    assert "kept words &lt;b&gt;" in r.text
    assert listed(web) == []


def test_a_due_re_rating_is_shown_gently(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, NOW)
    belief_id = add(web, unlocked, rerate_days="7")
    add(web, unlocked, "no schedule", rerate_days="")
    freeze(monkeypatch, NOW + timedelta(days=30))
    p = page(unlocked.get("/beliefs"))
    [due] = p.select("p.belief-due")
    assert due.text == rules.words()["due"]
    assert p.one("a", href=f"/beliefs/{belief_id}#rate")
    for word in ("overdue", "late", "missed", "streak"):
        assert word not in p.text.lower()


def test_calm_mode_rests_the_numbers_on_the_list(web: Web, unlocked: TestClient) -> None:
    add(web, unlocked)
    web.post(unlocked, "/settings/calm", {"calm": "on", "next": "/beliefs"})
    p = page(unlocked.get("/beliefs"))
    assert "80 of 100" not in p.text and "mostly true" in p.text


def test_putting_away_and_bringing_back(web: Web, unlocked: TestClient) -> None:
    belief_id = add(web, unlocked)
    r = web.post(unlocked, f"/beliefs/{belief_id}/archive", {"archived": "yes"})
    assert location(r) == "/beliefs?archived=1"
    assert listed(web) == []
    p = page(unlocked.get("/beliefs?archived=1"))
    assert rules.words()["archived"] in p.text
    assert p.one("details.put-away")
    assert p.one("a", href=f"/beliefs/{belief_id}").text == "I am too much."
    r = web.post(unlocked, f"/beliefs/{belief_id}/archive", {"archived": "no"})
    assert location(r) == f"/beliefs/{belief_id}?restored=1"
    assert [x.belief.id for x in listed(web)] == [belief_id]


def test_words_that_suggest_danger_are_saved_and_bring_the_care_panel(
    web: Web, unlocked: TestClient
) -> None:
    r = web.post(
        unlocked, "/beliefs", {"belief": "I want to kill myself when they leave.", "strength": "90"}
    )
    assert location(r).endswith("?saved=1&care=1")
    assert len(listed(web)) == 1
    shown = page(unlocked.get(location(r)))
    assert shown.select("a", href="/help") and "988" in unlocked.get(location(r)).text
