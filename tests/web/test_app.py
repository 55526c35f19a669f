"""App-wide behaviour (earned.web.app): security headers and CSP, no outside hosts, the
error pages (404, 405, 413, unreadable form, 500), and the safety links on every page."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from earned.store import entries, sqlcipher
from earned.web import security
from earned.web.app import CSP
from tests.support import PASSPHRASE, T0
from tests.support.html import page
from tests.support.web import (
    PROMPTS,
    Web,
    assert_safety_links,
    assert_self_contained,
    csrf_of,
    error_text,
    location,
    set_cookie_headers,
)


def _directives(csp: str) -> dict[str, str]:
    out = {}
    for part in csp.split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


# Every route's own pages are checked in test_routes.py; these are the pages a person sees
# when something goes wrong, in each state.


def _locked(web: Web) -> TestClient:
    """A browser without the session while the journal is open in another one."""
    web.unlocked_client()
    return web.client()


def _missing_answers(web: Web) -> httpx.Response:
    client = web.unlocked_client()
    return web.submit_page(client, web.start(client), 1, {1: 3})


ERRORS: dict[str, Callable[[Web], httpx.Response]] = {
    "404 before setup": lambda web: web.client().get("/nowhere"),
    "400 setup refused": lambda web: web.set_up(web.client(), "x"),
    "404 locked": lambda web: _locked(web).get("/nowhere"),
    "401 wrong passphrase": lambda web: web.unlock(_locked(web), "not the passphrase"),
    "404 unlocked": lambda web: web.unlocked_client().get("/nowhere"),
    "404 from a page": lambda web: web.unlocked_client().get("/reflect/nope"),
    "405": lambda web: web.unlocked_client().get("/lock"),
    "413": lambda web: web.post(
        web.unlocked_client(), "/origin/write", {"body": "x" * (1024 * 1024 + 1)}
    ),
    "400 empty entry": lambda web: web.post(
        web.unlocked_client(), f"/reflect/{PROMPTS[0]}", {"body": ""}
    ),
    "400 missing answers": _missing_answers,
    "400 missing check-in answers": lambda web: web.post(
        web.unlocked_client(), "/checkin/gad7", {"q1": "1"}
    ),
}


@pytest.mark.parametrize("situation", ERRORS)
def test_error_pages_are_self_contained_and_have_the_safety_links(web: Web, situation: str) -> None:
    r = ERRORS[situation](web)
    assert r.status_code == int(situation[:3]), r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert error_text(r)
    assert_self_contained(r, situation)
    assert_safety_links(r, situation)


def test_security_headers(unlocked: TestClient) -> None:
    r = unlocked.get("/reflect")
    assert r.status_code == 200
    h = r.headers
    csp = _directives(h["content-security-policy"])
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["connect-src"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in h["content-security-policy"]
    assert "unsafe-eval" not in h["content-security-policy"]
    assert "http" not in h["content-security-policy"]
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert h["x-frame-options"] == "DENY"
    assert h["permissions-policy"] == "camera=(), microphone=(), geolocation=()"
    assert h["cache-control"] == "no-store"
    # Redirects and downloads carry them too.
    for response in (unlocked.get("/reflect/"), unlocked.get("/data/export.json")):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "asset", ["/static/earned.css", "/static/earned.js", "/static/htmx.min.js"]
)
def test_static_files(client: TestClient, asset: str) -> None:
    r = client.get(asset)
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers.get("cache-control") != "no-store"
    if asset.endswith(".css"):
        assert r.headers["content-type"].startswith("text/css")
        assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", r.text)
        assert "@import" not in r.text


def test_csrf_cookie(client: TestClient) -> None:
    r = client.get("/help")
    [header] = set_cookie_headers(r, security.CSRF_COOKIE)
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= flags
    token = csrf_of(client)
    assert len(token) >= 24
    # The same token is put in every form and in the htmx header, and is not re-issued.
    p = page(r)
    assert p.one("body").get("hx-headers") == f'{{"X-CSRF-Token": "{token}"}}'
    again = client.get("/grounding")
    assert not set_cookie_headers(again, security.CSRF_COOKIE)
    assert client.cookies.get(security.CSRF_COOKIE) == token
    # Another browser gets another token.
    other = TestClient(client.app, base_url="http://127.0.0.1")
    assert csrf_of(other) != token


def test_not_found_page(unlocked: TestClient, client: TestClient) -> None:
    for c in (client, unlocked):
        r = c.get("/no/such/page")
        assert r.status_code == 404
        p = page(r)
        assert p.one("p.message").text == "There is nothing at this address."
        assert p.one("section").get("role") == "alert"
        assert p.select("a", href="/")
        assert r.headers["content-security-policy"] == CSP


def test_method_not_allowed_page(client: TestClient) -> None:
    r = client.delete("/help")
    assert r.status_code == 405
    assert "That page cannot be used this way." in error_text(r)


def test_no_framework_json_errors(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    for url in (f"/assess/{aid}/one", f"/assess/{aid}/1.5", f"/assess/{aid}/answer"):
        r = unlocked.get(url)
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("text/html"), url
        assert '"detail"' not in r.text  # FastAPI's JSON error key


@pytest.mark.parametrize("with_cookie", [False, True])
def test_oversized_body_is_refused(web: Web, unlocked: TestClient, with_cookie: bool) -> None:
    if not with_cookie:
        unlocked.cookies.delete(security.CSRF_COOKIE)
    body = {"csrf": "x", "body": "x" * (1024 * 1024)}
    r = unlocked.post(f"/reflect/{PROMPTS[0]}", data=body)
    assert r.status_code == 413
    assert "more text than earned accepts at once. Nothing was saved." in error_text(r)
    assert r.headers["content-security-policy"] == CSP
    p = page(r)
    assert p.one("a.help-link").get("href") == "/help"
    # The page still carries a usable CSRF token for the next try.
    token = csrf_of(unlocked)
    assert p.one("body").get("hx-headers") == f'{{"X-CSRF-Token": "{token}"}}'
    assert web.entries() == []


def test_a_chunked_body_cannot_bypass_the_limit(web: Web, unlocked: TestClient) -> None:
    token = csrf_of(unlocked)

    def chunks() -> Iterator[bytes]:
        yield f"csrf={token}&body=".encode()
        for _ in range(2):
            yield b"x" * (1024 * 1024)

    r = unlocked.post(
        f"/reflect/{PROMPTS[0]}",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.request.headers["transfer-encoding"] == "chunked"
    assert r.status_code == 413
    assert web.entries() == []


def test_body_just_under_the_limit_is_read(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, f"/reflect/{PROMPTS[0]}", {"body": "x" * (1024 * 1024 - 200)})
    assert r.status_code == 400  # read and refused by the entry limit, not the size guard
    assert "the limit is 20,000" in error_text(r)


def test_non_numeric_content_length_is_refused(web: Web, unlocked: TestClient) -> None:
    r = unlocked.post(
        f"/reflect/{PROMPTS[0]}",
        content=b"body=hello",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "12x"},
    )
    assert r.status_code == 413
    assert web.entries() == []


@pytest.mark.parametrize(
    "url,content_type,message",
    [
        (
            "/reflect/{key}",
            "multipart/form-data",
            "That form could not be read. Nothing was saved.",
        ),
        (
            "/reflect/{key}",
            "multipart/form-data; boundary=",
            "That form could not be read. Nothing was saved.",
        ),
        ("/data/import", "multipart/form-data", "That upload could not be read."),
    ],
)
def test_malformed_form_body(
    web: Web, unlocked: TestClient, url: str, content_type: str, message: str
) -> None:
    r = unlocked.post(
        url.format(key=PROMPTS[0]),
        content=b"--zzz\r\ngarbage without headers",
        headers={"content-type": content_type},
    )
    assert r.status_code == 400
    assert message in error_text(r)
    assert web.entries() == []


def test_non_ascii_tokens_are_refused_not_crashed(web: Web, unlocked: TestClient) -> None:
    r = unlocked.post(f"/reflect/{PROMPTS[0]}", data={"csrf": "ünïcode", "body": "hello"})
    assert r.status_code == 403
    r = unlocked.post(
        f"/reflect/{PROMPTS[0]}",
        data={"body": "hello"},
        headers=[(b"x-csrf-token", "ü".encode("latin-1"))],
    )
    assert r.status_code == 403
    forged = web.client()
    r = forged.get("/reflect", headers=[(b"cookie", "earned_session=é".encode())])
    assert r.status_code == 303
    assert web.sent_to_door(r)
    r = forged.get("/help", headers=[(b"cookie", "earned_session=é".encode())])
    assert r.status_code == 200
    assert web.entries() == []


def test_unexpected_error_page_shows_no_details(
    web: Web, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    web.unlocked_client()
    # raise_server_exceptions stays on: the app must swallow the error itself, so that
    # the server never logs the traceback (whose text could quote the journal).
    client = web.client()
    assert web.unlock(client).status_code == 303

    def broken(**kwargs: object) -> None:
        raise RuntimeError("my secret diary says something private")

    monkeypatch.setattr(entries, "count_by_prompt", broken)
    with caplog.at_level(logging.DEBUG):
        r = client.get("/reflect")
    assert r.status_code == 500
    assert "Something went wrong on our side. What you saved before is safe." in r.text
    for leak in ("secret", "private", "RuntimeError", "Traceback", "count_by_prompt", ".py"):
        assert leak not in r.text
    # The app's own log names the type of the problem, never its text.
    logged = [rec.getMessage() for rec in caplog.records if rec.name == "earned.web"]
    assert logged == ["unexpected RuntimeError on GET /reflect"]
    assert not any("secret" in rec.getMessage() or rec.exc_info for rec in caplog.records)
    p = page(r)
    assert p.select("a", href="/help")
    assert p.select("a", href="/grounding")
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"


def test_no_template_states_a_length_limit_of_its_own() -> None:
    """Every maxlength comes from the domain's constants (render's `limits`), so a page
    and the server can never disagree about how long a field may be."""
    import re
    from pathlib import Path

    from earned import episodes, journal, regulation, toolkit
    from earned.web.render import templates

    folder = Path(templates.env.loader.searchpath[0])  # type: ignore[union-attr]
    stated = [
        f"{path.relative_to(folder)}: {m.group(0)}"
        for path in folder.rglob("*.html")
        for m in re.finditer(r'maxlength="\d+"', path.read_text(encoding="utf-8"))
    ]
    assert stated == []
    limits = templates.env.globals["limits"]
    assert limits["entry"] == journal.MAX_BODY
    assert limits["person"] == episodes.MAX_PERSON
    assert limits["note"] == regulation.MAX_NOTE
    assert limits["tool_name"] == toolkit.MAX_TOOL_NAME


# --- a full disk -----------------------------------------------------------------------------


def _fill_free_pages(web: Web) -> None:
    """Use up the pages a migration left free (moving tables leaves some behind), so the
    next words need new pages at the end of the file."""
    store = web.app.state.vault.store
    assert store is not None
    while True:
        with store.engine.connect() as conn:
            if not conn.exec_driver_sql("PRAGMA freelist_count").scalar():
                return
        with store.session() as s:
            entries.add_entry(session=s, kind="origin", prompt=None, body="filler " * 500, now=T0)


def _no_more_pages(web: Web) -> None:
    """Make the open journal's file unable to grow, as on a full device: SQLite's own
    page limit gives the same SQLITE_FULL ("database or disk is full") a full disk does."""
    from sqlalchemy import event

    store = web.app.state.vault.store
    assert store is not None
    store.engine.dispose()  # every later connection is a fresh one, capped on checkout

    @event.listens_for(store.engine, "checkout")
    def cap(dbapi_conn, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")


@pytest.mark.personal_only("the SQLCipher file itself")
def test_a_full_disk_is_named_and_the_words_come_back(
    web: Web, unlocked: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """It used to be a generic 500 that dropped the typed text."""
    _fill_free_pages(web)
    before = len(web.entries())
    _no_more_pages(web)
    words = "The afternoon we finally talked about the move. " * 300  # needs new pages
    with caplog.at_level(logging.INFO):
        r = web.post(unlocked, "/origin/write", {"body": words})
    assert r.status_code == 507
    message = error_text(r)
    assert "disk is full" in message and "saved before is safe" in message
    assert "bug" not in r.text
    assert page(r).one("textarea", id="kept-body").text.strip() == words.strip()
    assert words[:40] not in caplog.text  # the log names the path, never the words
    assert len(web.entries()) == before
    assert_safety_links(r, "disk full")


# --- a journal damaged while it is open ---------------------------------------------------------


def database_wal(web: Web) -> Path:
    return web.profile.database.with_name(web.profile.database.name + "-wal")


@pytest.mark.personal_only("the SQLCipher file itself")
def test_a_journal_damaged_while_unlocked_is_named_not_a_generic_500(
    web: Web, unlocked: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Pages read after a page of the file went bad once gave "Something went wrong on
    our side". Now each names the journal file, says nothing more was written, and points
    to a backup; a form's words come back."""
    store = web.app.state.vault.store
    assert store is not None
    words = "Notes about the long weekend and the quiet after it. " * 200
    _fill_free_pages(web)
    assert web.post(unlocked, "/origin/write", {"body": words}).status_code == 303
    store.engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not database_wal(web).exists() or database_wal(web).stat().st_size == 0
    database = web.profile.database
    raw = bytearray(database.read_bytes())
    page_size = 4096
    # The last pages hold the newest words (the schema sits at the start), so the journal
    # still opens and the damage is met by a query mid-request, not at connect.
    for start in range(len(raw) - 3 * page_size, len(raw), page_size):
        raw[start + page_size // 2] ^= 0xFF
    database.write_bytes(bytes(raw))

    with caplog.at_level(logging.INFO):
        first = unlocked.get("/origin/write")
        assert first.status_code == 500
        message = error_text(first)
        assert database.name in message and "earned restore" in message, message
        assert "on our side" not in first.text
        assert_safety_links(first, "damage")
        assert sqlcipher.marker(database).exists()  # so `earned log` refuses too
        # Locked at once: a later write cannot land in a file about to be replaced.
        after = web.post(unlocked, "/origin/write", {"body": "Another page about the weekend."})
        assert location(after).startswith("/unlock")
        again = web.post(unlocked, "/unlock", {"passphrase": PASSPHRASE})
    assert database.name in error_text(again) and "backup" in error_text(again)
    assert database.read_bytes() == bytes(raw)
    assert "weekend" not in caplog.text


# --- pages while something else writes ------------------------------------------------------


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections opened from now on wait 0.3 s for a lock, not 15: a test that would
    wait fails at once."""
    monkeypatch.setattr(sqlcipher, "BUSY_TIMEOUT_MS", 300)


@pytest.mark.personal_only("the SQLCipher file itself")
def test_pages_answer_while_a_terminal_capture_holds_the_write_lock(
    short_busy_timeout: None, web: Web, unlocked: TestClient
) -> None:
    """A page view only reads, so it takes no lock: while `earned log` (or any writer)
    holds the journal's write lock, pages still answer from the last committed state.
    Every page used to take the write lock, so pages queued behind each write and, under
    load, waited past the busy timeout into a 500 (bench/soak.py)."""
    web.post(unlocked, "/reflect/" + PROMPTS[0], {"body": "Committed before the lock."})
    writer = sqlcipher.connect(web.profile.database, web.template.key)
    writer.isolation_level = None
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM entries")  # not committed: pages must not see it
        for path in ("/", "/moment", "/reflect/" + PROMPTS[0], "/data/export.json"):
            r = unlocked.get(path)
            assert r.status_code == 200, (path, r.status_code)
        assert "Committed before the lock." in unlocked.get("/reflect/" + PROMPTS[0]).text
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert len(web.entries()) == 1


@pytest.mark.personal_only("the SQLCipher file itself")
def test_a_write_kept_waiting_past_the_busy_timeout_is_busy_not_a_bug(
    short_busy_timeout: None, web: Web, unlocked: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Another writer holding the journal past the busy timeout used to end a form post
    in "Something went wrong on our side" (a 500, as for a bug). It is a 503 that says
    the journal was busy, nothing was saved and trying again works; the words come back."""
    words = "The long call with my sister, and how calm I stayed after it."
    writer = sqlcipher.connect(web.profile.database, web.template.key)
    writer.isolation_level = None
    try:
        writer.execute("BEGIN IMMEDIATE")
        with caplog.at_level(logging.INFO):
            r = web.post(unlocked, "/origin/write", {"body": words})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert r.status_code == 503
    message = error_text(r)
    assert "busy" in message and "Nothing was saved" in message
    assert "on our side" not in r.text
    assert page(r).one("textarea", id="kept-body").text.strip() == words
    assert words[:20] not in caplog.text
    assert web.entries() == []
    assert web.post(unlocked, "/origin/write", {"body": words}).status_code == 303


def test_words_longer_than_a_note_are_offered_to_copy_not_to_keep(
    web: Web, unlocked: TestClient
) -> None:
    """The offer to keep refused words as a note used to come back for words longer than a
    note holds, and the note was then refused too, round and round (found by the fuzzer)."""
    from earned import journal

    long = "a line I do not want to lose. " * (journal.MAX_BODY // 25)
    assert len(long.strip()) > journal.MAX_BODY
    r = web.post(unlocked, "/entries/note", {"body": long})
    assert r.status_code == 400
    p = page(r)
    assert not p.select("form", action="/entries/note")
    kept = p.one("textarea", id="kept-body")
    assert "readonly" in kept.attrs and kept.text.startswith("a line I do not want to lose.")
    assert "more than one note can hold" in p.text
    short = web.post(unlocked, "/entries/note", {"body": "  "})  # refused, nothing to keep
    assert not page(short).select("textarea", id="kept-body")
