"""The door (earned.web.security.Door, app.guard): only this server's own addresses, writes
only from its own pages, and a CSRF token bound to the session, against DNS rebinding
and pages on other ports of 127.0.0.1 (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from earned.store import activations
from earned.web import security
from tests.support.web import Web, csrf_of, location, sent_to_unlock

# The personal app's door (tests/web/conftest.py runs the journal pages on both back ends;
# the server app's CSRF and sign-in checks are tests/server/).
pytestmark = pytest.mark.personal_only("the personal app's door")


@pytest.mark.parametrize(
    ("host", "admitted"),
    [
        ("127.0.0.1:8765", True),
        ("localhost:8765", True),
        ("[::1]:8765", True),
        ("127.0.0.1", True),
        ("127.0.0.1:9999", False),
        ("evil.example:8765", False),
        ("127.0.0.1.evil.example:8765", False),
        ("127.0.0.1:87x5", False),
        ("", False),
    ],
)
def test_the_door_admits_only_this_servers_addresses(host: str, admitted: bool) -> None:
    door = security.Door(port=8765)
    assert door.admits(host) is admitted


def test_writes_must_come_from_this_servers_pages() -> None:
    door = security.Door(port=8765)
    assert door.same_site("http://127.0.0.1:8765", None)
    assert not door.same_site("http://127.0.0.1:8766", None)  # another local port
    assert not door.same_site("https://evil.example", None)
    assert not door.same_site("null", None)
    assert not door.same_site("null", "cross-site")  # a sandboxed frame elsewhere
    assert door.same_site("null", "same-origin")  # our own form under no-referrer
    assert door.same_site(None, "same-origin") and door.same_site(None, None)
    assert not door.same_site(None, "same-site") and not door.same_site(None, "cross-site")


def test_a_rebinding_page_gets_no_page_no_token_and_no_guess(web: Web) -> None:
    """With Host: evil.example the server answered normally: the CSRF token was readable,
    passphrase guesses were tried and a fresh install could be set up by the attacker."""
    client = web.client()
    evil = {"host": "evil.example:8765"}
    page = client.get("/setup", headers=evil)
    assert page.status_code == 421 and "csrf" not in page.text
    assert "set-cookie" not in page.headers
    setup = client.post("/setup", data={"passphrase": "x" * 20, "confirm": "x" * 20}, headers=evil)
    assert setup.status_code == 421
    assert not web.profile.exists


def test_a_write_from_another_site_is_refused_and_changes_nothing(
    web: Web, unlocked: TestClient
) -> None:
    for origin in ("http://evil.example", "http://127.0.0.1.evil.example", "null"):
        # (no Sec-Fetch-Site: "null" alone is not enough)
        r = unlocked.post(
            "/moment",
            data={"csrf": csrf_of(unlocked), "intensity": "6"},
            headers={"origin": origin},
        )
        assert r.status_code == 403, origin
    r = unlocked.post(
        "/lock", data={"csrf": csrf_of(unlocked)}, headers={"sec-fetch-site": "cross-site"}
    )
    assert r.status_code == 403
    assert web._read(lambda s: activations.list_activations(session=s)) == []
    assert web.vault.store is not None  # still unlocked: the cross-site lock was refused


def test_a_planted_csrf_cookie_cannot_forge_a_write(web: Web, unlocked: TestClient) -> None:
    """A page on another port of 127.0.0.1 can set the earned_csrf cookie and post the same
    value; while unlocked, the token must be the one bound to the session instead."""
    planted = "planted-by-another-port"
    unlocked.cookies.set(security.CSRF_COOKIE, planted)
    r = unlocked.post("/moment", data={"csrf": planted, "intensity": "6"})
    assert r.status_code == 403
    assert web._read(lambda s: activations.list_activations(session=s)) == []
    # The page's own token, bound to the session, still works.
    good = security.bound_csrf(web.vault.csrf_key, unlocked.cookies[security.SESSION_COOKIE])
    assert location(unlocked.post("/moment", data={"csrf": good, "intensity": "6"}))


def test_passphrase_guessing_backs_off_per_client_and_overall() -> None:
    now = [100.0]
    tries = security.Attempts(clock=lambda: now[0])
    for _ in range(security.Attempts.FREE):
        assert tries.wait("a") == 0
        tries.tried("a", success=False)
    assert tries.wait("a") == 0  # two typos are free; the third wrong try starts the wait
    tries.tried("a", success=False)
    assert tries.wait("a") == 1.0 and tries.wait("b") == 0
    now[0] += 1.0
    tries.tried("a", success=False)
    assert tries.wait("a") == 2.0
    tries.tried("a", success=True)
    assert tries.wait("a") == 0
    for n in range(security.Attempts.PER_MINUTE):
        tries.tried(f"client-{n}", success=False)
    assert tries.wait("someone-new") > 0  # the whole server's budget for this minute
    now[0] += 61
    assert tries.wait("someone-new") == 0


def test_the_unlock_page_says_how_long_to_wait(web: Web, unlocked: TestClient) -> None:
    assert sent_to_unlock(web.post(unlocked, "/lock"))
    statuses = [web.unlock(unlocked, "not it").status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429
    r = web.unlock(unlocked)  # even the right passphrase waits its turn
    assert r.status_code == 429 and "Please wait" in r.text
    assert web.vault.store is None


def test_the_key_is_dropped_when_idle_even_without_a_request(make_web: Any) -> None:
    """The idle lock used to act only at the next request; now a timer drops the key."""
    import time

    web = make_web("idle", idle_lock_seconds=1)
    web.unlocked_client()
    assert web.vault.store is not None
    deadline = time.monotonic() + 10
    while web.vault.store is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert web.vault.store is None and web.vault.token is None


def test_a_journal_without_its_key_file_is_named_as_such_not_a_redirect_loop(
    web: Web, unlocked: TestClient
) -> None:
    """A deleted key file gave a setup ↔ unlock redirect loop on the web and "run earned
    init" then "already exists" in the terminal."""
    assert sent_to_unlock(web.post(unlocked, "/lock"))
    web.profile.key_file.unlink()
    for address in ("/", "/setup", "/unlock"):
        r = unlocked.get(address)
        assert r.status_code == 500, address
        assert "its key file (journal.key) is missing" in r.text
    assert web.profile.database.exists()


def test_a_public_name_is_admitted_on_any_port_and_loopback_keeps_to_its_own() -> None:
    from earned.web.server_app import door_for

    door = door_for("https://Earned.Example.org/", 8765)
    assert door.admits("earned.example.org") and door.admits("earned.example.org:443")
    assert door.admits("127.0.0.1:8765") and not door.admits("127.0.0.1:8766")
    assert not door.admits("example.org") and not door.admits("earned.example.org:x1")
    assert door.same_site("https://earned.example.org", None)
    assert not door.same_site("https://evil.example", None)
