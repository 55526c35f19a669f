"""Signing in and out in server mode (earned.web.routes.account): the session cookie,
wrong passwords and the account's rest, two-step codes, fixation, a new password."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp

from earned import accounts
from earned.store.server import accounts as account_store
from earned.web import security
from tests.support.html import page
from tests.support.server import PASSWORD, ServerWeb
from tests.support.web import error_text, location, set_cookie_headers


def test_a_locked_page_sends_to_sign_in_and_back(srv: ServerWeb) -> None:
    srv.add("sam")
    browser = srv.client()
    asked = browser.get("/moment")
    assert location(asked) == "/login?next=%2Fmoment"
    signed = srv.post(browser, "/login", {"name": "Sam", "password": PASSWORD, "next": "/moment"})
    assert location(signed) == "/moment"


def test_the_session_cookie_is_httponly_strict_and_new_at_each_sign_in(srv: ServerWeb) -> None:
    srv.add("sam")
    browser = srv.client()
    browser.cookies.set(security.SESSION_COOKIE, "planted-by-someone-else")
    response = srv.sign_in(browser, "sam")
    [cookie] = set_cookie_headers(response, security.SESSION_COOKIE)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token != "planted-by-someone-else" and len(token) >= 40
    # Signing in again gives yet another token; the first no longer works.
    srv.sign_in(browser, "sam")
    stale = srv.client()
    stale.cookies.set(security.SESSION_COOKIE, token)
    assert location(stale.get("/moment")).startswith("/login")


def test_behind_https_cookies_are_secure() -> None:
    w = ServerWeb(public_url="https://earned.example.org")
    try:
        w.add("sam")
        browser = w.client(base_url="https://127.0.0.1")  # Secure cookies travel only so
        [cookie] = set_cookie_headers(w.sign_in(browser, "sam"), security.SESSION_COOKIE)
        assert "Secure" in cookie
        # The public name is this server's own; another is not.
        assert browser.get("/help", headers={"host": "earned.example.org"}).status_code == 200
        assert browser.get("/help", headers={"host": "evil.example"}).status_code == 421
    finally:
        w.close()


def test_wrong_passwords_rest_the_account_and_say_so(srv: ServerWeb) -> None:
    srv.add("sam")
    browser = srv.client()
    for _ in range(accounts.FREE_TRIES):
        # The per-browser backoff (security.Attempts, tested with unlock) is set aside here:
        # this is about the account's own count, which any worker reads from the database.
        srv.app.state.attempts = security.Attempts()
        wrong = srv.sign_in(browser, "sam", "not the right words at all")
        assert wrong.status_code == 400
        assert accounts.WRONG in error_text(wrong)
    srv.app.state.attempts = security.Attempts()
    resting = srv.sign_in(srv.client(), "sam", "still not the right words")
    assert "resting" in error_text(resting)
    # Even the right password waits out the rest, and the account says how long.
    srv.app.state.attempts = security.Attempts()
    right = srv.sign_in(srv.client(), "sam")
    assert right.status_code == 429 and "minutes" in error_text(right)
    # An administrator's new password ends the rest.
    with srv.server.session() as s:
        found = account_store.by_name(session=s, name="sam")
        assert found is not None and found.failed_logins == accounts.FREE_TRIES + 1
        account_store.set_password(session=s, account_id=found.id, password=PASSWORD + " anew")
    srv.app.state.attempts = security.Attempts()
    assert location(srv.sign_in(srv.client(), "sam", PASSWORD + " anew")) == "/"


def test_an_unknown_name_is_refused_like_a_wrong_password(srv: ServerWeb) -> None:
    srv.add("sam")
    unknown = srv.sign_in(srv.client(), "nobody", PASSWORD)
    wrong = srv.sign_in(srv.client(), "sam", "a wrong password here")
    assert unknown.status_code == wrong.status_code == 400
    assert error_text(unknown) == error_text(wrong)


def test_two_step_sign_in_asks_for_the_code(srv: ServerWeb) -> None:
    srv.add("sam")
    browser = srv.signed_in("sam")
    started = srv.post(browser, "/account/two-step", {"step": "start"})
    secret = page(started).one("input", name="secret").get("value") or ""
    wrong = srv.post(
        browser, "/account/two-step", {"step": "confirm", "secret": secret, "code": "000000"}
    )
    assert wrong.status_code == 400
    on = srv.post(
        browser,
        "/account/two-step",
        {"step": "confirm", "secret": secret, "code": pyotp.TOTP(secret).now()},
    )
    assert "Two-step sign-in is on" in on.text
    later = srv.client()
    asked = srv.sign_in(later, "sam")
    assert asked.status_code == 400 and accounts.CODE_NEEDED in error_text(asked)
    assert location(srv.sign_in(later, "sam", code=pyotp.TOTP(secret).now())) in ("/", "/welcome")


def test_sign_out_ends_the_session_on_the_server(srv: ServerWeb) -> None:
    srv.add("sam")
    browser = srv.signed_in("sam")
    token = browser.cookies.get(security.SESSION_COOKIE)
    assert location(srv.post(browser, "/logout")) == "/login"
    replay = srv.client()
    replay.cookies.set(security.SESSION_COOKIE, token or "")
    assert location(replay.get("/")) == "/login"


def test_a_password_change_signs_out_every_other_session(srv: ServerWeb) -> None:
    srv.add("sam")
    phone = srv.signed_in("sam")
    laptop = srv.signed_in("sam")
    new = PASSWORD + " and more"
    changed = srv.post(
        laptop, "/account/password", {"current": PASSWORD, "password": new, "confirm": new}
    )
    assert location(changed) == "/account?changed=1"
    assert laptop.get("/account").status_code == 200
    assert location(phone.get("/account")).startswith("/login")


def test_sessions_end_after_idling(srv: ServerWeb) -> None:
    srv.add("sam")
    browser = srv.signed_in("sam")
    from earned.store.server.models import WebSessionRow

    with srv.server.session() as s:
        for row in s.query(WebSessionRow):
            row.last_seen = datetime.now(UTC) - accounts.IDLE * 2
    assert location(browser.get("/moment")).startswith("/login")
