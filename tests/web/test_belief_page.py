"""A belief's page (earned.web.routes.beliefs): its evidence and alternative, strength
over time as a chart with a table beside it, re-rating (once per tap, bad input kept),
editing, the change since the first rating in words, calm mode, unknown ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import beliefs as rules
from earned.store import beliefs as belief_store
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, location

NOW = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(deps, "now", lambda: when)


def add(web: Web, client: TestClient, **data: str) -> str:
    sent = {"belief": "I am too much.", "strength": "85", "rerate_days": "14", **data}
    return location(web.post(client, "/beliefs", sent)).split("/")[2].split("?")[0]


def rate(web: Web, client: TestClient, belief_id: str, **data: str) -> str:
    return location(web.post(client, f"/beliefs/{belief_id}/rate", data))


def ratings(web: Web, belief_id: str) -> list[rules.Rating]:
    found: list[rules.Rating] = web._read(
        lambda s: belief_store.ratings(session=s, belief_id=belief_id)
    )
    return found


def test_the_record_shows_its_words(web: Web, unlocked: TestClient) -> None:
    belief_id = add(
        web,
        unlocked,
        evidence_for="Sam sighed <i>",
        evidence_against="Maya stayed",
        alternative="My needs are ordinary.",
    )
    p = page(unlocked.get(f"/beliefs/{belief_id}"))
    assert p.one("h1").text == "I am too much."
    record = p.one("dl.belief-record").text
    assert "Sam sighed <i>" in record and "Maya stayed" in record
    assert "My needs are ordinary." in record and "Every 14 days" in record
    assert p.select("a", href="/pause")
    assert "85 of 100" in p.one("p.belief-latest").text
    assert not p.select("svg")  # one rating: nothing to draw yet
    assert p.one("form", action=f"/beliefs/{belief_id}/rate")


def test_re_rating_twice_draws_strength_over_time(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, NOW)
    belief_id = add(web, unlocked)
    at(monkeypatch, NOW + 2 * WEEK)
    assert rate(web, unlocked, belief_id, strength="70", alternative_strength="30") == (
        f"/beliefs/{belief_id}?rated=1#strength"
    )
    at(monkeypatch, NOW + 4 * WEEK)
    rate(web, unlocked, belief_id, strength="60", note="after a good talk")
    assert [r.strength for r in ratings(web, belief_id)] == [85, 70, 60]
    p = page(unlocked.get(f"/beliefs/{belief_id}?rated=1"))
    assert rules.words()["rated"] in p.text
    change = p.one("p.belief-change").text
    assert "85 then, 60 now (25 points lower)" in change
    # Wide and narrow drawings, each with three points; the table says the same in rows.
    assert len(p.select("svg")) == 2
    assert len(p.select("circle")) == 6
    p.one("table.belief-ratings")
    rows = [r.text for r in p.select("td")]
    assert rows[:4] == ["30 Mar 2026", "60", "", "after a good talk"]
    assert all("from 85 to 60" in d.text for d in p.select("desc"))


def test_a_double_tap_rates_once(web: Web, unlocked: TestClient) -> None:
    belief_id = add(web, unlocked)
    rate(web, unlocked, belief_id, strength="70", client_token="tap")
    rate(web, unlocked, belief_id, strength="10", client_token="tap")
    assert [r.strength for r in ratings(web, belief_id)] == [85, 70]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"strength": ""}, "whole number"),
        ({"strength": "101"}, "101 is outside"),
        ({"strength": "50", "alternative_strength": "x"}, "whole number"),
        ({"strength": "50", "note": "n" * (rules.MAX_NOTE + 1)}, "501 characters"),
    ],
)
def test_a_refused_rating_keeps_what_was_typed(
    web: Web, unlocked: TestClient, data: dict[str, str], message: str
) -> None:
    belief_id = add(web, unlocked)
    r = web.post(unlocked, f"/beliefs/{belief_id}/rate", {"note": "kept", **data})
    assert r.status_code == 400
    p = page(r)
    assert message in p.one("p.error").text
    assert p.one("input", name="strength", id="strength-rate").get("value") == data["strength"]
    assert p.one("input", name="note").get("value") == data.get("note", "kept")
    assert len(ratings(web, belief_id)) == 1


def test_editing_changes_the_words_and_keeps_the_ratings(web: Web, unlocked: TestClient) -> None:
    belief_id = add(web, unlocked)
    r = web.post(
        unlocked, f"/beliefs/{belief_id}", {"belief": "I can be a lot.", "rerate_days": "28"}
    )
    assert location(r) == f"/beliefs/{belief_id}?saved=1"
    b: rules.Belief = web._read(lambda s: belief_store.get_belief(session=s, belief_id=belief_id))
    assert (b.belief, b.rerate_days, b.evidence_for) == ("I can be a lot.", 28, None)
    assert len(ratings(web, belief_id)) == 1


def test_a_refused_edit_opens_the_form_with_the_typed_words(web: Web, unlocked: TestClient) -> None:
    belief_id = add(web, unlocked)
    r = web.post(
        unlocked, f"/beliefs/{belief_id}", {"belief": "", "evidence_for": "typed <and> kept"}
    )
    assert r.status_code == 400
    p = page(r)
    assert "open" in p.one("details.belief-edit").attrs
    assert "Write the belief" in p.one("p.error").text
    assert p.one("textarea", name="evidence_for").text == "typed <and> kept"
    b: rules.Belief = web._read(lambda s: belief_store.get_belief(session=s, belief_id=belief_id))
    assert b.belief == "I am too much."


def test_calm_mode_rests_the_chart(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, NOW)
    belief_id = add(web, unlocked)
    at(monkeypatch, NOW + WEEK)
    rate(web, unlocked, belief_id, strength="60")
    web.post(unlocked, "/settings/calm", {"calm": "on", "next": "/"})
    p = page(unlocked.get(f"/beliefs/{belief_id}"))
    assert not p.select("svg") and not p.select("table.belief-ratings")
    assert p.select("div.calm-note")
    assert p.one("form", action=f"/beliefs/{belief_id}/rate")  # re-rating stays


@pytest.mark.parametrize(
    "url", ["/beliefs/{}", "/beliefs/{}/rate", "/beliefs/{}/archive", "/beliefs/{}#post"]
)
def test_an_unknown_belief_is_a_calm_404(web: Web, unlocked: TestClient, url: str) -> None:
    path = url.format("0" * 32).removesuffix("#post")
    if url.endswith("}"):
        r = unlocked.get(path)
    else:
        r = web.post(unlocked, path, {"belief": "x", "strength": "5"})
    assert r.status_code == 404
    assert "belief does not exist" in r.text
