"""One person's own journal reached from their phone through an HTTPS proxy (`earned serve
--public-url`, issue 14): the public name is this app's own, cookies are Secure, and any
other name is still refused."""

from __future__ import annotations

from collections.abc import Callable

from earned.web import security
from earned.web.server_app import door_for
from tests.support import PASSPHRASE
from tests.support.journals import copy_journal
from tests.support.web import Web, csrf_of, location, set_cookie_headers

PUBLIC = "https://journal.tail1234.ts.net"


def test_behind_https_the_public_name_is_ours_and_cookies_are_secure(
    make_web: Callable[..., Web],
) -> None:
    web = make_web("phone", door=door_for(PUBLIC, 8765), secure_cookies=True)
    copy_journal(web.template, web.profile)
    phone = web.client(base_url="https://journal.tail1234.ts.net")
    assert phone.get("/help").status_code == 200
    unlocked = phone.post("/unlock", data={"csrf": csrf_of(phone), "passphrase": PASSPHRASE})
    assert location(unlocked) == "/"
    [session] = set_cookie_headers(unlocked, security.SESSION_COOKIE)
    assert "Secure" in session and "HttpOnly" in session and "SameSite=strict" in session
    [csrf] = set_cookie_headers(unlocked, security.CSRF_COOKIE)
    assert "Secure" in csrf
    assert phone.get("/").status_code in (200, 303)
    # Loopback on the bound port still works; another name, or loopback on another port,
    # does not.
    assert web.client().get("/help", headers={"host": "127.0.0.1:8765"}).status_code == 200
    assert web.client().get("/help", headers={"host": "127.0.0.1:9999"}).status_code == 421
    assert web.client().get("/help", headers={"host": "evil.example"}).status_code == 421
    other_site = phone.post(
        "/lock", data={"csrf": csrf_of(phone)}, headers={"origin": "https://evil.example"}
    )
    assert other_site.status_code == 403


def test_without_a_public_url_cookies_are_as_before(make_web: Callable[..., Web]) -> None:
    web = make_web("laptop")
    copy_journal(web.template, web.profile)
    laptop = web.client()
    unlocked = laptop.post("/unlock", data={"csrf": csrf_of(laptop), "passphrase": PASSPHRASE})
    [session] = set_cookie_headers(unlocked, security.SESSION_COOKIE)
    assert "Secure" not in session
