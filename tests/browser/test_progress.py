"""The progress page in a real browser with the demo's 18 months: each of the four signs
shows its chart (the narrow drawing on a phone, the wide one on a desktop) and its
sentence, and so does each trajectory the demo has begun; axe-core at phone width. Every
request stays on 127.0.0.1 (checked at the end)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from earned import demo, onboarding, paths, trends
from earned.reports import export
from earned.store import personal, settings
from tests.support.browser import ARTIFACTS, DESKTOP, PHONE, Pages, Server, axe_check, serve, unlock
from tests.support.journals import Template, copy_journal

pytestmark = pytest.mark.browser

# The trajectory sections the demo begins, and the charts each draws at least: the ECR's
# anxiety and avoidance, one belief, the ladder's steps and gap, WHO-5, SCS-SF.
CHARTED = {"attachment": 2, "beliefs": 1, "ladder": 2, "who5": 1, "scssf": 1}


@pytest.fixture
def demo_server(tmp_path: Path, journal_template: Template) -> Iterator[Server]:
    """A profile past onboarding holding the demo's 18 months, ending now."""
    prof = paths.profile("b", tmp_path)
    store = personal.open_with_key(prof, copy_journal(journal_template, prof))
    try:
        with store.session() as s:
            settings.set_setting(session=s, key=onboarding.SETTING, value=onboarding.DONE)
            start = datetime.now(UTC) - timedelta(days=550)
            export.restore(session=s, data=demo.generate(7, start, 18))
    finally:
        store.close()
    yield from serve(prof)


@pytest.mark.parametrize(("size", "drawing"), [("phone", "narrow"), ("desktop", "wide")])
def test_the_dashboard_shows_each_signs_chart_at_phone_and_desktop_size(
    demo_server: Server, pages: Pages, axe_source: str, size: str, drawing: str
) -> None:
    page = pages.open(**(PHONE if size == "phone" else DESKTOP))
    unlock(page, demo_server)
    page.goto(demo_server.url + "/progress")
    expect(page.get_by_role("heading", level=1)).to_have_text(trends.words()["title"])
    hidden = "wide" if drawing == "narrow" else "narrow"
    for sign in trends.SIGNS:
        card = page.locator(f"#sign-{sign.key}")
        expect(card.locator(".trend-sentence")).to_be_visible()
        chart = card.locator(f".chart-{drawing} svg")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, (sign.key, box)
        expect(card.locator(f".chart-{hidden} svg")).to_be_hidden()
        # Points drawn: at least a few weeks of the demo's records in the window.
        assert card.locator(f".chart-{drawing} circle").count() >= trends.MIN_WEEKS, sign.key
    # The trajectories: each begun section shows its charts at this width, the other
    # drawing hidden; the check-ins never taken are one line each with the way to begin.
    for key, least in CHARTED.items():
        section = page.locator(f"#trajectory-{key}")
        expect(section.get_by_role("heading", level=2)).to_be_visible()
        shown = section.locator(f".chart-{drawing} svg")
        assert shown.count() >= least, (key, shown.count())
        for n in range(shown.count()):
            expect(shown.nth(n)).to_be_visible()
            box = shown.nth(n).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100, (key, n, box)
        expect(section.locator(f".chart-{hidden} svg").first).to_be_hidden()
    for key in ("phq9", "gad7"):
        expect(page.locator(f"#none-{key} a[href='/checkin/{key}']")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=str(ARTIFACTS / f"progress-demo-{size}.png"), full_page=True)
    if size == "phone":
        axe_check(page, axe_source, "/progress at 390 px")
