"""Script in every text field, rendered inert everywhere (issue 14): every form of the
server app (the route table's own samples) is sent with each of its text fields replaced
by markup that would run if it were ever written into a page unescaped; then every page
is read, as the person and as a clinician they share everything with, and none of it may
carry the markup as markup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from earned import numbers
from earned.web import security
from tests.server.test_authorisation import SELF_ENDING, World, address, ask, browser
from tests.server.test_authorisation import world as world
from tests.support.server import server_routes
from tests.support.web import csrf_of

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
LIVE = ("<script>alert(1)", "<img src=x onerror")
# Fields that are choices, numbers, tokens or times, not words: left as the sample has them.
NOT_WORDS = {"csrf", "client_token", "tz", "at", "next", "direction", "answer", "kind", "step",
             "confirm", "passphrase", "password", "current", "code", "choice", "pick", "role",
             "outcome", "region", "calm", "item", "value", "secret"}  # fmt: skip
SKIPPED = SELF_ENDING | {("POST", "/login"), ("POST", "/data/import"), ("POST", "/restore")}


def _wordy(name: str, value: str) -> bool:
    return (
        name not in NOT_WORDS
        and not name.startswith(("q", "share_"))
        and numbers.whole(value) is None
        and not name.endswith(("-at", "_at", "-mon", "-tue", "-wed", "-thu", "-fri"))
    )


@pytest.fixture(scope="module")
def written(world: World) -> Iterator[World]:
    """Every form sent once with the markup in each of its text fields, as the owner."""
    owner = browser(world, "owner", ("GET", "/"))
    world.srv.app.state.attempts = security.Attempts(per_minute=10_000)
    for route in server_routes():
        if route[0] != "POST" or route in SKIPPED or route[1].startswith("/clinic"):
            continue
        url, data, htmx = address(route, world.ids)
        words = {k: PAYLOAD for k, v in data.items() if _wordy(k, v)}
        if not words:
            continue
        headers = {"HX-Request": "true"} if htmx else {}
        sent = owner.post(url, data={"csrf": csrf_of(owner), **data, **words}, headers=headers)
        assert sent.status_code < 500, (route, sent.status_code)
        assert not any(live in sent.text for live in LIVE), f"{route} answered with live markup"
    yield world


def test_no_page_shows_the_markup_as_markup(written: World) -> None:
    pages = [r for r in server_routes() if r[0] == "GET"]
    for role in ("owner", "shared"):
        for route in pages:
            if role == "owner" and route[1].startswith("/clinic"):
                continue
            response = ask(written, browser(written, role, route), route)
            if response.is_redirect or response.status_code == 401:
                continue  # not this role's page (htmx is told to go and sign in: 401)
            if route[1] in ("/manifest.webmanifest", "/sw.js"):
                assert PAYLOAD not in response.text  # files of the app, none of the journal
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                # A download (an export, a calendar, a PDF) holds the words as they were
                # written; it is never rendered as a page (nosniff, attachment).
                disposition = response.headers.get("content-disposition", "")
                assert "attachment" in disposition, (role, route, response.status_code)
                continue
            assert not any(live in response.text for live in LIVE), (role, route)
    # The words did arrive (escaped), so the check above looked at something.
    page = ("GET", "/clinic/{person_id}")
    clinician_view = ask(written, browser(written, "shared", page), page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in clinician_view.text
