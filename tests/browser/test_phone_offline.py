"""earned on a phone (390×844) without a connection: the service worker takes control, the
offline page answers with the crisis lines and the grounding, two moments and an urge
timer made offline wait on the phone and are each saved once, with the times they were
made, when the connection returns; a journal locked meanwhile keeps them waiting until it
is unlocked again. Every page opened through `pages` keeps its requests on 127.0.0.1
(checked when each test ends, see conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from earned import content
from earned.store import Store, activations, personal, urge_timers
from earned.web.routes import phone
from tests.support import PASSPHRASE
from tests.support.browser import PHONE, Pages, Server, controlled, unlock

pytestmark = pytest.mark.browser

SLACK = timedelta(seconds=1)  # the phone's clock and this one are the same clock here


@contextmanager
def opened(server: Server) -> Iterator[Store]:
    store, _key = personal.unlock(server.profile, PASSPHRASE)
    try:
        yield store
    finally:
        store.close()


def ready_phone(pages: Pages, server: Server) -> Page:
    """A phone-sized browser in the unlocked journal, its pages the service worker's."""
    page = pages.open(**PHONE)
    unlock(page, server)
    controlled(page)
    return page


def test_offline_moments_and_an_urge_timer_are_saved_once_with_their_times(
    ready_server: Server, pages: Pages, artifacts: Path
) -> None:
    page = ready_phone(pages, ready_server)
    status = page.locator("[data-queue-status]")
    first_line = content.load("crisis")["regions"]["us"]["lines"][0]["name"]

    began = datetime.now(UTC)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save intensity 6", exact=True).click()
    expect(page).to_have_url(ready_server.url + "/offline")
    expect(status).to_have_text("1 saved on this phone, sending when you're back online.")
    expect(page.get_by_text(first_line).first).to_be_visible()  # the lines, offline

    page.get_by_role("button", name="Save intensity 4", exact=True).click()
    expect(status).to_have_text("2 saved on this phone, sending when you're back online.")

    page.get_by_label("The urge to… (in your own words)").fill("text him again")
    page.get_by_role("button", name="Start the timer").click()
    expect(page.get_by_role("timer")).to_be_visible()
    expect(page.locator("[data-urge-name]")).to_have_text("text him again")
    page.wait_for_timeout(1200)
    expect(page.get_by_role("timer")).not_to_have_text("0:00")
    page.get_by_role("button", name="I waited").click()
    expect(status).to_have_text("3 saved on this phone, sending when you're back online.")
    expect(page.get_by_role("timer")).to_be_hidden()
    made = datetime.now(UTC)
    page.screenshot(path=artifacts / "phone-offline-queue.png", full_page=True)

    # Any page asked for while offline is the offline page, never an old copy.
    page.goto(ready_server.url + "/help")
    expect(page.get_by_role("heading", name="earned is out of reach for now")).to_be_visible()
    expect(page.get_by_text(first_line).first).to_be_visible()
    expect(page.locator("p.countdown")).to_be_visible()

    page.context.set_offline(False)
    expect(status).to_have_text("3 sent from this phone and saved in your journal.")
    page.reload()  # nothing left to send: sent once, not again
    expect(status).to_be_hidden()

    # What the worker keeps after all that browsing: the shell, under one versioned name,
    # and not one page of the journal.
    kept = page.evaluate(
        """async () => {
            const names = await caches.keys();
            const urls = [];
            for (const name of names) {
                const cache = await caches.open(name);
                for (const r of await cache.keys()) urls.push(new URL(r.url).pathname);
            }
            return { names, urls: urls.sort() };
        }"""
    )
    assert kept["names"] == [f"earned-shell-{phone.shell_version()}"]
    assert kept["urls"] == sorted(phone.SHELL)

    with opened(ready_server) as store, store.session() as s:
        moments = activations.list_activations(session=s)
        timers = urge_timers.list_urges(session=s)
    assert sorted(a.intensity for a in moments) == [4, 6]
    six, four = sorted(moments, key=lambda a: a.onset_at)
    assert (six.intensity, four.intensity) == (6, 4)
    for a in moments:
        assert began - SLACK <= a.onset_at <= made + SLACK
    [timer] = timers
    assert (timer.urge, timer.outcome) == ("text him again", "waited")
    assert timer.ended_at is not None
    assert four.onset_at <= timer.started_at < timer.ended_at <= made + SLACK
    assert timer.ended_at - timer.started_at >= timedelta(seconds=1)


def test_what_waits_on_the_phone_waits_through_a_lock_until_unlocked(
    ready_server: Server, pages: Pages
) -> None:
    page = ready_phone(pages, ready_server)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save intensity 8", exact=True).click()
    status = page.locator("[data-queue-status]")
    expect(status).to_have_text("1 saved on this phone, sending when you're back online.")

    # Meanwhile the journal is unlocked elsewhere, which ends this phone's session.
    elsewhere = pages.open(**PHONE)
    unlock(elsewhere, ready_server)

    page.context.set_offline(False)
    waiting = "1 saved on this phone, waiting until you unlock earned (or sign in)."
    expect(status).to_contain_text(waiting)
    with opened(ready_server) as store, store.session() as s:
        assert activations.list_activations(session=s) == []

    status.get_by_role("link", name="Open earned").click()
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Unlock").click()
    expect(page.locator("[data-queue-status]")).to_have_text(
        "1 sent from this phone and saved in your journal."
    )
    with opened(ready_server) as store, store.session() as s:
        assert [a.intensity for a in activations.list_activations(session=s)] == [8]


def test_words_that_suggest_danger_bring_the_help_lines_when_sent(
    ready_server: Server, pages: Pages
) -> None:
    page = ready_phone(pages, ready_server)
    page.context.set_offline(True)
    page.goto(ready_server.url + "/offline")
    page.get_by_label("The urge to… (in your own words)").fill("hurt myself")
    page.get_by_role("button", name="Start the timer").click()
    page.get_by_role("button", name="I acted on it").click()
    status = page.locator("[data-queue-status]")
    expect(status).to_have_text("1 saved on this phone, sending when you're back online.")

    page.context.set_offline(False)
    expect(status).to_contain_text("1 sent from this phone and saved in your journal.")
    expect(status).to_contain_text("You do not have to carry it alone")
    expect(status.get_by_role("link", name="Get help now")).to_have_attribute("href", "/help")


STALE_SESSION = (
    '<!doctype html><html><body hx-headers=\'{"X-CSRF-Token": "stale"}\'>'
    '<main><form method="post" action="/lock"></form></main></body></html>'
)


def test_an_expired_token_keeps_the_items_and_asks_to_open_earned(
    ready_server: Server, pages: Pages
) -> None:
    page = ready_phone(pages, ready_server)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save intensity 5", exact=True).click()
    status = page.locator("[data-queue-status]")
    expect(status).to_have_text("1 saved on this phone, sending when you're back online.")

    # The session as read at sending time carries a token earned no longer accepts.
    page.route("**/help", lambda route: route.fulfill(body=STALE_SESSION, content_type="text/html"))
    page.context.set_offline(False)
    expect(status).to_contain_text("1 saved on this phone could not be sent yet")
    expect(status.get_by_role("link", name="Open earned")).to_be_visible()
    with opened(ready_server) as store, store.session() as s:
        assert activations.list_activations(session=s) == []

    page.unroute("**/help")
    page.goto(ready_server.url + "/")  # opening earned again sends it
    expect(page.locator("[data-queue-status]")).to_have_text(
        "1 sent from this phone and saved in your journal."
    )
    with opened(ready_server) as store, store.session() as s:
        assert [a.intensity for a in activations.list_activations(session=s)] == [5]
