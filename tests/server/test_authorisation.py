"""The authorisation matrix of server mode, generated from the app's route table: every
route, tried by the journal's owner, a clinician the owner shares with, a clinician never
shared with, a clinician whose sharing was stopped, another person, and nobody signed in.
No one reads what they should not, including by guessing ids, and no one but the owner
changes the owner's journal.

The owner's journal is the seeded journal of the personal-mode route checks
(tests/support/routes.py), imported through the import page, so every journal route is
tried with real ids of the owner's records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from earned.reports import export
from earned.web import security
from tests.support.journals import Template
from tests.support.routes import MARKER, SAMPLES, Seeded, seed
from tests.support.server import (
    SERVER_PUBLIC,
    SERVER_SAMPLES,
    ServerWeb,
    server_routes,
)
from tests.support.web import Web, csrf_of, location

ROUTES = server_routes()
ROLES = ("owner", "shared", "never", "stopped", "other", "nobody")
# Writes that end or remove the account making them: tried with a fresh account each.
SELF_ENDING = {("POST", "/data/delete"), ("POST", "/logout")}


@dataclass
class World:
    srv: ServerWeb
    ids: dict[str, str]
    names: dict[str, str]
    signed: dict[str, TestClient] = field(default_factory=dict)  # one browser per role

    def snapshot(self) -> dict[str, Any]:
        """Everything in the owner's journal (exported_at aside)."""
        owner = self.srv.server.journal(int(self.ids["account"]))
        with owner.session() as s:
            data = export.snapshot(session=s)
        return {k: v for k, v in data.items() if k != "exported_at"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, journal_template: Template) -> Iterator[World]:
    root = tmp_path_factory.mktemp("authz")
    seeded: Seeded = seed(root, journal_template)
    personal = Web(root / "copy", seeded.template)
    owned = personal.unlocked_client().get("/data/export.json").content
    personal.close()
    srv = ServerWeb()
    ada = srv.add("ada", display_name="Ada")
    srv.add("ben")
    cleo = srv.add("cleo", "clinician")
    srv.add("dev", "clinician")
    srv.add("eve", "clinician")
    owner = srv.signed_in("ada")
    imported = owner.post(
        "/data/import",
        data={"csrf": csrf_of(owner)},
        files={"file": ("export.json", owned)},
    )
    assert imported.status_code == 200, imported.text[:300]
    for clinician, then_stop in (("cleo", False), ("eve", True)):
        made = srv.post(owner, "/sharing/invite", {f"share_{k}": "1" for k in (
            "results", "progress", "moments", "journal", "practices", "prep")})  # fmt: skip
        code = made.text.split('class="invite-code"><code>')[1].split("<")[0]
        joined = srv.post(srv.signed_in(clinician), "/clinic/join", {"code": code})
        assert location(joined) == f"/clinic/{ada.id}"
        if then_stop:
            with srv.server.session() as s:
                from earned.store.server import accounts as account_store

                found = account_store.by_name(session=s, name=clinician)
                assert found is not None
            srv.post(owner, f"/sharing/{found.id}/stop")
    srv.post(srv.signed_in("cleo"), f"/clinic/{ada.id}/suggest",
             {"choice": "practice|Box breathing"})  # fmt: skip
    with srv.server.session() as s:
        from earned.store.server import sharing

        assignment = sharing.assignments(session=s, person_id=ada.id)[0].id
    ids = dict(seeded.ids) | {
        "account": str(ada.id),
        "clinician": str(cleo.id),
        "assignment": str(assignment),
    }
    names = {"owner": "ada", "shared": "cleo", "never": "dev", "stopped": "eve", "other": "ben"}
    yield World(srv, ids, names)
    srv.close()


def address(route: tuple[str, str], ids: dict[str, str]) -> tuple[str, dict[str, str], bool]:
    """The route's address with the owner's ids, its form, and whether htmx sends it."""
    if route in SERVER_SAMPLES:
        url, data = SERVER_SAMPLES[route]
        return url.format(**ids), dict(data), False
    sample = SAMPLES.get(route)
    assert sample is not None, f"{route} has no sample: add one to SERVER_SAMPLES or SAMPLES"
    return sample.url.format(**ids), dict(sample.data), sample.htmx


def browser(world: World, role: str, route: tuple[str, str]) -> TestClient:
    """A browser of `role`: kept for the module, but fresh for a route that may end its
    session (signing out, or in as someone else)."""
    if role == "nobody":
        return world.srv.client()
    fresh = route in SELF_ENDING or route[1] == "/login"
    if not fresh and role in world.signed:
        return world.signed[role]
    # Every browser here is "testclient" to the per-browser backoff, which the wrong
    # password of POST /login's sample starts; it is tested on its own (test_login.py).
    world.srv.app.state.attempts = security.Attempts(per_minute=10_000)
    made = world.srv.signed_in(world.names[role])
    if not fresh:
        world.signed[role] = made
    return made


def ask(world: World, client: TestClient, route: tuple[str, str]) -> httpx2.Response:
    url, data, htmx = address(route, world.ids)
    headers = {"HX-Request": "true"} if htmx else {}
    if route[0] == "GET":
        return client.get(url, headers=headers)
    return client.post(url, data={"csrf": csrf_of(client), **data}, headers=headers)


def params() -> list[Any]:
    return [
        pytest.param(route, role, id=f"{route[0]} {route[1]} [{role}]")
        for route in ROUTES
        for role in ROLES
        if not (route in SELF_ENDING and role in ("owner", "other"))
        and not (role == "owner" and route[0] == "POST")
    ]


def test_every_route_has_a_sample() -> None:
    missing = [r for r in ROUTES if r not in SERVER_SAMPLES and r not in SAMPLES]
    assert not missing, f"add samples for {missing} (tests/support/server.py SERVER_SAMPLES)"


@pytest.mark.parametrize(("route", "role"), params())
def test_no_one_reads_or_changes_what_is_not_theirs(
    world: World, route: tuple[str, str], role: str
) -> None:
    before = world.snapshot()
    response = ask(world, browser(world, role, route), route)
    assert response.status_code < 500, response.text[:300]
    shown = response.text
    clinic_page = route[1].startswith("/clinic/{person_id}")
    if role == "owner":
        if route[1].startswith("/clinic"):
            assert response.status_code == 403  # a person has no caseload
        elif route not in SERVER_PUBLIC or route[1] != "/login":
            assert response.status_code in (200, 303), (response.status_code, shown[:300])
    elif role == "shared" and clinic_page and route[0] == "GET":
        assert response.status_code == 200 and MARKER in shown  # journal writing is shared
    else:
        # Never the owner's words; and a private route is not served to this browser.
        assert MARKER not in shown
        if role == "nobody" and route not in SERVER_PUBLIC:
            assert response.status_code in (303, 401, 403)
            if response.status_code == 303:
                assert location(response).startswith("/login")
        if clinic_page and role in ("never", "stopped"):
            assert response.status_code == 404
        if clinic_page and role == "other":
            assert response.status_code == 403
    if role != "owner":
        assert world.snapshot() == before, f"{role} changed the owner's journal"


def test_a_guessed_id_from_another_journal_finds_nothing(world: World) -> None:
    ben = world.srv.signed_in("ben")
    for key in ("entry", "activation", "belief", "person", "note", "rung"):
        found = {
            "entry": "/reflect/{entry}/edit",
            "activation": "/moment/{activation}",
            "belief": "/beliefs/{belief}",
            "person": "/people/{person}",
            "note": "/therapy/prep/{note}",
            "rung": "/ladder/{rung}",
        }[key]
        response = ben.get(found.format(**world.ids))
        assert response.status_code == 404, (found, response.status_code)
        assert MARKER not in response.text


def test_a_stopped_share_ends_on_the_next_request(world: World, tmp_path: Path) -> None:
    srv = world.srv
    owner = srv.signed_in("ada")
    cleo = srv.signed_in("cleo")
    page = f"/clinic/{world.ids['account']}"
    assert cleo.get(page).status_code == 200
    clinician = world.ids["clinician"]
    srv.post(owner, f"/sharing/{clinician}", {"share_results": "1"})  # journal no longer shared
    narrowed = cleo.get(page)
    assert narrowed.status_code == 200 and MARKER not in narrowed.text
    srv.post(owner, f"/sharing/{clinician}/stop")
    assert cleo.get(page).status_code == 404
    # Shared again for the other tests of this module.
    made = srv.post(owner, "/sharing/invite", {"share_journal": "1", "share_results": "1",
                    "share_progress": "1", "share_moments": "1", "share_practices": "1",
                    "share_prep": "1"})  # fmt: skip
    code = made.text.split('class="invite-code"><code>')[1].split("<")[0]
    assert location(srv.post(cleo, "/clinic/join", {"code": code})) == page
    assert code not in cleo.get(page).text  # the code is spent, and never shown again
    log = owner.get("/sharing/log").text
    assert "Cleo" in log or "cleo" in log


POSTS = [r for r in ROUTES if r[0] == "POST"]


@pytest.mark.parametrize("route", POSTS, ids=[f"POST {r[1]}" for r in POSTS])
def test_a_write_without_its_csrf_token_is_refused_and_changes_nothing(
    world: World, route: tuple[str, str]
) -> None:
    srv = world.srv
    srv.app.state.attempts = security.Attempts(per_minute=10_000)
    owner = srv.signed_in("ada")
    url, data, _ = address(route, world.ids)
    before = world.snapshot()
    with srv.server.session() as s:
        from earned.store.server import sharing

        links = sharing.clinicians_of(session=s, person_id=int(world.ids["account"]))
    refused = owner.post(url, data=data)  # no csrf field, no header
    assert refused.status_code == 403, (route, refused.status_code)
    assert world.snapshot() == before
    with srv.server.session() as s:
        assert sharing.clinicians_of(session=s, person_id=int(world.ids["account"])) == links
    # Nor does a page on another site get a write through, token or not.
    other_site = owner.post(
        url, data={"csrf": csrf_of(owner), **data}, headers={"origin": "https://evil.example"}
    )
    assert other_site.status_code == 403


def test_what_a_person_wrote_is_shown_inert_to_their_clinician(world: World) -> None:
    srv = world.srv
    srv.app.state.attempts = security.Attempts(per_minute=10_000)
    owner = srv.signed_in("ada")
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    srv.post(owner, f"/reflect/{world.ids['key']}", {"body": f"today {payload}"})
    moment = location(srv.post(owner, "/moment", {"intensity": "4"}))
    srv.post(owner, moment, {"intensity": "4", "trigger": payload})
    shown = srv.signed_in("cleo").get(f"/clinic/{world.ids['account']}").text
    assert payload not in shown
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown
