"""The PHQ-9 check-in in a real browser, by keyboard: every answer saved through htmx, the
calm crisis panel appearing right under item 9 the moment it is answered above 0, the result
page with the panel, and axe-core on the check-in pages. Requests stay on 127.0.0.1 and no
CSP violation is logged (checked when the test ends, see conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from earned import instruments
from tests.support.browser import DESKTOP, Pages, Server, axe_check, focused, unlock

pytestmark = pytest.mark.browser

PHQ9 = instruments.load("phq9")
# Items 1-8 "Several days" (1), item 9 "Several days" too: total 9, "mild".
ANSWERS = dict.fromkeys(range(1, 10), 1)


def answer_by_keyboard(page: Page, number: int, value: int) -> None:
    """Focus is on the first option of item `number`: move to `value` with the arrows."""
    assert focused(page)["name"] == f"q{number}"
    for _ in range(value):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f'input[name="q{number}"][value="{value}"]')).to_be_checked()


def test_phq9_by_keyboard_with_the_panel_at_item_9(
    ready_server: Server, pages: Pages, axe_source: str
) -> None:
    page = pages.open(**DESKTOP)
    unlock(page, ready_server)
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_text("More", exact=True).click()  # the menu of the rarer destinations
    main_nav.get_by_role("link", name="Check-ins").click()
    expect(page).to_have_url(ready_server.url + "/checkin")
    axe_check(page, axe_source, "check-ins")
    page.get_by_role("link", name="Begin the PHQ-9").click()
    expect(page).to_have_url(ready_server.url + "/checkin/phq9")
    axe_check(page, axe_source, "PHQ-9 form")

    page.locator('input[name="q1"]').first.focus()
    for number in range(1, 10):
        answer_by_keyboard(page, number, ANSWERS[number])
        expect(page.locator("#saved")).to_have_text(f"{number} of 9 answered, all saved.")
        if number < 8:
            expect(page.locator("#care-slot .care-panel")).to_have_count(0)
        if number < 9:
            page.keyboard.press("Tab")

    panel = page.locator("#care-slot .care-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("You matter")
    expect(panel).to_contain_text("988")
    axe_check(page, axe_source, "PHQ-9 form with the panel")

    # Tab on from item 9 passes through the panel's links to the submit button.
    for _ in range(8):
        page.keyboard.press("Tab")
        if focused(page)["text"] == "See my result":
            break
    assert focused(page)["text"] == "See my result"
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/checkin/result/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", name="Total: 9 of 27")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Symptom level over the last two weeks: mild.")
    expect(page.locator("section.care-panel")).to_be_visible()
    axe_check(page, axe_source, "PHQ-9 result")
