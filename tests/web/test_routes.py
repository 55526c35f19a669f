"""Every route of the app, checked the same way through HTTP: each response is
self-contained; each page has "Get help now" and the grounding link; a locked browser is
sent to the unlock page; a write without the CSRF token is refused and changes nothing.

The routes and their samples come from tests/support/routes.py (the app's own route table),
so a new page cannot escape these checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest
from fastapi.testclient import TestClient

from earned.reports import export
from tests.support.html import page
from tests.support.journals import Template
from tests.support.routes import (
    MARKER,
    PLAIN_REDIRECT_FOR_HTMX,
    POSTS,
    PRIVATE,
    PUBLIC,
    ROUTES,
    SAMPLES,
    Route,
    Seeded,
    State,
    by_route,
    in_states,
    name,
    sample,
    seed,
)
from tests.support.web import (
    Web,
    assert_safety_links,
    assert_self_contained,
    csrf_of,
    error_text,
    location,
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, journal_template: Template) -> Seeded:
    """The seeded journal (routes.seed), made once for the module."""
    return seed(tmp_path_factory.mktemp("seeded"), journal_template)


@dataclass
class Site:
    """A copy of the seeded journal behind its own app, and a browser in one state."""

    web: Web
    client: TestClient
    ids: dict[str, str]
    export: bytes
    backup: bytes

    def send(self, route: Route, *, token: str | None = "", htmx: bool | None = None) -> Any:
        """The route's sample request; token "" means this browser's own CSRF token."""
        s = sample(route)
        url = s.url.format(**self.ids)
        htmx = s.htmx if htmx is None else htmx
        headers = {"HX-Request": "true"} if htmx else {}
        if route[0] == "GET":
            return self.client.get(url, headers=headers)
        csrf = csrf_of(self.client) if token == "" else token
        data = dict(s.data)
        if csrf is not None:
            if htmx:
                headers["X-CSRF-Token"] = csrf
            else:
                data["csrf"] = csrf
        files = {
            "export": {"file": ("export.json", self.export)},
            "backup": {"file": ("earned-backup.tar", self.backup)},
            None: None,
        }[s.upload]
        return self.client.post(url, data=data, files=files, headers=headers)

    def contents(self) -> tuple[bool, str | None, dict[str, Any] | None]:
        """Whether a journal exists, the session token, and everything in the journal."""
        if not self.web.profile.exists:
            return False, self.web.vault.token, None
        data: dict[str, Any] = self.web._read(lambda s: export.snapshot(session=s))
        return True, self.web.vault.token, {k: v for k, v in data.items() if k != "exported_at"}


@pytest.fixture
def site(tmp_path: Path, seeded: Seeded) -> Iterator[Callable[[State], Site]]:
    """site(state): a fresh copy of the seeded journal and a browser that is
    fresh (no journal at all), locked (the journal is open in another browser, not this
    one) or unlocked."""
    made: list[Web] = []

    def make(state: State) -> Site:
        web = Web(tmp_path / f"site{len(made)}", seeded.template)
        made.append(web)
        if state == "fresh":
            return Site(web, web.client(), seeded.ids, seeded.export, seeded.backup)
        owner = web.unlocked_client()
        client = owner if state == "unlocked" else web.client()
        return Site(web, client, seeded.ids, seeded.export, seeded.backup)

    yield make
    for web in made:
        web.close()


def kind_of(response: httpx2.Response) -> str:
    if response.is_redirect:
        return "redirect"
    if "attachment" in response.headers.get("content-disposition", ""):
        return "download"
    if response.headers["content-type"].startswith("text/html"):
        return "page" if page(response).select("body") else "fragment"
    return "file"  # read by the browser itself: the manifest, the service worker


# --- the checks ----------------------------------------------------------------------------


def test_every_sample_is_for_a_route_that_exists() -> None:
    assert sorted(set(SAMPLES) - set(ROUTES)) == []
    assert sorted((PUBLIC | PLAIN_REDIRECT_FOR_HTMX) - set(ROUTES)) == []
    assert len(ROUTES) > 60  # the routes were found, not an empty list


@pytest.mark.parametrize(("route", "state"), in_states(ROUTES))
def test_every_response_is_self_contained(
    site: Callable[[State], Site], route: Route, state: State
) -> None:
    r = site(state).send(route)
    assert kind_of(r) == sample(route).kind, (r.status_code, r.text[:300])
    assert r.status_code == (303 if r.is_redirect else 200), r.text[:300]
    assert_self_contained(r, name(route))


@pytest.mark.parametrize(("route", "state"), in_states(ROUTES))
def test_every_page_has_the_safety_links(
    site: Callable[[State], Site], route: Route, state: State
) -> None:
    """A page shows them; a redirect leads to a page that does; a fragment is only ever
    swapped into such a page; a download (or a file the browser reads itself, like the
    manifest) is a file, not something shown."""
    opened = site(state)
    r = direct = opened.send(route)
    kind = kind_of(r)
    if kind == "redirect":
        r = opened.client.get(location(r).partition("#")[0])
        assert r.status_code == 200, location(r) if r.is_redirect else r.text[:300]
        kind = kind_of(r)
    if kind == "page":
        assert_safety_links(r, name(route))
        ids = [el.get("id") for el in page(r).elements if el.get("id")]
        assert len(ids) == len(set(ids)), (name(route), "duplicate ids")
        if r is direct:  # the Lock button is shown to the browser that unlocked, only
            assert bool(page(r).select("form", action="/lock")) is (state == "unlocked")
    elif kind == "fragment":
        assert sample(route).htmx and not page(r).select("a.help-link")
    else:
        assert kind in ("download", "file") and r.content


@pytest.mark.parametrize("route", by_route(PRIVATE))
def test_every_private_route_sends_a_locked_browser_to_unlock(
    site: Callable[[State], Site], route: Route
) -> None:
    opened = site("locked")
    before = opened.contents()
    r = opened.send(route, htmx=False)
    if route[0] == "GET" and route[1] != "/":
        # The page asked for is where unlocking leads (app.locked).
        url = sample(route).url.format(**opened.ids)
        assert location(r) == f"/unlock?{urlencode({'next': url})}", name(route)
        form = page(opened.client.get(location(r)))
        assert form.one("input", name="next").get("value") == url, name(route)
    else:
        assert location(r) == "/unlock", name(route)
    assert MARKER not in r.text
    r = opened.send(route, htmx=True)
    if route in PLAIN_REDIRECT_FOR_HTMX:
        assert location(r) == "/unlock", name(route)
    else:
        assert (r.status_code, r.headers.get("HX-Redirect")) == (401, "/unlock"), name(route)
    assert MARKER not in r.text
    assert opened.contents() == before


@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["no token", "wrong token"])
@pytest.mark.parametrize("route", by_route(POSTS))
def test_every_write_without_the_csrf_token_is_refused(
    site: Callable[[State], Site], route: Route, token: str | None
) -> None:
    opened = site(sample(route).states[0])
    before = opened.contents()
    r = opened.send(route, token=token)
    assert r.status_code == 403, (name(route), r.status_code, r.text[:300])
    assert "expired" in error_text(r) and "nothing was" in error_text(r)
    assert_self_contained(r, name(route))
    assert_safety_links(r, name(route))
    assert opened.contents() == before


# Stand-ins for ids and names that do not exist; a page number is only ever a real one.
UNKNOWN = {"page": "1", "fmt": "pdf", "key": "nope", "instrument_id": "nope"}
WITH_PARAMETERS = [r for r in ROUTES if "{" in r[1]]


@pytest.mark.parametrize("route", by_route(WITH_PARAMETERS))
def test_every_unknown_id_is_a_calm_404(site: Callable[[State], Site], route: Route) -> None:
    opened = site("unlocked")
    before = opened.contents()
    path = route[1]
    for param in re.findall(r"{(\w+)}", path):
        path = path.replace(f"{{{param}}}", UNKNOWN.get(param, "0" * 32))
    s = sample(route)
    if route[0] == "GET":
        r = opened.client.get(path)
    else:
        r = opened.web.post(opened.client, path, s.data)
    assert r.status_code == 404, (path, r.status_code, r.text[:300])
    assert error_text(r)
    assert_self_contained(r, path)
    assert opened.contents() == before
