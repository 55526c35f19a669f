"""App-wide behaviour (earned.web.app): security headers and CSP, no outside hosts, the
error pages (404, 405, 413, unreadable form, 500), and the safety links on every page."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from earned.store import repo
from earned.web import security
from earned.web.app import CSP
from tests.support.html import page
from tests.support.web import PROMPTS, Web, csrf_of, error_text, set_cookie_headers, values_for

URL_ATTRS = ("src", "href", "action", "formaction", "hx-get", "hx-post", "xlink:href", "poster")


def _directives(csp: str) -> dict[str, str]:
    out = {}
    for part in csp.split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


def _all_pages(web: Web) -> dict[str, httpx.Response]:
    """Every HTML page a person can reach, in each state, keyed by a label."""
    pages: dict[str, httpx.Response] = {}
    fresh = web.client()
    for url in ("/setup", "/help", "/grounding", "/pause", "/nowhere"):
        pages[f"before setup {url}"] = fresh.get(url)
    pages["setup error"] = web.post(fresh, "/setup", {"passphrase": "x", "confirm": "x"})

    client = web.unlocked_client()
    aid = web.complete(client, values_for("high"))
    second = web.complete(client, values_for("low"))
    open_ = web.start(client)
    entry = web.add_reflection(client, "an entry")
    assert web.post(client, "/origin/write", {"body": "an origin"}).status_code == 303
    unlocked_urls = [
        "/",
        "/welcome",
        "/assess",
        *[f"/assess/{open_}/{n}" for n in range(1, 7)],
        "/results",
        f"/results/{aid}",
        f"/results/{second}",
        "/reflect",
        *[f"/reflect/{k}" for k in PROMPTS],
        "/origin",
        "/origin/write",
        f"/entries/{entry}/edit",
        "/data",
        "/help",
        "/grounding",
        "/pause",
        "/nowhere",
        "/reflect/nope",
    ]
    for url in unlocked_urls:
        pages[f"unlocked {url}"] = client.get(url)
    pages["missing answers"] = web.submit_page(client, open_, 1, {1: 3})
    pages["empty entry"] = web.post(client, f"/reflect/{PROMPTS[0]}", {"body": ""})
    pages["region saved"] = web.post(client, "/data/region", {"region": "ca"})
    pages["csrf refused"] = client.post("/data/region", data={"region": "ca"})
    pages["method refused"] = client.get("/lock")
    pages["too large"] = web.post(client, "/origin/write", {"body": "x" * (1024 * 1024 + 1)})

    stranger = web.client()
    pages["locked /unlock"] = stranger.get("/unlock")
    pages["wrong passphrase"] = web.unlock(stranger, "not the passphrase")
    for url in ("/help", "/grounding", "/pause", "/nowhere"):
        pages[f"locked {url}"] = stranger.get(url)
    return pages


def test_every_page_is_self_contained_and_has_the_safety_links(web: Web) -> None:
    pages = _all_pages(web)
    assert len(pages) > 40
    for label, r in pages.items():
        assert r.headers["content-type"].startswith("text/html"), label
        p = page(r)
        # No resource or link may point at another host (plain-text mentions are fine).
        for el in p.elements:
            for attr in URL_ATTRS:
                value = (el.get(attr) or "").strip().lower()
                if value.startswith(("http://", "https://", "//")):
                    assert re.match(r"(https?:)?//127\.0\.0\.1(:\d+)?(/|$)", value), (
                        label,
                        el.tag,
                        attr,
                        value,
                    )
        assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", r.text), label
        assert "url(http" not in r.text, label
        for script in p.select("script"):
            assert (script.get("src") or "").startswith("/static/"), (label, "inline script")
        assert not p.select("style"), label
        assert not [el for el in p.elements if "style" in el.attrs], label
        assert not [el for el in p.elements if any(a.startswith("on") for a in el.attrs)], label
        # "Get help now" and the grounding link, on every page, locked or not.
        assert p.one("a.help-link").get("href") == "/help", label
        assert p.one("a.help-link").text == "Get help now", label
        assert p.one("a.ground-link").get("href") == "/grounding", label
        assert r.headers["content-security-policy"] == CSP, label


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
        assert "detail" not in r.text


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
    assert r.headers["location"] == "/unlock"
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

    monkeypatch.setattr(repo, "list_entries", broken)
    with caplog.at_level(logging.DEBUG):
        r = client.get("/reflect")
    assert r.status_code == 500
    assert "Something went wrong on our side. What you saved before is safe." in r.text
    for leak in ("secret", "private", "RuntimeError", "Traceback", "list_entries", ".py"):
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
