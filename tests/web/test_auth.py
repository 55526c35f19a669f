"""First run, unlock, lock, idle lock, onboarding and the home page (earned.web.routes.auth)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from earned.web import security
from tests.support import PASSPHRASE
from tests.support.html import page
from tests.support.web import (
    PROMPTS,
    Web,
    csrf_of,
    error_text,
    location,
    sent_to_unlock,
    set_cookie_headers,
    values_for,
)

# Personal mode's own door: the tests of it that unlock run once (tests/web/conftest.py runs
# the journal pages, such as home here, on both back ends; server mode's sign-in is
# tests/server/test_login.py).
PERSONAL = pytest.mark.personal_only("setup, unlock and lock")

WRONG_PASSPHRASE = "That passphrase does not unlock this journal. Nothing was changed"


def _cookie_flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


# --- before anything exists ------------------------------------------------------------


def test_first_visit_goes_to_setup(client: TestClient) -> None:
    assert location(client.get("/")) == "/setup"
    assert location(client.get("/unlock")) == "/setup"
    r = client.get("/setup")
    assert r.status_code == 200
    p = page(r)
    form = p.one("form", action="/setup")
    assert form.get("method") == "post"
    assert p.one("input", name="csrf").get("value") == csrf_of(client)
    assert p.one("input", name="passphrase").get("type") == "password"
    assert p.one("input", name="confirm").get("type") == "password"
    assert "no one, including us, can recover your journal" in p.text


def test_setup_refuses_a_short_passphrase(web: Web, client: TestClient) -> None:
    r = web.post(client, "/setup", {"passphrase": "short", "confirm": "short"})
    assert r.status_code == 400
    assert "at least 8 characters" in error_text(r)
    assert not web.profile.folder.exists()
    assert not set_cookie_headers(r, security.SESSION_COOKIE)


def test_setup_refuses_a_mismatched_confirmation(web: Web, client: TestClient) -> None:
    r = web.post(client, "/setup", {"passphrase": PASSPHRASE, "confirm": PASSPHRASE + "!"})
    assert r.status_code == 400
    assert "do not match" in error_text(r)
    assert not web.profile.key_file.exists()
    assert not web.profile.database.exists()
    assert web.vault.store is None


def test_setup_success_sets_a_strict_httponly_session_cookie(web: Web, client: TestClient) -> None:
    r = web.set_up(client)
    assert location(r) == "/welcome"
    [header] = set_cookie_headers(r, security.SESSION_COOKIE)
    flags = _cookie_flags(header)
    assert "httponly" in flags
    assert "samesite=strict" in flags
    assert "path=/" in flags
    token = header.split(";")[0].split("=", 1)[1]
    assert len(token) >= 32
    assert web.profile.key_file.is_file()
    assert web.profile.database.is_file()
    assert web.vault.store is not None
    # The new session works at once.
    assert client.get("/welcome").status_code == 200


@PERSONAL
def test_setup_is_refused_once_a_journal_exists(web: Web, unlocked: TestClient) -> None:
    key_before = web.profile.key_file.read_bytes()
    other = web.client()
    assert sent_to_unlock(other.get("/setup"))
    r = web.post(
        other, "/setup", {"passphrase": "another passphrase", "confirm": "another passphrase"}
    )
    assert sent_to_unlock(r)
    assert not set_cookie_headers(r, security.SESSION_COOKIE)
    assert web.profile.key_file.read_bytes() == key_before
    # The original passphrase still unlocks, the new one does not.
    assert web.unlock(other, "another passphrase").status_code == 401
    assert location(web.unlock(other)) == "/"


def test_setup_refuses_when_a_database_file_is_already_there(web: Web, client: TestClient) -> None:
    web.profile.ensure_folder()
    web.profile.database.write_bytes(b"someone's journal")
    r = web.set_up(client)
    assert r.status_code == 400
    assert "its key file (journal.key) is missing" in error_text(r)
    assert web.profile.database.read_bytes() == b"someone's journal"
    assert not web.profile.key_file.exists()


def test_strength_hint(web: Web, client: TestClient) -> None:
    r = web.post(client, "/setup/strength", {"passphrase": "abc"})
    assert r.status_code == 200
    assert page(r).one("strong").text == "too short"
    r = web.post(client, "/setup/strength", {"passphrase": "four plain words here"})
    assert page(r).one("strong").text == "strong"
    r = client.post(
        "/setup/strength",
        data={"passphrase": "abcdefgh"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(client)},
    )
    assert page(r).one("strong").text == "weak"


def test_a_passphrase_longer_than_72_characters_is_rated_and_accepted(
    web: Web, client: TestClient
) -> None:
    """zxcvbn refuses more than 72 characters by default: a long passphrase, the kind the
    setup page recommends, was a 500 on the strength hint and on setup (found by
    tests/web/test_fuzz.py)."""
    long = " ".join(["harbour", "lantern", "meadow", "pebble", "quiet", "orchard"] * 3)
    assert len(long) > 72
    r = web.post(client, "/setup/strength", {"passphrase": long})
    assert r.status_code == 200
    assert page(r).one("strong").text == "strong"
    assert location(web.set_up(client, long)) == "/welcome"
    assert web.profile.key_file.is_file()


# --- welcome and home --------------------------------------------------------------------


def test_welcome_then_home(web: Web, client: TestClient) -> None:
    web.set_up(client)
    assert location(client.get("/")) == "/welcome"
    r = client.get("/welcome")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Before you begin"
    assert "it never diagnoses you" in p.text
    p.one("form", action="/welcome")
    assert location(web.post(client, "/welcome")) == "/"
    assert web.setting("onboarded") == "yes"
    home = client.get("/")
    assert home.status_code == 200
    hp = page(home)
    # Just set up: not "Welcome back", and one clear first step, named by what it does.
    assert hp.one("h1").text == "Where to start"
    first = [a for a in hp.main().select("a", href="/assess") if "button" in (a.get("class") or "")]
    assert [a.text for a in first] == ["Take the starting-point questionnaire"]
    assert hp.select("form", action="/lock")
    # With no result yet, "Starting point" leads into the questionnaire, not to empty results.
    navigation = [a.text for a in hp.select("a", href="/assess") if not a.in_main]
    assert navigation == ["Starting point", "Progress"]  # header, and the phone tab bar
    assert not hp.select("a", href="/results")
    web.add_reflection(client, "a first few words")
    assert page(client.get("/")).one("h1").text == "Welcome back"


@PERSONAL
def test_after_unlocking_the_person_lands_on_the_page_they_asked_for(
    web: Web, unlocked: TestClient
) -> None:
    web.post(unlocked, "/lock")
    asked = unlocked.get("/moment/history?q=late")
    assert sent_to_unlock(asked)
    form = page(unlocked.get(location(asked))).one("input", name="next")
    assert form.get("value") == "/moment/history?q=late"
    r = web.post(unlocked, "/unlock", {"passphrase": PASSPHRASE, "next": "/moment/history?q=late"})
    assert location(r) == "/moment/history?q=late"
    # Never another site, nor an address that only takes forms.
    for elsewhere in ("//evil.example/", "https://evil.example/", "/lock", "/nowhere"):
        web.post(unlocked, "/lock")
        r = web.post(unlocked, "/unlock", {"passphrase": PASSPHRASE, "next": elsewhere})
        assert location(r) == "/", elsewhere


def test_home_follows_the_assessment_and_shows_recent_writing(
    web: Web, unlocked: TestClient
) -> None:
    aid = web.start(unlocked)
    web.answer(unlocked, aid, 1, 4)
    p = page(unlocked.get("/"))
    assert "1 of 36 answered" in p.text
    p.one("form", action="/assess/start")
    web.post(unlocked, "/assess/start", {"fresh": "yes"})
    web.complete(unlocked, values_for("mid"))
    p = page(unlocked.get("/"))
    assert "Last assessed" in p.text
    assert p.select("a", href="/results")
    web.add_reflection(unlocked, "A short note about today.")
    assert "A short note about today." in page(unlocked.get("/")).text


# --- unlock ------------------------------------------------------------------------------


@PERSONAL
def test_unlock_page(web: Web, unlocked: TestClient) -> None:
    other = web.client()
    assert sent_to_unlock(other.get("/"))
    r = other.get("/unlock")
    assert r.status_code == 200
    p = page(r)
    p.one("form", action="/unlock")
    assert p.one("input", name="passphrase").get("type") == "password"
    assert not p.select("form", action="/lock")


@PERSONAL
def test_unlock_with_the_wrong_passphrase_changes_nothing(web: Web, unlocked: TestClient) -> None:
    web.add_reflection(unlocked, "kept safe")
    assert sent_to_unlock(web.post(unlocked, "/lock"))
    key_before = web.profile.key_file.read_bytes()
    files = sorted(web.profile.folder.iterdir())
    db_before = {f.name: f.read_bytes() for f in files}

    r = web.unlock(unlocked, "not the passphrase")

    assert r.status_code == 401
    assert WRONG_PASSPHRASE in error_text(r)
    assert page(r).one("p.error").get("role") == "alert"
    assert not set_cookie_headers(r, security.SESSION_COOKIE)
    assert web.vault.store is None
    assert web.profile.key_file.read_bytes() == key_before
    assert sorted(web.profile.folder.iterdir()) == files
    assert {f.name: f.read_bytes() for f in files} == db_before
    # Still locked; the right passphrase then opens the same journal.
    assert sent_to_unlock(unlocked.get("/reflect"))
    r = web.unlock(unlocked)
    assert location(r) == "/"
    [header] = set_cookie_headers(r, security.SESSION_COOKIE)
    assert {"httponly", "samesite=strict"} <= _cookie_flags(header)
    assert [e.body for e in web.entries()] == ["kept safe"]


@PERSONAL
def test_unlock_in_a_second_browser_ends_the_first_session(web: Web, unlocked: TestClient) -> None:
    other = web.client()
    assert location(web.unlock(other)) == "/"
    assert other.get("/reflect").status_code == 200
    assert sent_to_unlock(unlocked.get("/reflect"))


# --- lock and idle lock --------------------------------------------------------------------


@PERSONAL
def test_lock(web: Web, unlocked: TestClient) -> None:
    web.add_reflection(unlocked, "still here after locking")
    r = web.post(unlocked, "/lock")
    assert sent_to_unlock(r)
    [header] = set_cookie_headers(r, security.SESSION_COOKIE)
    assert "max-age=0" in _cookie_flags(header)
    assert web.vault.store is None
    assert web.vault.token is None
    assert unlocked.cookies.get(security.SESSION_COOKIE) is None
    assert sent_to_unlock(unlocked.get("/"))
    assert sent_to_unlock(unlocked.get(f"/reflect/{PROMPTS[0]}"))
    # Unlocking again opens the same journal, with what was written before.
    assert location(web.unlock(unlocked)) == "/"
    assert "still here after locking" in unlocked.get(f"/reflect/{PROMPTS[0]}").text


@PERSONAL
def test_a_stolen_old_token_does_not_work_after_lock(web: Web, unlocked: TestClient) -> None:
    old = unlocked.cookies.get(security.SESSION_COOKIE)
    web.post(unlocked, "/lock")
    thief = web.client(cookies={security.SESSION_COOKIE: str(old)})
    assert sent_to_unlock(thief.get("/reflect"))


def test_idle_lock(make_web: Callable[..., Web]) -> None:
    w = make_web("idle", idle_lock_seconds=0)
    c = w.client()
    assert location(w.set_up(c)) == "/welcome"
    # More than 0 seconds of idleness: locked by the timer or at the next request at latest.
    assert sent_to_unlock(c.get("/welcome"))
    assert w.vault.store is None
    r = c.get("/reflect", headers={"HX-Request": "true"})
    assert r.status_code == 401
    assert r.headers["HX-Redirect"] == "/unlock"


@PERSONAL
def test_no_idle_lock_within_the_timeout(web: Web, unlocked: TestClient) -> None:
    for _ in range(3):
        assert unlocked.get("/reflect").status_code == 200
    assert web.vault.store is not None


# --- CSRF ----------------------------------------------------------------------------------


def test_csrf_cookie_must_be_present_not_just_the_field(web: Web, client: TestClient) -> None:
    token = csrf_of(client)
    client.cookies.delete(security.CSRF_COOKIE)
    r = client.post("/setup", data={"csrf": token, "passphrase": PASSPHRASE, "confirm": PASSPHRASE})
    assert r.status_code == 403
    assert not web.profile.folder.exists()


@pytest.mark.parametrize(
    ("sent", "kept"), [("Europe/Madrid", "Europe/Madrid"), ("Mars/Base", None)]
)
def test_setup_keeps_the_browsers_time_zone(web: Web, sent: str, kept: str | None) -> None:
    client = web.client()
    client.get("/setup")
    r = client.post(
        "/setup",
        data={
            "csrf": csrf_of(client),
            "passphrase": PASSPHRASE,
            "confirm": PASSPHRASE,
            "time_zone": sent,
        },
    )
    assert r.status_code == 303
    assert web.setting("time_zone") == kept
