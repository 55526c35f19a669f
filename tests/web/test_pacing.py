"""Pacing for painful material: Pause on every hard page, a pause page that loses nothing,
content notes (a reusable partial), and the disclaimers in onboarding and the footer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from earned import content, pacing
from earned.web.render import templates
from tests.support.html import Page, page
from tests.support.web import PROMPTS, Web, location

DISCLAIMER = "not a medical device"
NOT_A_SUBSTITUTE = "not a substitute for therapy or emergency care"


def _ids(web: Web, client: TestClient) -> dict[str, str]:
    r = web.post(client, "/moment", {"intensity": "6"})
    activation = location(r).split("/")[2]
    entry = web.add_reflection(client, "A few honest words.")
    assert location(web.post(client, "/origin/write", {"body": "When I was small…"})).startswith(
        "/origin/write"
    )
    origin = next(e.id for e in web.entries("origin"))
    return {"activation": activation, "entry": entry, "origin": origin}


# The pages where a person may be close to painful material.
HARD_PAGES = [
    "/origin",
    "/origin/write",
    *[f"/reflect/{key}" for key in PROMPTS],
    "/moment/after",
    "/moment/{activation}",
    "/entries/{entry}/edit",
    "/entries/{origin}/edit",
]


def _pause(p: Page) -> None:
    links = p.select("a", href="/pause")
    assert links, "no Pause link"
    assert any(a.text == "Pause" for a in links)


@pytest.mark.parametrize("url", HARD_PAGES)
def test_pause_is_on_every_hard_page(web: Web, unlocked: TestClient, url: str) -> None:
    r = unlocked.get(url.format(**_ids(web, unlocked)))
    assert r.status_code == 200
    _pause(page(r))


@pytest.mark.parametrize("url", HARD_PAGES)
def test_pause_is_there_in_calm_mode_too(web: Web, unlocked: TestClient, url: str) -> None:
    ids = _ids(web, unlocked)
    web.post(unlocked, "/settings/calm", {"calm": "on"})
    _pause(page(unlocked.get(url.format(**ids))))


def test_pause_offers_grounding_and_a_way_home_and_loses_nothing(
    web: Web, unlocked: TestClient
) -> None:
    _ids(web, unlocked)
    before = [(e.id, e.body) for e in web.entries()]
    r = unlocked.get("/pause")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Paused"
    assert "Anything you saved is kept" in p.text
    for href in ("/grounding", "/", "/help", "/regulate/breathe", "/regulate/ground"):
        assert p.select("a", href=href), href
    assert not p.select("form", action="/pause")
    assert [(e.id, e.body) for e in web.entries()] == before
    # Pause leaves the journal open: coming back finds everything where it was.
    assert unlocked.get("/origin/write").status_code == 200


def test_pause_when_locked_offers_only_what_needs_no_unlock(client: TestClient) -> None:
    p = page(client.get("/pause"))
    assert p.select("a", href="/grounding")
    assert p.select("a", href="/help")
    assert not p.select("a", href="/regulate/breathe")


# --- content notes ---------------------------------------------------------------------------


def test_the_origin_story_opens_with_its_content_note(unlocked: TestClient) -> None:
    p = page(unlocked.get("/origin"))
    note = p.one("div.content-note")
    assert note.get("role") == "note"
    assert " ".join(pacing.content_note("origin")["text"].split()) in note.text
    assert p.one("a.button").get("href") == "/origin/write"
    assert p.select("a", href="/")  # not today
    assert not p.select("textarea")


@pytest.mark.parametrize("key", sorted(content.load("pacing")["notes"]))
def test_every_content_note_renders_through_the_partial(key: str) -> None:
    # Core-belief work (a later issue) shows its note the same way the origin story does.
    html = templates.get_template("safety/_content_note.html").render(
        note=pacing.content_note(key), ready_href="/somewhere"
    )
    p = Page(html)
    note = p.one("div.content-note")
    assert note.get("role") == "note"
    assert note.text.startswith("Content note")
    assert " ".join(content.load("pacing")["notes"][key]["text"].split()) in note.text
    assert p.one("a.button").get("href") == "/somewhere"
    assert p.one("a.button").text == "I'm ready to continue"
    assert p.select("a", href="/")
    assert p.one("a.pause").get("href") == "/pause"


def test_core_beliefs_has_a_content_note_ready() -> None:
    note = pacing.content_note("core_beliefs")
    assert note["title"] == "Content note"
    assert "Pause" in note["text"]
    with pytest.raises(KeyError):
        pacing.content_note("nothing-by-this-name")


# --- disclaimers ---------------------------------------------------------------------------


def test_onboarding_says_what_earned_is_not(web: Web, client: TestClient) -> None:
    web.set_up(client)
    p = page(client.get("/welcome"))
    text = p.text
    assert DISCLAIMER in text
    assert NOT_A_SUBSTITUTE in text
    assert "calm mode" in text


@pytest.mark.parametrize("url", ["/help", "/grounding", "/pause", "/setup"])
def test_the_footer_disclaimer_is_on_every_page(client: TestClient, url: str) -> None:
    footer = page(client.get(url)).one("footer").text
    assert DISCLAIMER in footer
    assert NOT_A_SUBSTITUTE in footer
