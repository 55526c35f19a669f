"""The exposure ladder in a real browser, on a phone (390×844): add two rungs, then on the
easier one predict → do → record, watch the evidence grow, and after enough tries that
went reasonably well see the next rung suggested on the ladder; axe-core on both pages.
Every request stays on 127.0.0.1 with no CSP violation (checked when the test ends)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from earned import ladder as rules
from tests.support.browser import ARTIFACTS, PHONE, Pages, Server, axe_check, unlock

pytestmark = pytest.mark.browser


def add_rung(page: Page, server: Server, title: str, difficulty: int) -> str:
    page.goto(server.url + "/ladder")
    page.get_by_label("The step").fill(title)
    page.locator("#rung-difficulty").fill(str(difficulty))
    page.get_by_role("button", name="Add the rung").click()
    expect(page).to_have_url(re.compile(r"/ladder/[0-9a-f]{32}\?added=1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url.split("/")[-1].split("?")[0]


def predict_do_record(page: Page, predicted: int, actual: int, *, fear: str = "") -> None:
    """On a rung's page: save the guess, then note how it went (reasonably well)."""
    page.locator("#plan-predicted").fill(str(predicted))
    if fear:
        page.get_by_label("What do you fear might happen? (optional)").fill(fear)
    page.get_by_role("button", name="Save my guess").click()
    expect(page.get_by_role("status")).to_contain_text("Planned")
    after = page.locator("#after")
    expect(after).to_contain_text(f"expecting {predicted} out of 100")
    after.get_by_label("How hard was it, really?").fill(str(actual))
    after.get_by_label("What happened?").fill("It eased after a few minutes.")
    after.get_by_label(rules.words()["went_well_label"]).check()
    after.get_by_role("button", name="Save how it went").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")


def test_predict_do_record_until_the_next_rung_is_suggested(
    ready_server: Server, pages: Pages, axe_source: str
) -> None:
    page = pages.open(**PHONE)
    unlock(page, ready_server)
    page.goto(ready_server.url + "/ladder")
    axe_check(page, axe_source, "empty ladder")
    harder = add_rung(page, ready_server, "Share one more thing than is comfortable", 55)
    easier = add_rung(page, ready_server, "Ask Sam for a lift", 30)

    page.goto(ready_server.url + "/ladder")
    expect(page.locator("#ladder-next")).to_contain_text(
        "A gentle place to begin: Ask Sam for a lift"
    )
    page.locator("#ladder-next").get_by_role("link", name="Ask Sam for a lift").click()
    expect(page).to_have_url(f"{ready_server.url}/ladder/{easier}")
    axe_check(page, axe_source, "a rung before any try")

    evidence = page.locator("#evidence")
    expect(evidence).to_have_text(rules.words()["evidence_none"])
    # The guess starts far above how it goes, then comes closer: the gap narrowing.
    for n, (predicted, actual) in enumerate(((80, 30), (60, 35), (45, 35)), start=1):
        predict_do_record(page, predicted, actual, fear="he says no" if n == 1 else "")
        said = "1 time it went reasonably well" if n == 1 else f"{n} times it went reasonably well"
        expect(evidence).to_have_text(said)
        if n < rules.EVIDENCE_TO_CLIMB:
            page.goto(ready_server.url + "/ladder")
            expect(page.locator("#ladder-next")).to_contain_text(
                f"{n} of {rules.EVIDENCE_TO_CLIMB} times"
            )
            expect(page.locator("li.suggested")).to_have_count(0)
            page.goto(f"{ready_server.url}/ladder/{easier}")

    expect(page.locator("table.attempts tr.attempt")).to_have_count(3)
    expect(page.locator("#gap svg.chart").first).to_be_attached()
    axe_check(page, axe_source, "a rung with tries and its chart")
    page.screenshot(path=str(ARTIFACTS / "ladder-journey-rung.png"), full_page=True)

    page.get_by_role("link", name="← Your ladder").click()
    suggested = page.locator("li.suggested")
    expect(suggested).to_have_count(1)
    expect(suggested).to_have_id(f"rung-{harder}")
    expect(page.locator("#ladder-next")).to_contain_text(
        "the next rung up is “Share one more thing than is comfortable”"
    )
    expect(page.locator(f"#rung-{easier} .rung-evidence")).to_have_text(
        f"{rules.EVIDENCE_TO_CLIMB} times it went reasonably well"
    )
    axe_check(page, axe_source, "the ladder with a suggestion")
    page.screenshot(path=str(ARTIFACTS / "ladder-journey-ladder.png"), full_page=True)
    page.locator("#ladder-next").get_by_role("link").click()
    expect(page).to_have_url(f"{ready_server.url}/ladder/{harder}")
