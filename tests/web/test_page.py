"""The page context (earned.web.page) and render(), which only formats what it is given.

The context is read once per request, by a dependency, and shared with any error page the
same request ends in; render() needs nothing but it (no app, no vault, no database)."""

from __future__ import annotations

import logging
from datetime import UTC

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from earned import content, pacing
from earned.store import settings
from earned.web.page import PageContext
from earned.web.render import render
from tests.support.html import Page, page
from tests.support.web import Web

CRISIS = content.load("crisis")


def bare_request(path: str = "/somewhere") -> Request:
    """A request with no app behind it: render() must not need one."""
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}
    return Request(scope)


def context(**given: object) -> PageContext:
    fields: dict[str, object] = {
        "request": bare_request(),
        "csrf": "token-for-this-page",
        "unlocked": False,
        "calm": False,
        "region": "us",
        "zone": UTC,
        "care": False,
    }
    return PageContext(**(fields | given))  # type: ignore[arg-type]


def rendered(ctx: PageContext, name: str = "error.html", **values: object) -> Page:
    response = render(ctx, name, {"message": "Said here.", **values})
    return Page(bytes(response.body).decode("utf-8"))


# --- render --------------------------------------------------------------------------------


def test_render_formats_a_locked_page_from_the_context_alone() -> None:
    p = rendered(context())
    assert p.one("p.message").text == "Said here."
    assert not p.select("a", href="/reflect")  # the private navigation is for the unlocked
    assert not p.select("form", action="/settings/calm")
    assert not p.select("section.care-panel")


def test_render_shows_what_the_context_says_about_the_session() -> None:
    p = rendered(context(unlocked=True, calm=True))
    assert p.select("a", href="/reflect")
    assert not p.select("a", href="/patterns")  # calm mode rests the views of numbers
    p.one("form", action="/settings/calm")
    assert {i.get("value") for i in p.select("input", name="csrf")} == {"token-for-this-page"}
    assert p.one("input", name="next").get("value") == "/somewhere"


@pytest.mark.parametrize("region", ["au", "uk-ie"])
def test_the_care_panel_shows_the_context_s_region_first(region: str) -> None:
    for ctx in (context(care=True, region=region), context(region=region)):
        p = rendered(ctx, show_care=not ctx.care)
        first = CRISIS["regions"][region]["lines"][0]["name"]
        p.one("section.care-panel")
        assert p.select("ul.lines")[0].text.startswith(first)


# --- the page context, through the app ------------------------------------------------------


def _save(web: Web, **chosen: str) -> None:
    store = web.store
    with store.session() as s:
        for key, value in chosen.items():
            settings.set_setting(session=s, key=key, value=value)


def test_a_locked_browser_gets_the_default_region_and_no_calm_mode(
    web: Web, unlocked: TestClient, stranger: TestClient
) -> None:
    _save(web, region="au", calm_mode="on")
    p = page(stranger.get("/help"))
    assert p.select("h2")[0].text == CRISIS["regions"]["us"]["name"]
    assert "Australia" in page(unlocked.get("/help")).select("h2")[0].text


def test_an_error_page_reuses_the_request_s_context(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The route's dependency read the settings; the 404 handler after it does not again.
    _save(web, calm_mode="on")
    calls: list[str | None] = []
    real = pacing.is_calm

    def counting(stored: str | None) -> bool:
        calls.append(stored)
        return real(stored)

    monkeypatch.setattr(pacing, "is_calm", counting)
    r = unlocked.get("/entries/" + "0" * 32 + "/edit")
    assert r.status_code == 404
    assert calls == ["on"]
    assert not page(r).select("a", href="/patterns")  # and the error page is calm too


def test_unreadable_settings_still_give_a_help_page(
    web: Web,
    unlocked: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("the settings say something private")

    monkeypatch.setattr(settings, "get_settings", broken)
    with caplog.at_level(logging.WARNING, logger="earned.web"):
        r = unlocked.get("/help")
    assert r.status_code == 200
    assert page(r).select("h2")[0].text == CRISIS["regions"]["us"]["name"]
    assert [rec.getMessage() for rec in caplog.records] == [
        "settings unreadable (RuntimeError); full page shown"
    ]
