"""Every page only server mode has (issue 14), in Chromium, taken from the server app's route
table (server_routes() in tests/support/server.py): signed in as the role the page is for,
at a phone's 390×844 and a desktop's 1280×800, light and dark. None scrolls sideways, none
has a serious or critical axe finding, each shows "Get help now", none asks for anything
off the loopback; a screenshot of each is kept as test-artifacts/pages/server-*.png.

The pages server mode shares with personal mode are walked by test_every_page.py. A new
server-only page fails here by name until it has a row in SERVER_PAGES.

The person's journal holds the demo's 18 months and a PHQ-9 whose item 9 was answered
above 0, shared in full with a clinician who has two people on the caseload, looked, and
suggested a practice; so the account page, the log, the caseload (with its alert) and the
person page are as full as a clinic's would be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from earned import demo
from earned.reports import export
from tests.support.browser import ARTIFACTS, DESKTOP, PHONE, Recorder, axe_check
from tests.support.routes import ROUTES, Route, name
from tests.support.server import ServerWeb, server_routes
from tests.support.server_browser import every_category, serve_server, sign_in
from tests.support.web import location

from .test_every_page import _overflow, _straddling

Role = Literal["person", "clinician", "nobody"]


@dataclass(frozen=True)
class ServerPage:
    """How to reach one server-only page: as whom, at which address (ids in braces), and
    for a page a form answers with, the button on that address that sends it."""

    role: Role
    url: str
    label: str
    submit: str | None = None
    fill: tuple[tuple[str, str], ...] = ()  # (field's label, what is typed) before submit


INVITE: Route = ("POST", "/sharing/invite")  # the page with the new invite code
TWO_STEP: Route = ("POST", "/account/two-step")  # the new key for an authenticator app
JOIN: Route = ("POST", "/clinic/join")  # a code that is not (or no longer) valid
SERVER_PAGES: dict[Route, ServerPage] = {
    ("GET", "/login"): ServerPage("nobody", "/login", "login"),
    ("GET", "/account"): ServerPage("person", "/account", "account"),
    ("GET", "/sharing/log"): ServerPage("person", "/sharing/log", "sharing-log"),
    ("GET", "/clinic"): ServerPage("clinician", "/clinic", "clinic"),
    ("GET", "/clinic/{person_id}"): ServerPage("clinician", "/clinic/{person}", "clinic-person"),
    INVITE: ServerPage("person", "/account", "sharing-invite", submit="Make an invite code"),
    TWO_STEP: ServerPage(
        "person", "/account", "account-two-step", submit="Set up two-step sign-in"
    ),
    JOIN: ServerPage(
        "clinician",
        "/clinic",
        "clinic-join-refused",
        submit="Accept",
        fill=(("Invite code", "AAAA-BBBB-CCCC"),),
    ),
}

SERVER_ONLY = [r for r in server_routes() if r[0] == "GET" and r not in set(ROUTES)]
CHECKED = [*SERVER_ONLY, INVITE, TWO_STEP, JOIN]
SHOTS = ARTIFACTS / "pages"
PERSON, OTHER, CLINICIAN = "ada", "ben", "cleo"
PHQ9_ITEM_9 = {f"q{n}": "1" for n in range(1, 10)}  # item 9 above 0: the caseload's alert


@dataclass
class Site:
    url: str
    ids: dict[str, str]
    contexts: dict[str, tuple[BrowserContext, Page, Recorder]]


def _open(browser: Browser, size: dict[str, Any], session: Any = None) -> Any:
    context = browser.new_context(**size, storage_state=session)
    context.set_default_timeout(10_000)
    recorder = Recorder()
    context.on("request", recorder.on_request)
    context.on("console", recorder.on_console)
    context.on("weberror", lambda e: recorder.on_page_error(e.error))
    return context, context.new_page(), recorder


def furnish(srv: ServerWeb) -> dict[str, str]:
    """Two people and a clinician, shared with as a clinic's would be; the ids to visit."""
    ada = srv.add(PERSON, display_name="Ada Okonkwo-Lindqvist")
    srv.add(OTHER, display_name="Ben")
    srv.add(CLINICIAN, "clinician", display_name="Dr Cleo Marsh")
    start = datetime.now(UTC) - timedelta(days=550)
    with srv.journal(ada).session() as s:
        export.restore(session=s, data=demo.generate(7, start, 18))
    owner = srv.signed_in(PERSON)
    assert location(srv.post(owner, "/checkin/phq9", PHQ9_ITEM_9)).startswith("/checkin/")
    clinician = srv.signed_in(CLINICIAN)
    for person, shared in (
        (owner, every_category()),
        (srv.signed_in(OTHER), {"share_results": "1"}),
    ):
        made = srv.post(person, "/sharing/invite", shared)
        code = made.text.split('class="invite-code"><code>')[1].split("<")[0]
        assert location(srv.post(clinician, "/clinic/join", {"code": code})).startswith("/clinic/")
    srv.post(owner, "/sharing/invite", {"share_results": "1"})  # one code not yet used
    suggested = {"choice": "practice|Box breathing", "note": "Before the Monday call"}
    srv.post(clinician, f"/clinic/{ada.id}/suggest", suggested)
    assert clinician.get("/clinic").status_code == 200  # looks, for the log
    assert clinician.get(f"/clinic/{ada.id}").status_code == 200
    # A clinician shared with before, what they saw changed, then stopped: the log's history.
    olga = srv.add("olga", "clinician", display_name="Dr Olga Reyes-Whitfield")
    made = srv.post(owner, "/sharing/invite", {"share_results": "1", "share_journal": "1"})
    code = made.text.split('class="invite-code"><code>')[1].split("<")[0]
    assert location(srv.post(srv.signed_in("olga"), "/clinic/join", {"code": code}))
    srv.post(owner, f"/sharing/{olga.id}", {"share_results": "1", "share_progress": "1"})
    srv.post(owner, f"/sharing/{olga.id}/stop")
    return {"person": str(ada.id)}


@pytest.fixture(scope="module")
def site(browser: Browser) -> Iterator[Site]:
    srv = ServerWeb()
    try:
        ids = furnish(srv)
        for url in serve_server(srv):
            contexts: dict[str, tuple[BrowserContext, Page, Recorder]] = {}
            for role, who in (("person", PERSON), ("clinician", CLINICIAN), ("nobody", None)):
                phone = _open(browser, PHONE)
                if who is not None:
                    sign_in(phone[1], url, who, lands="/" if role == "person" else "/clinic")
                contexts[f"phone-{role}"] = phone
                contexts[f"desktop-{role}"] = _open(browser, DESKTOP, phone[0].storage_state())
            yield Site(url, ids, contexts)
            for context, _page, recorder in contexts.values():
                context.close()
                if recorder.requests:
                    recorder.check()
    finally:
        srv.close()


@pytest.mark.parametrize("route", [pytest.param(r, id=name(r)) for r in CHECKED])
def test_every_server_page_fits_a_phone_and_passes_axe(
    site: Site, route: Route, axe_source: str
) -> None:
    sample = SERVER_PAGES.get(route)
    assert sample is not None, f"{name(route)} has no sample: add a row to SERVER_PAGES"
    url = sample.url.format(**site.ids)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size in ("phone", "desktop"):
        _context, page, _recorder = site.contexts[f"{size}-{sample.role}"]
        page.goto(site.url + url)
        page.wait_for_load_state()
        if sample.submit is not None:
            for field, typed in sample.fill:
                page.get_by_label(field).fill(typed)
            page.get_by_role("button", name=sample.submit).click()
            expect(page).to_have_url(re.compile(re.escape(site.url + route[1]) + "(#.*)?$"))
        else:  # the page itself, not the sign-in page it would lead to
            assert page.url == site.url + url, (url, page.url)
        expect(page.get_by_role("link", name="Get help now")).to_be_visible()
        if sample.role == "clinician":  # no tab bar: the top row keeps both destinations
            nav = page.get_by_role("navigation", name="Main")
            expect(nav.get_by_role("link", name="Caseload")).to_be_visible()
            expect(nav.get_by_role("link", name="Account")).to_be_visible()
        elif sample.role == "person":
            expect(page.get_by_role("link", name="Account & sharing")).to_be_visible()
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            shot = SHOTS / f"server-{sample.label}-{size}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
        page.emulate_media(color_scheme="light")
        assert _overflow(page) <= 0, f"{url} scrolls sideways by {_overflow(page)} px at {size}"
        assert _straddling(page) == [], f"{url} at {size}: a wrapped question sits on its border"
        if size == "phone":
            axe_check(page, axe_source, f"{name(route)} at 390 px")


def test_the_pages_checked_are_the_server_apps_own_pages() -> None:
    assert set(SERVER_PAGES) - set(CHECKED) == set(), "a sample for a route that is not served"
    for page in ("/login", "/account", "/sharing/log", "/clinic", "/clinic/{person_id}"):
        assert ("GET", page) in SERVER_ONLY
    assert ("GET", "/moment/{activation_id}") not in SERVER_ONLY  # walked by test_every_page
