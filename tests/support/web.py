"""Driving the web app over HTTP as a person would: one app per profile folder, browsers
(TestClient) in each state, forms with their CSRF token, and what a response says."""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient

from earned import instruments, journal
from earned.assessment import Assessment
from earned.journal import Entry
from earned.paths import Profile, profile
from earned.store import Store, assessments, entries, personal, settings
from earned.web import security
from earned.web.app import CSP, create_app

from . import PASSPHRASE
from .html import page
from .journals import Template, copy_journal

BASE = "http://127.0.0.1"
PROMPTS = [p["key"] for p in journal.reflection_prompts()]
ECR = instruments.load("ecr")


def csrf_of(client: TestClient) -> str:
    """The double-submit token the server gave this client (fetching a page if needed)."""
    token = client.cookies.get(security.CSRF_COOKIE)
    if token is None:
        client.get("/help")
        token = client.cookies.get(security.CSRF_COOKIE)
    assert token, "the server set no CSRF cookie"
    return token


def set_cookie_headers(response: httpx2.Response, name: str) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]


def location(response: httpx2.Response) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:500])
    return response.headers["location"]


def sent_to_unlock(response: httpx2.Response) -> bool:
    """A redirect to the unlock page (with `next`, the page asked for, after a GET)."""
    return location(response).partition("?")[0] == "/unlock"


def error_text(response: httpx2.Response) -> str:
    """The calm message shown on an error page or in a form's error paragraph."""
    p = page(response)
    found = p.select("p.error") + p.select("p.message")
    assert found, f"no error message on the page: {p.text[:300]}"
    return " ".join(el.text for el in found)


# --- the app under test ----------------------------------------------------------------


class App:
    """One app under test, in either mode, with helpers that go through HTTP like a person.

    Personal mode (`Web`: one journal in an SQLCipher file) and server mode
    (tests/support/server.py `ServerWeb`: accounts on PostgreSQL) serve the same journal
    pages; a test written against this interface runs on either (tests/web/conftest.py
    runs the journal-page tests on both). What differs is how a browser gets in
    (`unlocked_client`), where a browser that is not in is sent (`door`), and where the
    person's journal is (`store`).
    """

    app: FastAPI
    door: str  # where a browser that has not unlocked / signed in is sent
    _stack: ExitStack

    def client(self, **kwargs: Any) -> TestClient:
        """A new browser (its own cookies), kept open until close().

        Open, a TestClient sends every request through one event loop; otherwise it
        starts a thread and a loop per request, which cost a few milliseconds each.
        """
        kwargs.setdefault("follow_redirects", False)
        kwargs.setdefault("base_url", BASE)
        return self._stack.enter_context(TestClient(self.app, **kwargs))

    def unlocked_client(self) -> TestClient:
        """A browser in the person's journal (unlocked, or signed in), past the welcome page."""
        raise NotImplementedError

    @property
    def store(self) -> Store:
        """The person's journal (open)."""
        raise NotImplementedError

    def enter(self, client: TestClient) -> httpx2.Response:
        """Through the door with this browser: unlock, or sign in as the person."""
        raise NotImplementedError

    def leave(self, client: TestClient) -> httpx2.Response:
        """Out through the footer's button: Lock now, or Sign out."""
        raise NotImplementedError

    def sent_to_door(self, response: httpx2.Response) -> bool:
        """A redirect to this mode's door (with `next`, the page asked for, after a GET)."""
        return location(response).partition("?")[0] == self.door

    # going through the pages

    def post(
        self, client: TestClient, url: str, data: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx2.Response:
        """A form POST carrying the right CSRF token."""
        return client.post(url, data={"csrf": csrf_of(client), **(data or {})}, **kwargs)

    def start(self, client: TestClient, **data: str) -> str:
        """POST /assess/start; returns the assessment id."""
        where = location(self.post(client, "/assess/start", data))
        match = re.fullmatch(r"/assess/([0-9a-f]+)/(\d)", where)
        assert match, where
        return match.group(1)

    def submit_page(
        self, client: TestClient, aid: str, page_no: int, values: dict[int, int]
    ) -> httpx2.Response:
        data = {f"q{n}": str(v) for n, v in values.items()}
        return self.post(client, f"/assess/{aid}/{page_no}", {**data, "direction": "next"})

    def answer(
        self, client: TestClient, aid: str, item: int | str, value: int | str
    ) -> httpx2.Response:
        """The htmx path: one answer, CSRF in the X-CSRF-Token header."""
        return client.post(
            f"/assess/{aid}/answer",
            data={"item": str(item), "value": str(value)},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(client)},
        )

    def complete(self, client: TestClient, values: dict[int, int]) -> str:
        """A whole assessment through the no-JS page posts; returns its id."""
        aid = self.start(client)
        for page_no in range(1, ECR.pages + 1):
            numbers = [item.number for item in ECR.page_items(page_no)]
            response = self.submit_page(client, aid, page_no, {n: values[n] for n in numbers})
            expected = f"/assess/{aid}/{page_no + 1}" if page_no < ECR.pages else f"/results/{aid}"
            assert location(response) == expected
        return aid

    def add_reflection(self, client: TestClient, body: str, key: str = PROMPTS[0]) -> str:
        assert location(self.post(client, f"/reflect/{key}", {"body": body})).startswith(
            f"/reflect/{key}"
        )
        return self.entries()[0].id

    # looking at what was stored

    def _read(self, fn: Any) -> Any:
        with self.store.session() as s:
            return fn(s)

    def entries(self, kind: str | None = None) -> list[Entry]:
        result: list[Entry] = self._read(lambda s: entries.list_entries(session=s, kind=kind))
        return result

    def assessments(self) -> list[Assessment]:
        result: list[Assessment] = self._read(lambda s: assessments.list_assessments(session=s))
        return result

    def setting(self, key: str) -> str | None:
        result: str | None = self._read(lambda s: settings.get_setting(session=s, key=key))
        return result

    def close(self) -> None:
        self._stack.close()


class Web(App):
    """Personal mode: one app on one temporary profile.

    `template` is the journal that unlocked_client() copies in (see support.journals);
    the setup page itself is exercised by set_up() in the tests that are about it.
    """

    door = "/unlock"

    def __init__(
        self,
        root: Path,
        template: Template,
        *,
        idle_lock_seconds: int | None = None,
        **app_options: Any,
    ) -> None:
        self.profile: Profile = profile("t", root)
        self.template = template
        kwargs: dict[str, Any] = dict(app_options)  # create_app's door, secure_cookies
        if idle_lock_seconds is not None:
            kwargs["idle_lock_seconds"] = idle_lock_seconds
        self.app = create_app(self.profile, **kwargs)
        self._stack = ExitStack()

    @property
    def vault(self) -> security.Vault:
        vault: security.Vault = self.app.state.vault
        return vault

    @property
    def store(self) -> Store:
        store = self.vault.store
        assert store is not None, "the journal is locked"
        return store

    def set_up(self, client: TestClient, passphrase: str = PASSPHRASE) -> httpx2.Response:
        return self.post(client, "/setup", {"passphrase": passphrase, "confirm": passphrase})

    def unlock(self, client: TestClient, passphrase: str = PASSPHRASE) -> httpx2.Response:
        return self.post(client, "/unlock", {"passphrase": passphrase})

    def enter(self, client: TestClient) -> httpx2.Response:
        return self.unlock(client)

    def leave(self, client: TestClient) -> httpx2.Response:
        return self.post(client, "/lock")

    def unlocked_client(self) -> TestClient:
        """A browser on a journal set up with PASSPHRASE, unlocked and past the welcome page.

        The journal is a copy of the template, unlocked through the unlock page; only
        then is the welcome page passed, as after the setup page.
        """
        copy_journal(self.template, self.profile)
        client = self.client()
        assert location(self.unlock(client)) == "/"
        assert location(self.post(client, "/welcome")) == "/"
        return client

    def _read(self, fn: Any) -> Any:
        """Through the open journal, or (locked) by unlocking the file directly."""
        if self.vault.store is not None:
            return super()._read(fn)
        opened, _key = personal.unlock(self.profile, PASSPHRASE)
        try:
            with opened.session() as s:
                return fn(s)
        finally:
            opened.close()

    def close(self) -> None:
        super().close()
        self.vault.close()


def values_for(level: str) -> dict[int, int]:
    """Answers for all 36 items: "high" scores 5 on both subscales, "low" 1, "mid" 3."""
    out = {}
    for item in ECR.items:
        if level == "mid":
            out[item.number] = 3
        else:
            high = level == "high"
            out[item.number] = (1 if item.reverse else 5) if high else (5 if item.reverse else 1)
    return out


# --- what every page must be ---------------------------------------------------------------

URL_ATTRS = ("src", "href", "action", "formaction", "hx-get", "hx-post", "xlink:href", "poster")
_OFF_SITE = re.compile(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""")
_LOOPBACK = re.compile(r"(https?:)?//127\.0\.0\.1(:\d+)?(/|$)")


def assert_self_contained(response: httpx2.Response, label: str) -> None:
    """Nothing in this response reaches another host or runs inline.

    HTML (a page or an htmx fragment): no link or resource off the loopback (plain-text
    mentions are fine), scripts only from /static, no <style>, no style="" and no on*/
    hx-on* handlers, since the CSP allows neither. A redirect stays on this site. Every
    response carries the CSP.
    """
    assert response.headers["content-security-policy"] == CSP, label
    assert response.headers["x-content-type-options"] == "nosniff", label
    if response.is_redirect:
        target = response.headers["location"]
        assert target.startswith("/") and not target.startswith("//"), (label, target)
        return
    if not response.headers["content-type"].startswith("text/html"):
        return
    p = page(response)
    for el in p.elements:
        for attr in URL_ATTRS:
            value = (el.get(attr) or "").strip().lower()
            if value.startswith(("http://", "https://", "//")):
                assert _LOOPBACK.match(value), (label, el.tag, attr, value)
    assert not _OFF_SITE.search(response.text), label
    assert "url(http" not in response.text, label
    for script in p.select("script"):
        assert (script.get("src") or "").startswith("/static/"), (label, "inline script")
    assert not p.select("style"), label
    assert not [el for el in p.elements if "style" in el.attrs], label
    handlers = [a for el in p.elements for a in el.attrs if a.startswith(("on", "hx-on"))]
    assert handlers == [], (label, handlers)


def assert_safety_links(response: httpx2.Response, label: str) -> None:
    """The page has "Get help now" and the grounding link, once each."""
    p = page(response)
    assert p.one("a.help-link").get("href") == "/help", label
    assert p.one("a.help-link").text == "Get help now", label
    assert p.one("a.ground-link").get("href") == "/grounding", label
