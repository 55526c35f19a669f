"""Get help now, grounding and pause: reachable before setup, locked and unlocked."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from earned import content
from earned.store import repo
from tests.support.html import page
from tests.support.web import Web

SAFETY = ["/help", "/grounding", "/pause"]
NUMBERS = ["988", "741741", "116 123", "85258", "13 11 14", "9-8-8"]


def _states(web: Web, state: str) -> TestClient:
    if state == "unlocked":
        return web.unlocked_client()
    client = web.client()
    if state == "locked":
        web.unlocked_client()  # the journal exists and is open, but not for this browser
    return client


@pytest.mark.parametrize("state", ["before setup", "locked", "unlocked"])
def test_help_lists_every_crisis_line(web: Web, state: str) -> None:
    p = page(_states(web, state).get("/help"))
    assert p.one("h1").text == "Get help now"
    text = p.text
    for number in NUMBERS:
        assert number in text, number
    for region in ("United States", "United Kingdom & Ireland", "Australia", "Canada"):
        assert region in text
    assert "immediate danger" in text
    assert "findahelpline.com" in text
    # The default region (US) comes first, outside the "Other regions" list.
    first = p.select("h2")[0]
    assert first.text == "United States"
    first_lines = p.select("ul.lines")[0].text
    assert "988 Suicide & Crisis Lifeline" in first_lines
    assert "Call or text 988" in first_lines
    assert "116 123" not in first_lines
    assert p.one("summary").text == "Other regions"
    assert [h.text for h in p.select("h3")] == [
        "United Kingdom & Ireland",
        "Australia",
        "Canada",
    ]
    assert p.select("a", href="/grounding")


def test_help_ignores_an_unknown_saved_region(web: Web, unlocked: TestClient) -> None:
    # A region no longer in crisis.toml (e.g. from an old import) falls back to the default.
    store = web.vault.store
    assert store is not None
    with store.session() as s:
        repo.set_setting(session=s, key="region", value="atlantis")
    p = page(unlocked.get("/help"))
    assert p.select("h2")[0].text == content.load("crisis")["regions"]["us"]["name"]


def test_grounding_page(client: TestClient) -> None:
    p = page(client.get("/grounding"))
    assert p.one("h1").text == "One minute to land"
    steps = p.one("ol.steps").text
    assert "five things you can see" in steps
    assert "three sounds" in steps
    countdown = p.one("p.countdown")
    assert countdown.get("data-countdown") == "60"
    assert countdown.get("aria-live") == "polite"
    assert p.select("a", href="/help")


def test_pause_page(client: TestClient) -> None:
    p = page(client.get("/pause"))
    assert p.one("h1").text == "Paused"
    assert "Anything you saved is kept" in p.text
    assert p.select("a", href="/grounding")
    assert p.select("a", href="/help")
    assert p.select("a", href="/")


@pytest.mark.parametrize("url", SAFETY)
def test_safety_pages_do_not_unlock_or_set_a_session(web: Web, url: str) -> None:
    web.unlocked_client()
    client = web.client()
    r = client.get(url)
    assert "earned_session" not in r.headers.get("set-cookie", "")
    assert client.get("/reflect").status_code == 303


@pytest.mark.parametrize("url", SAFETY)
def test_safety_pages_are_not_writable(client: TestClient, url: str) -> None:
    r = client.post(url)
    assert r.status_code == 405
    assert "cannot be used this way" in page(r).one("p.message").text
