"""Server mode (issue 14) end to end at phone size, in two browsers: a person and their
clinician, with accounts made the way a clinic's keeper makes them (`earned server add`:
earned.store.server.accounts, then Server.create_journal).

The person signs in, passes the welcome, logs a moment, invites the clinician to see their
results and journal writing; the clinician accepts the code, finds the person on the
caseload and on their page, and suggests a practice; the person leaves the suggestion for
now and then stops sharing, and the clinician's very next look finds nothing. The person's
log names the clinician for every look taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import ARTIFACTS, PHONE, Pages
from tests.support.server import ServerWeb
from tests.support.server_browser import serve_server, sign_in

PERSON, CLINICIAN = ("maya", "Maya"), ("ruth", "Ruth Adeyemi")
CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
SHOTS = ARTIFACTS / "journeys"


@pytest.fixture
def clinic() -> Iterator[tuple[ServerWeb, str, int]]:
    srv = ServerWeb()
    try:
        person = srv.add(PERSON[0], display_name=PERSON[1])
        srv.add(CLINICIAN[0], "clinician", display_name=CLINICIAN[1])
        for url in serve_server(srv):
            yield srv, url, person.id
    finally:
        srv.close()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"server-{name}.png"), full_page=True)


def test_a_person_shares_with_their_clinician_then_stops(
    clinic: tuple[ServerWeb, str, int], pages: Pages
) -> None:
    _srv, url, person_id = clinic
    me = pages.open(**PHONE)

    # The person: sign in, the welcome once, a moment logged from home.
    sign_in(me, url, PERSON[0], lands="/welcome")
    me.get_by_role("button", name="I'm ready").click()
    expect(me).to_have_url(url + "/")
    me.get_by_role("button", name="Save intensity 6", exact=True).click()
    expect(me).to_have_url(re.compile(r"/moment/[^/]+/saved$"))
    expect(me.get_by_role("status").get_by_role("heading", name="Noted.")).to_be_visible()

    # Account & sharing, from the foot of any page: an invite for results and journal only.
    me.get_by_role("link", name="Account & sharing").click()
    expect(me).to_have_url(url + "/account")
    expect(me.get_by_text("You are not sharing with anyone.")).to_be_visible()
    invite = me.locator("form[action='/sharing/invite']")
    choices = {
        "Questionnaire results": True,
        "Progress signs": False,
        "Details of logged moments": False,
        "Journal writing": True,
        "Practices and ladder tries": False,
        "Session-prep notes": False,
    }
    for words, wanted in choices.items():
        invite.get_by_label(re.compile(re.escape(words))).set_checked(wanted)
    invite.get_by_role("button", name="Make an invite code").click()
    expect(me).to_have_url(url + "/sharing/invite")
    code = me.locator(".invite-code code").inner_text().strip()
    assert CODE.match(code), code
    shared = me.locator(".shared-list li")
    expect(shared).to_have_count(2)
    expect(shared.nth(0)).to_contain_text("Questionnaire results")
    expect(shared.nth(1)).to_contain_text("Journal writing")
    _shot(me, "journey-invite")

    # The clinician, in another browser: accept the code, the caseload, the person's page.
    them = pages.open(**PHONE)
    sign_in(them, url, CLINICIAN[0], lands="/clinic")
    expect(them.get_by_text("No one is sharing with you yet.")).to_be_visible()
    them.get_by_label("Invite code").fill(code.lower())  # as typed on a phone
    them.get_by_role("button", name="Accept").click()
    expect(them).to_have_url(f"{url}/clinic/{person_id}")
    them.get_by_role("link", name="Caseload").first.click()
    expect(them).to_have_url(url + "/clinic")
    card = them.locator(".caseload-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("results")
    expect(card).not_to_contain_text("moments")
    card.get_by_role("link", name=PERSON[1]).click()
    expect(them).to_have_url(f"{url}/clinic/{person_id}")
    expect(them.get_by_role("heading", name=PERSON[1], level=1)).to_be_visible()
    expect(them.get_by_role("heading", name="Starting point and check-ins")).to_be_visible()
    expect(them.get_by_role("heading", name="Recent journal writing")).to_be_visible()
    expect(them.get_by_role("heading", name="Recent moments")).to_have_count(0)  # not shared
    them.get_by_label("What to suggest").select_option(label="Box breathing")
    them.get_by_label("A note for them (optional)").fill("Before the Monday call, if it helps.")
    them.get_by_role("button", name="Suggest").click()
    expect(them).to_have_url(f"{url}/clinic/{person_id}?suggested=1")
    expect(them.get_by_role("status")).to_contain_text("Suggested.")
    _shot(them, "journey-person-page")

    # The person: the suggestion, left for now.
    me.goto(url + "/account")
    suggestion = me.locator("#suggested .suggestion")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text(f"{CLINICIAN[1]} suggested a practice: Box breathing")
    expect(suggestion).to_contain_text("Before the Monday call, if it helps.")
    suggestion.get_by_role("button", name="Not for me now").click()
    expect(me).to_have_url(url + "/account#suggested")
    expect(suggestion).to_contain_text("You left this one.")
    expect(suggestion.get_by_role("button")).to_have_count(0)

    # Who looked: the clinician, by name, on the account page and in the whole log.
    looks = me.locator("#sharing .looks li")
    expect(looks.first).to_contain_text(f"{CLINICIAN[1]} saw")
    expect(me.locator("#sharing")).to_contain_text(f"{CLINICIAN[1]} saw recent journal entries")
    me.get_by_role("link", name="The whole log").click()
    expect(me).to_have_url(url + "/sharing/log")
    rows = me.locator("table.audit tbody tr")
    assert rows.count() >= 3  # the caseload's glance, results and journal on the person page
    for i in range(rows.count()):
        expect(rows.nth(i).locator("td").nth(1)).to_have_text(CLINICIAN[1])
    expect(me.locator("table.audit")).to_contain_text("recent journal entries")
    _shot(me, "journey-log")

    # The person stops sharing; the clinician's very next load of the page finds nothing.
    me.goto(url + "/account")
    me.get_by_role("button", name=f"Stop sharing with {CLINICIAN[1]}").click()
    expect(me).to_have_url(url + "/account?stopped=1#sharing")
    expect(me.get_by_role("status")).to_contain_text("Sharing stopped.")
    expect(me.get_by_text("You are not sharing with anyone.")).to_be_visible()

    them.reload()
    expect(them.get_by_text("There is nothing at this address")).to_be_visible()
    expect(them.get_by_role("heading", name="Recent journal writing")).to_have_count(0)
    them.goto(url + "/clinic")
    expect(them.locator(".caseload-card")).to_have_count(0)
