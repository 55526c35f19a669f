"""Get help now, grounding and pause: reachable before setup, locked and unlocked."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from earned import content
from earned.store import settings
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
    assert [s.text for s in p.main().select("summary")] == [
        "Other regions",
        "Where these numbers come from",
    ]
    assert [h.text for h in p.select("h3")] == [
        "United Kingdom & Ireland",
        "Canada",
        "Australia",
        "European Union",
        "España",
        "México",
        "Argentina",
        "Chile",
    ]
    assert p.select("a", href="/grounding")


def test_help_ignores_an_unknown_saved_region(web: Web, unlocked: TestClient) -> None:
    # A region no longer in crisis.toml (e.g. from an old import) falls back to the default.
    store = web.store
    with store.session() as s:
        settings.set_setting(session=s, key="region", value="atlantis")
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


def test_help_leads_with_tap_to_call_and_text_for_the_region(client: TestClient) -> None:
    """Large tel: and sms: buttons for the person's region, first; every line has a source
    and the month it was checked (data in earned/content/crisis.toml)."""
    from earned import content

    p = page(client.get("/help"))
    region = content.load("crisis")["regions"]["us"]
    # The region's lines come first on the page, before "Other regions".
    links = [a for a in p.select("a") if a.has_class("call") or a.has_class("text")]
    first = [a.get("href") for a in links[:3]]
    assert first == ["tel:988", "sms:988", "sms:741741?&body=HOME"]
    assert all((a.get("aria-label") or "").startswith(("Call ", "Text ")) for a in links)
    for line in region["lines"]:
        assert line["source"].startswith("https://") and len(line["checked"]) == 7
        assert f"{line['name']}: {line['source']}, checked {line['checked']}" in p.text


def test_every_region_s_lines_have_a_source_and_a_checked_month() -> None:
    from earned import content

    regions = content.load("crisis")["regions"]
    assert {"us", "uk-ie", "ca", "au", "eu", "es", "mx", "ar", "cl"} <= set(regions)
    for key, region in regions.items():
        for line in region["lines"]:
            assert line["source"].startswith("https://"), (key, line["name"])
            assert re.fullmatch(r"20\d\d-\d\d", line["checked"]), (key, line["name"])
            assert line.get("call") or line.get("text"), (key, line["name"])
            for number in (line.get("call"), line.get("text")):
                assert number is None or re.fullmatch(r"\*?\d{3,12}", number), number
