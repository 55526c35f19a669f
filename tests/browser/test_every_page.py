"""Every page of the app in Chromium, taken from the route table (tests/support/routes.py):
at a phone's 390×844 and a desktop's 1280×800, light and dark. None scrolls sideways,
none has a serious or critical axe finding, none asks for anything off the loopback; a
screenshot of each is kept in test-artifacts/pages/ for a person to look at.

The journal is the seeded one (one of everything, so every address has real ids) with the
demo's 18 months added, so charts and lists are as full as a person's would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from earned import demo, paths
from earned.reports import export
from earned.store import personal
from tests.support import PASSPHRASE
from tests.support.browser import ARTIFACTS, DESKTOP, PHONE, Recorder, Server, axe_check, serve
from tests.support.journals import Template, copy_journal
from tests.support.routes import ROUTES, SAMPLES, Route, Seeded, name, seed

PAGES = [r for r in ROUTES if r[0] == "GET" and r in SAMPLES and SAMPLES[r].kind == "page"]
SHOTS = ARTIFACTS / "pages"


@dataclass
class Site:
    server: Server
    ids: dict[str, str]
    contexts: dict[str, tuple[BrowserContext, Page, Recorder]]


def _open(browser: Browser, server: Server, size: dict[str, Any], session: Any = None) -> Any:
    """A context at `size`; with `session` (a storage state) it shares that unlocked session:
    the app holds one session, and a second unlock would end the first."""
    context = browser.new_context(**size, storage_state=session)
    context.set_default_timeout(10_000)
    recorder = Recorder()
    context.on("request", recorder.on_request)
    context.on("console", recorder.on_console)
    context.on("weberror", lambda e: recorder.on_page_error(e.error))
    page = context.new_page()
    return context, page, recorder


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, journal_template: Template, browser: Browser
) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("every-page")
    seeded: Seeded = seed(root, journal_template)
    prof = paths.profile("b", root / "served")
    store = personal.open_with_key(prof, copy_journal(seeded.template, prof))
    try:
        start = datetime.now(UTC) - timedelta(days=550)
        with store.session() as s:
            export.restore(session=s, data=demo.generate(7, start, 18))
    finally:
        store.close()
    for server in serve(prof):
        phone = _open(browser, server, PHONE)
        page = phone[1]
        page.goto(server.url + "/unlock")
        page.get_by_label("Passphrase").fill(PASSPHRASE)
        page.get_by_role("button", name="Unlock").click()
        expect(page).to_have_url(server.url + "/")
        contexts = {
            "phone-unlocked": phone,
            "desktop-unlocked": _open(browser, server, DESKTOP, phone[0].storage_state()),
            "phone-locked": _open(browser, server, PHONE),
            "desktop-locked": _open(browser, server, DESKTOP),
        }
        yield Site(server, seeded.ids, contexts)
        for context, _page, recorder in contexts.values():
            context.close()
            if recorder.requests:  # a context no selected test used has nothing to check
                recorder.check()


def _overflow(page: Page) -> int:
    """How far the page is wider than the screen it was given. Measured against the
    viewport we set, not innerWidth: a phone browser zooms out to fit a page that is too
    wide, and innerWidth grows with it."""
    viewport = page.viewport_size
    assert viewport is not None
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width - viewport["width"]


def _straddling(page: Page) -> list[str]:
    """Legends of more than one line drawn on their box's border: the HTML "rendered
    legend" (not floated, not absolutely placed) sits on the top border line, and a
    wrapped question then cuts through it."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll("fieldset")].flatMap((f) => {
            const legend = f.querySelector(":scope > legend");
            if (!legend || !f.offsetParent) return [];
            if (getComputedStyle(f).borderTopStyle === "none") return [];
            const lines = legend.getBoundingClientRect().height
                / parseFloat(getComputedStyle(legend).lineHeight || "20");
            const style = getComputedStyle(legend);
            const placed = ["absolute", "fixed"].includes(style.position);
            const onBorder = style.float === "none" && !placed;
            return lines > 1.5 && onBorder ? [legend.textContent.trim().slice(0, 60)] : [];
        })"""
    )
    return found


@pytest.mark.parametrize("route", [pytest.param(r, id=name(r)) for r in PAGES])
def test_every_page_fits_a_phone_and_passes_axe(site: Site, route: Route, axe_source: str) -> None:
    sample = SAMPLES[route]
    state = "unlocked" if "unlocked" in sample.states else "locked"
    url = sample.url.format(**site.ids)
    SHOTS.mkdir(parents=True, exist_ok=True)
    label = url.strip("/").replace("/", "-").replace("?", "_").replace("=", "-") or "home"
    label = label.replace("&", "_")[:80]
    for size in ("phone", "desktop"):
        _context, page, _recorder = site.contexts[f"{size}-{state}"]
        page.goto(site.server.url + url)
        page.wait_for_load_state()
        if state == "unlocked":  # the page itself, not the unlock page it would lead to
            assert page.url == site.server.url + url, (url, page.url)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.screenshot(path=str(SHOTS / f"{label}-{size}-{scheme}.png"), full_page=True)
        page.emulate_media(color_scheme="light")
        assert _overflow(page) <= 0, f"{url} scrolls sideways by {_overflow(page)} px at {size}"
        assert _straddling(page) == [], f"{url} at {size}: a wrapped question sits on its border"
        if size == "phone":
            axe_check(page, axe_source, f"{url} at 390 px")


def test_the_pages_checked_are_the_route_tables_pages() -> None:
    assert len(PAGES) > 30  # found, not an empty list
    assert ("GET", "/moment/{activation_id}") in PAGES and ("GET", "/help") in PAGES
