"""earned on a phone against a server (server mode, issue 14): moments made without a
connection wait on the phone and are each saved once in the person's own journal when the
connection returns; signed out meanwhile, they wait for the next sign-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from earned.store import activations
from tests.support.browser import PHONE, Pages, controlled
from tests.support.server import ServerWeb
from tests.support.server_browser import serve_server, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def served() -> Iterator[tuple[ServerWeb, str]]:
    srv = ServerWeb()
    try:
        srv.add("ada")
        srv.add("ben")
        for url in serve_server(srv):
            yield srv, url
    finally:
        srv.close()


def _phone(pages: Pages, url: str, name: str) -> Page:
    """A phone-sized browser signed in as `name` for the first time (past the welcome
    page), its pages the service worker's."""
    page = pages.open(**PHONE)
    sign_in(page, url, name, lands="/welcome")
    page.get_by_role("button", name="I'm ready").click()
    controlled(page)
    return page


def _intensities(srv: ServerWeb, name: str) -> list[int]:
    with srv.server.session() as s:
        from earned.store.server import accounts

        found = accounts.by_name(session=s, name=name)
    assert found is not None
    with srv.journal(found).session() as s:
        return sorted(a.intensity for a in activations.list_activations(session=s))


def test_offline_moments_reach_the_persons_own_journal_once(
    served: tuple[ServerWeb, str], pages: Pages
) -> None:
    srv, url = served
    page = _phone(pages, url, "ada")
    status = page.locator("[data-queue-status]")

    page.context.set_offline(True)
    page.get_by_role("button", name="Save intensity 6", exact=True).click()
    expect(status).to_have_text("1 saved on this phone, sending when you're back online.")
    page.get_by_role("button", name="Save intensity 3", exact=True).click()
    expect(status).to_have_text("2 saved on this phone, sending when you're back online.")
    page.context.set_offline(False)
    expect(status).to_have_text("2 sent from this phone and saved in your journal.")
    page.reload()
    expect(status).to_be_hidden()
    assert _intensities(srv, "ada") == [3, 6]
    assert _intensities(srv, "ben") == []


def test_signed_out_meanwhile_they_wait_for_the_next_sign_in(
    served: tuple[ServerWeb, str], pages: Pages
) -> None:
    srv, url = served
    page = _phone(pages, url, "ada")
    status = page.locator("[data-queue-status]")
    page.context.set_offline(True)
    page.get_by_role("button", name="Save intensity 7", exact=True).click()
    expect(status).to_have_text("1 saved on this phone, sending when you're back online.")
    page.context.clear_cookies()  # the session ends (signed out elsewhere, or timed out)
    page.context.set_offline(False)
    expect(status).to_contain_text("waiting until you unlock earned (or sign in)")
    expect(status.get_by_role("link", name="Open earned")).to_have_attribute("href", "/login")
    assert _intensities(srv, "ada") == []
    sign_in(page, url, "ada", lands="/")
    expect(status).to_have_text("1 sent from this phone and saved in your journal.")
    assert _intensities(srv, "ada") == [7]
