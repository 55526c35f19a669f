"""Calm mode (earned.pacing, render()'s `calm`, POST /settings/calm): charts, scores and
trend views rest behind a gentle note, the practices stay, and nothing is deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from earned import pacing
from earned.episodes import Pattern
from earned.reports import export
from earned.store import activations, practices, toolkit
from earned.web import deps
from tests.support.html import Page, page
from tests.support.web import Web, location, values_for

NOTE = pacing.words()["calm"]["note"]


# --- helpers --------------------------------------------------------------------------------


def toggle(web: Web, client: TestClient, value: str, next_: str = "/data") -> Any:
    return web.post(client, "/settings/calm", {"calm": value, "next": next_})


def seed(web: Web, client: TestClient) -> dict[str, str]:
    """Two results, a recurring pattern, a practice and a rated tool: every hidden view has
    something to hide. Returns the ids the tests look up."""
    first = web.complete(client, values_for("high"))
    second = web.complete(client, values_for("low"))
    store = web.store
    now = deps.now()
    with store.session() as s:
        for days in (3, 2):
            a = activations.log_activation(session=s, intensity=6, now=now - timedelta(days=days))
            activations.update_details(
                session=s,
                activation_id=a.id,
                now=now,
                emotions=["abandoned"],
                named_in_moment=True,
                pattern=Pattern("scared", "no reply", "leaving", "being left", "text again"),
            )
        practices.log_practice(session=s, kind="grounding", seconds=180, now=now)
        tool = toolkit.add_tool(session=s, name="cold water on my wrists", now=now)
        toolkit.record_tool_use(session=s, tool_id=tool, before=8, after=3, now=now)
    return {"first": first, "second": second, "activation": a.id}


def everything(web: Web) -> dict[str, Any]:
    """All records, as an export sees them (without the export time and the settings)."""
    data: dict[str, Any] = web._read(lambda s: export.snapshot(session=s))
    return {k: v for k, v in data.items() if k not in ("exported_at", "settings")}


def is_resting(p: Page) -> bool:
    notes = p.select("div.calm-note")
    return bool(notes) and all(NOTE in n.text for n in notes)


# Each hidden view: the URL, and what shows there only when calm mode is off.
def _results(p: Page) -> bool:
    return bool(p.select("svg.plane") or p.select("table.scores") or p.select("table.trajectory"))


def _patterns(p: Page) -> bool:
    return bool(p.select("ol.recurring") or p.select("dl.shares") or p.select("ul.word-counts"))


def _weeks(p: Page) -> bool:
    return bool(p.select("ol.weeks") or p.select("progress"))


def _regulate(p: Page) -> bool:
    summary = p.select("ol.tool-summary") + p.select("ul.tool-summary")
    return _weeks(p) or "brings intensity down" in summary[0].text


def _toolkit(p: Page) -> bool:
    return bool(p.select("p.tool-stats")) or "median" in p.text


HIDDEN = [
    ("/results", _results),
    ("/results/{first}", _results),
    ("/results/{second}", _results),
    ("/patterns", _patterns),
    ("/regulate", _regulate),
    ("/regulate/log", _weeks),
    ("/regulate/toolkit", _toolkit),
]


# --- the setting -------------------------------------------------------------------------


def test_off_by_default_with_a_toggle_in_settings_and_the_footer(
    web: Web, unlocked: TestClient
) -> None:
    assert web.setting(pacing.CALM_MODE) is None
    p = page(unlocked.get("/data"))
    section = p.one("section", id="settings")
    assert "Settings" in section.text
    setting = p.one("section", id="calm-setting").text
    assert "Calm mode is off" in setting
    assert " ".join(pacing.words()["calm"]["about"].split()) in setting  # what it does
    assert not p.select("p.ok")
    # A hand-made ?calm=on does not claim a change that did not happen.
    assert not page(unlocked.get("/data?calm=on")).select("p.ok")
    forms = p.select("form", action="/settings/calm")
    assert len(forms) == 2  # in Settings, and the one-tap toggle in the footer
    assert [b.text for b in p.select("button") if b.text.startswith("Turn calm")] == [
        "Turn calm mode on",
        "Turn calm mode on",
    ]
    # The footer toggle is on every unlocked page and sends the person back to it.
    for url in ("/", "/regulate", "/reflect"):
        p = page(unlocked.get(url))
        footer = p.one("form", action="/settings/calm")
        assert footer.has_class("calm-toggle")
        nexts = [el.get("value") for el in p.select("input", name="next")]
        assert url in nexts


def test_toggle_on_and_off_from_settings(web: Web, unlocked: TestClient) -> None:
    assert location(toggle(web, unlocked, "on")) == "/data?calm=on#settings"
    assert web.setting(pacing.CALM_MODE) == "on"
    p = page(unlocked.get("/data?calm=on"))
    assert p.one("p.ok").text == pacing.words()["calm"]["now_on"]
    assert "Calm mode is on" in p.one("section", id="calm-setting").text
    assert [b.text for b in p.select("button") if b.text.startswith("Turn calm")] == [
        "Turn calm mode off",
        "Turn calm mode off",
    ]
    assert location(toggle(web, unlocked, "off")) == "/data?calm=off#settings"
    assert web.setting(pacing.CALM_MODE) == "off"
    message = page(unlocked.get("/data?calm=off")).one("p.ok").text
    assert message == pacing.words()["calm"]["now_off"]


def test_the_footer_toggle_returns_to_the_same_page(web: Web, unlocked: TestClient) -> None:
    assert location(toggle(web, unlocked, "on", "/regulate/toolkit")) == "/regulate/toolkit"
    assert location(toggle(web, unlocked, "off", "/results")) == "/results"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "",
        "javascript:alert(1)",
        "/regulate/toolkit/abc/use",  # the path of a refused POST: not a page to GET
        "/nowhere",
        "/data/region",
    ],
)
def test_the_toggle_never_sends_anywhere_else(web: Web, unlocked: TestClient, target: str) -> None:
    assert location(toggle(web, unlocked, "on", target)) == "/data?calm=on#settings"


@pytest.mark.parametrize("value", ["", "yes", "ON ", "1", "<b>on</b>"])
def test_toggle_refuses_other_values(web: Web, unlocked: TestClient, value: str) -> None:
    r = toggle(web, unlocked, value)
    if value.strip().lower() == "on":  # "ON " is read as on
        assert location(r).startswith("/data?calm=on")
        return
    assert r.status_code == 400
    assert "Calm mode can be switched on or off" in page(r).text
    assert web.setting(pacing.CALM_MODE) is None


def test_settings_address_leads_to_the_settings_section(unlocked: TestClient) -> None:
    assert location(unlocked.get("/settings")) == "/data#settings"


def test_a_locked_browser_sees_neither_calm_mode_nor_its_toggle(
    web: Web, unlocked: TestClient, stranger: TestClient
) -> None:
    toggle(web, unlocked, "on")
    for url in ("/help", "/grounding", "/pause", "/unlock"):
        p = page(stranger.get(url))
        assert not p.select("form", action="/settings/calm"), url
        assert not p.select("div.calm-note"), url


# --- the hidden views ---------------------------------------------------------------------


@pytest.mark.parametrize(("url", "shows_numbers"), HIDDEN)
def test_each_hidden_view_rests_behind_the_note_and_comes_back(
    web: Web, unlocked: TestClient, url: str, shows_numbers: Any
) -> None:
    ids = seed(web, unlocked)
    url = url.format(**ids)
    p = page(unlocked.get(url))
    assert shows_numbers(p), url
    assert not p.select("div.calm-note")
    before = everything(web)

    toggle(web, unlocked, "on", url)
    r = unlocked.get(url)
    assert r.status_code == 200
    p = page(r)
    assert is_resting(p), url
    assert not shows_numbers(p), url
    assert p.select("a", href="/data#settings")
    # The note offers to turn calm mode off right there and come back to this page.
    form = [f for f in p.select("form", action="/settings/calm")]
    assert form
    assert url in [el.get("value") for el in p.select("input", name="next")]

    assert location(toggle(web, unlocked, "off", url)) == url
    p = page(unlocked.get(url))
    assert shows_numbers(p), url
    assert not p.select("div.calm-note")
    assert everything(web) == before  # nothing was deleted or changed


def test_the_toolkit_list_stays_in_calm_mode(web: Web, unlocked: TestClient) -> None:
    seed(web, unlocked)
    toggle(web, unlocked, "on")
    p = page(unlocked.get("/regulate/toolkit"))
    assert p.one("h3.tool-name").text == "cold water on my wrists"
    assert p.select("form", action="/regulate/toolkit")  # add a tool
    assert p.main().select("summary")[0].text == "I just used this"
    assert "Your tools" in [h.text for h in p.select("h2")]
    p = page(unlocked.get("/regulate"))
    assert p.one("ul.tool-summary").text == "cold water on my wrists"
    # The practices themselves are all there.
    for href in ("/regulate/ground", "/regulate/sit", "/regulate/body-scan", "/regulate/toolkit"):
        assert p.select("a", href=href), href


def test_practice_pages_are_unchanged_in_calm_mode(web: Web, unlocked: TestClient) -> None:
    toggle(web, unlocked, "on")
    for url in (
        "/regulate/breathe?pattern=box",
        "/regulate/ground?step=1",
        "/regulate/sit",
        "/regulate/body-scan?step=1",
        "/grounding",
        "/help",
        "/moment",
    ):
        r = unlocked.get(url)
        assert r.status_code == 200, url
        assert not page(r).select("div.calm-note"), url


def test_home_in_calm_mode_is_practices_capture_and_help(web: Web, unlocked: TestClient) -> None:
    seed(web, unlocked)
    web.add_reflection(unlocked, "A note about today.")
    p = page(unlocked.get("/"))
    assert "Your starting point" in p.text
    assert "A note about today." in p.text

    toggle(web, unlocked, "on")
    p = page(unlocked.get("/"))
    assert p.one("form", action="/moment")  # one-tap capture
    practices = p.one("section.practices").text
    for name in ("breathing", "grounding", "Body scan", "Sit", "toolkit"):
        assert name in practices, name
    for href in ("/regulate/breathe", "/regulate/ground", "/regulate/body-scan", "/regulate/sit"):
        assert p.select("a", href=href), href
    assert p.select("a", href="/help")
    assert p.select("a", href="/grounding")
    assert "Your starting point" not in p.text
    assert "A note about today." not in p.text
    assert not p.select("a", href="/results")
    assert not p.select("a", href="/patterns")
    # The navigation rests the views that would only show the note.
    nav = p.one("nav", aria_label="Main").text
    assert "Patterns" not in nav and "Starting point" not in nav
    assert "Practise" in nav and "Settings" in nav
    assert "Progress" not in p.one("nav", aria_label="Tabs").text


def test_calm_mode_is_kept_across_lock_and_unlock(web: Web, unlocked: TestClient) -> None:
    toggle(web, unlocked, "on")
    web.leave(unlocked)
    assert web.sent_to_door(unlocked.get("/"))
    web.enter(unlocked)
    assert page(unlocked.get("/")).select("section.practices")


def test_calm_mode_is_read_once_per_request(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    toggle(web, unlocked, "on")
    calls: list[str] = []
    real = pacing.is_calm

    def counting(stored: str | None) -> bool:
        calls.append(str(stored))
        return real(stored)

    monkeypatch.setattr(pacing, "is_calm", counting)
    assert unlocked.get("/regulate").status_code == 200  # renders _weeks and the footer
    assert calls == ["on"]
