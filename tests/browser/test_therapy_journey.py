"""Session prep in Chromium on a phone (390×844): open prep, tick two candidates (a moment
and a recurring pattern from the person's own log), add a line, save, and see the note with
the words copied; then axe-core on the note and the new-note page.

Every page opened through `pages` must keep its requests on 127.0.0.1 and log no Content
Security Policy violation (checked when each test ends, see conftest.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from earned.episodes import Pattern
from earned.store import activations, personal, session_notes
from tests.support import PASSPHRASE
from tests.support.browser import PHONE, Pages, Server, axe_check, unlock

pytestmark = pytest.mark.browser

PATTERN = Pattern("abandoned", "the silence", "him leaving", "being left", "send another text")


def log_moments(server: Server) -> None:
    """Three moments this week, two with the same pattern sentence."""
    store, _key = personal.unlock(server.profile, PASSPHRASE)
    now = datetime.now(UTC)
    try:
        with store.session() as s:
            for days, trigger in ((1, "he went quiet after dinner"), (3, "no goodnight text")):
                a = activations.log_activation(
                    session=s, intensity=7, now=now - timedelta(days=days), trigger=trigger
                )
                activations.update_details(session=s, activation_id=a.id, now=now, pattern=PATTERN)
            activations.log_activation(
                session=s, intensity=4, now=now - timedelta(days=2), trigger="a tense meeting"
            )
    finally:
        store.close()


def test_prepare_a_session_by_ticking_two_things_and_adding_a_line(
    ready_server: Server, pages: Pages, artifacts: Path, axe_source: str
) -> None:
    log_moments(ready_server)
    page = pages.open(**PHONE)
    unlock(page, ready_server)
    page.goto(ready_server.url + "/therapy/prep")
    expect(page.get_by_role("heading", name="Session prep", exact=True)).to_be_visible()
    page.get_by_role("link", name="Prepare for a session").click()
    expect(page).to_have_url(ready_server.url + "/therapy/prep/new")

    moment = page.get_by_role("checkbox", name=re.compile("he went quiet after dinner"))
    pattern = page.get_by_role("checkbox", name=re.compile("Fear of being left"))
    moment.check()
    pattern.check()
    expect(moment).to_be_checked()
    page.get_by_label("What I want to bring").fill("Why the quiet evenings feel so loud")
    axe_check(page, axe_source, "therapy prep new (phone)")
    page.get_by_role("button", name="Save the note").click()

    expect(page).to_have_url(re.compile(r"/therapy/prep/[0-9a-f]{32}\?saved=1$"))
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    note = page.locator("article.prep-note")
    expect(note).to_contain_text("Why the quiet evenings feel so loud")
    expect(note.locator("ul.picked li")).to_have_count(2)
    expect(note).to_contain_text("he went quiet after dinner")
    expect(note).to_contain_text("Fear of being left, and the urge to send another text")
    expect(note).not_to_contain_text("a tense meeting")
    axe_check(page, axe_source, "therapy prep note (phone)")
    page.screenshot(path=str(artifacts / "journey-therapy-prep-note-phone.png"), full_page=True)

    # Printed, the note stands alone: no navigation, header or footer around it.
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("nav.tabs")).to_be_hidden()
    expect(page.get_by_role("link", name="Edit")).to_be_hidden()
    expect(note).to_contain_text("he went quiet after dinner")
    page.emulate_media(media="screen")

    # The list shows it, newest first, and the journal holds exactly that note.
    page.goto(ready_server.url + "/therapy/prep")
    expect(page.locator(".prep-row")).to_have_count(1)
    store, _key = personal.unlock(ready_server.profile, PASSPHRASE)
    try:
        with store.session() as s:
            (saved,), _more = session_notes.notes_page(session=s)
    finally:
        store.close()
    assert [p.kind for p in saved.picked] == ["activation", "pattern"]
    assert saved.to_bring == "Why the quiet evenings feel so loud"
