"""A core belief in a real browser: through the content note to the form, written down
with its first rating, re-rated twice, and strength over time drawn with every rating
(the chart at phone width too), with axe-core on each page. Requests stay on 127.0.0.1 and
no CSP violation is logged (checked when the test ends, see conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from earned import pacing
from tests.support.browser import DESKTOP, PHONE, Pages, Server, axe_check, unlock

pytestmark = pytest.mark.browser


def rate(page: Page, strength: str, alternative: str = "") -> None:
    form = page.locator("form.belief-rate")
    form.get_by_label("How true does it feel right now?").fill(strength)
    if alternative:
        form.get_by_label("And the kinder belief").fill(alternative)
    form.get_by_role("button", name="Save this rating").click()
    expect(page.locator("p.ok")).to_contain_text("Rating saved")


def test_a_belief_written_and_re_rated_twice_shows_strength_over_time(
    ready_server: Server, pages: Pages, axe_source: str
) -> None:
    page = pages.open(**DESKTOP)
    unlock(page, ready_server)
    page.goto(ready_server.url + "/beliefs")
    note = pacing.content_note("core_beliefs")
    expect(page.locator(".content-note")).to_contain_text(note["text"][:40])
    expect(page.get_by_role("link", name="Pause")).to_be_visible()
    axe_check(page, axe_source, "beliefs: the content note")
    page.get_by_role("link", name=note["ready"]).click()
    expect(page).to_have_url(ready_server.url + "/beliefs/new")

    page.get_by_label("The belief, in the words it uses inside").fill(
        "If I ask for what I need, people pull away."
    )
    page.get_by_label("How true does it feel right now?").fill("85")
    page.get_by_label("What doesn't fit it").fill("Maya came over the night I asked.")
    page.get_by_label("A kinder, more accurate belief").fill("Some people stay when I ask.")
    axe_check(page, axe_source, "a new belief")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/beliefs/[0-9a-f]{32}\?saved=1$"))
    belief_url = page.url.split("?")[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "If I ask for what I need, people pull away."
    )
    expect(page.locator("p.belief-latest")).to_contain_text("85 of 100")
    expect(page.locator("svg")).to_have_count(0)  # one rating: nothing to draw yet

    rate(page, "70", alternative="30")
    rate(page, "60")

    expect(page.locator("p.belief-change")).to_contain_text("85 then, 60 now (25 points lower)")
    chart = page.locator(".chart-wide svg")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(3)
    titles = chart.locator("circle title").all_text_contents()
    assert [t.split(": ")[1] for t in titles] == ["85 of 100", "70 of 100", "60 of 100"]
    rows = page.locator("table.belief-ratings tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("60")
    expect(rows.nth(1)).to_contain_text("30")
    axe_check(page, axe_source, "a belief re-rated twice")

    page.goto(ready_server.url + "/beliefs")
    expect(page.locator("a.belief-words")).to_have_text(
        "If I ask for what I need, people pull away."
    )
    expect(page.locator(".belief-item")).to_contain_text("60 of 100")

    # The same record on a phone: the narrow drawing, both ratings and the first in it.
    phone = pages.open(**PHONE)
    unlock(phone, ready_server)
    phone.goto(belief_url)
    narrow = phone.locator(".chart-narrow svg")
    expect(narrow).to_be_visible()
    expect(phone.locator(".chart-wide svg")).to_be_hidden()
    expect(narrow.locator("circle")).to_have_count(3)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], width
