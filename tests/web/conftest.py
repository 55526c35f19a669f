"""Fixtures for the web app: a fresh app per test on a temporary profile, clients in each
state (fresh, unlocked), a CSRF helper, and a tiny stdlib HTML reader for selectors.

The suite-wide tests/conftest.py sets EARNED_KDF_PROFILE=test, so Argon2 is cheap here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from earned import instruments, journal
from earned.assessment import Assessment
from earned.journal import Entry
from earned.paths import Profile, profile
from earned.store import personal, repo
from earned.web import security
from earned.web.app import create_app

os.environ.setdefault("EARNED_KDF_PROFILE", "test")

BASE = "http://127.0.0.1"
PASSPHRASE = "a calm harbour at dawn"
PROMPTS = [p["key"] for p in journal.reflection_prompts()]
ECR = instruments.load("ecr")


# --- reading HTML without extra dependencies -------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class El:
    tag: str
    attrs: dict[str, str | None]
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[El] = []
        self.stack: list[El] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = El(tag, dict(attrs))
        self.elements.append(el)
        if tag not in _VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(El(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        for el in self.stack:
            el.parts.append(data)


class Page:
    """Parsed HTML with a small selector API: select("a", href="/help"), select(".error")."""

    def __init__(self, html: str) -> None:
        reader = _Reader()
        reader.feed(html)
        reader.close()
        self.html = html
        self.elements = reader.elements

    def select(self, selector: str, **attrs: str) -> list[El]:
        tag, _, cls = selector.partition(".")
        out = []
        for el in self.elements:
            if tag and el.tag != tag:
                continue
            if cls and not el.has_class(cls):
                continue
            if all(el.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
                out.append(el)
        return out

    def one(self, selector: str, **attrs: str) -> El:
        found = self.select(selector, **attrs)
        assert len(found) == 1, f"expected one {selector} {attrs}, found {len(found)}"
        return found[0]

    @property
    def text(self) -> str:
        main = self.select("main")
        return main[0].text if main else " ".join(self.html.split())

    def checked(self) -> dict[int, int]:
        """Questionnaire radios that are checked: {item number: value}."""
        return {
            int(str(el.get("name"))[1:]): int(str(el.get("value")))
            for el in self.select("input", type="radio")
            if "checked" in el.attrs
        }


def page(response: httpx.Response) -> Page:
    return Page(response.text)


def csrf_of(client: TestClient) -> str:
    """The double-submit token the server gave this client (fetching a page if needed)."""
    token = client.cookies.get(security.CSRF_COOKIE)
    if token is None:
        client.get("/help")
        token = client.cookies.get(security.CSRF_COOKIE)
    assert token, "the server set no CSRF cookie"
    return token


def set_cookie_headers(response: httpx.Response, name: str) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]


def location(response: httpx.Response) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:500])
    return response.headers["location"]


def error_text(response: httpx.Response) -> str:
    """The calm message shown on an error page or in a form's error paragraph."""
    p = page(response)
    found = p.select("p.error") + p.select("p.message")
    assert found, f"no error message on the page: {p.text[:300]}"
    return " ".join(el.text for el in found)


# --- the app under test ----------------------------------------------------------------


class Web:
    """One app on one temporary profile, with helpers that go through HTTP like a person."""

    def __init__(self, root: Path, *, idle_lock_seconds: int | None = None) -> None:
        self.profile: Profile = profile("t", root)
        kwargs: dict[str, Any] = {}
        if idle_lock_seconds is not None:
            kwargs["idle_lock_seconds"] = idle_lock_seconds
        self.app = create_app(self.profile, **kwargs)

    @property
    def vault(self) -> security.Vault:
        vault: security.Vault = self.app.state.vault
        return vault

    def client(self, **kwargs: Any) -> TestClient:
        kwargs.setdefault("follow_redirects", False)
        return TestClient(self.app, base_url=BASE, **kwargs)

    # going through the pages

    def post(
        self, client: TestClient, url: str, data: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A form POST carrying the right CSRF token."""
        return client.post(url, data={"csrf": csrf_of(client), **(data or {})}, **kwargs)

    def set_up(self, client: TestClient, passphrase: str = PASSPHRASE) -> httpx.Response:
        return self.post(client, "/setup", {"passphrase": passphrase, "confirm": passphrase})

    def unlock(self, client: TestClient, passphrase: str = PASSPHRASE) -> httpx.Response:
        return self.post(client, "/unlock", {"passphrase": passphrase})

    def unlocked_client(self) -> TestClient:
        client = self.client()
        assert location(self.set_up(client)) == "/welcome"
        assert location(self.post(client, "/welcome")) == "/"
        return client

    def start(self, client: TestClient, **data: str) -> str:
        """POST /assess/start; returns the assessment id."""
        where = location(self.post(client, "/assess/start", data))
        match = re.fullmatch(r"/assess/([0-9a-f]+)/(\d)", where)
        assert match, where
        return match.group(1)

    def submit_page(
        self, client: TestClient, aid: str, page_no: int, values: dict[int, int]
    ) -> httpx.Response:
        data = {f"q{n}": str(v) for n, v in values.items()}
        return self.post(client, f"/assess/{aid}/{page_no}", {**data, "direction": "next"})

    def answer(
        self, client: TestClient, aid: str, item: int | str, value: int | str
    ) -> httpx.Response:
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

    # looking at what was stored (through the open journal, or by unlocking it directly)

    def _read(self, fn: Any) -> Any:
        store = self.vault.store
        if store is not None:
            with store.session() as s:
                return fn(s)
        opened, _key = personal.unlock(self.profile, PASSPHRASE)
        try:
            with opened.session() as s:
                return fn(s)
        finally:
            opened.close()

    def entries(self, kind: str | None = None) -> list[Entry]:
        result: list[Entry] = self._read(lambda s: repo.list_entries(session=s, kind=kind))
        return result

    def assessments(self) -> list[Assessment]:
        result: list[Assessment] = self._read(lambda s: repo.list_assessments(session=s))
        return result

    def setting(self, key: str) -> str | None:
        result: str | None = self._read(lambda s: repo.get_setting(session=s, key=key))
        return result

    def close(self) -> None:
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


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    """A fresh app on a fresh profile folder (not set up yet)."""
    w = Web(tmp_path / "one")
    yield w
    w.close()


@pytest.fixture
def make_web(tmp_path: Path) -> Iterator[Any]:
    """Factory for extra apps (a second journal, an idle-locking app)."""
    made: list[Web] = []

    def make(name: str, **kwargs: Any) -> Web:
        w = Web(tmp_path / name, **kwargs)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


@pytest.fixture
def client(web: Web) -> TestClient:
    """A browser that has visited nothing yet, on a journal not yet set up."""
    return web.client()


@pytest.fixture
def unlocked(web: Web) -> TestClient:
    """A browser that has set up the journal and passed the welcome page."""
    return web.unlocked_client()


@pytest.fixture
def stranger(web: Web, unlocked: TestClient) -> TestClient:
    """A second browser without the session cookie, while the journal exists (and is open)."""
    return web.client()
