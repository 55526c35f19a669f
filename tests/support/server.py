"""Server mode under test (issue 14): a fresh PostgreSQL database, the server-mode app on
it, accounts made as `earned server add` makes them, and browsers signed in to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import make_url

from earned.accounts import Account
from earned.store import Store, fields
from earned.store.server import Server
from earned.store.server import accounts as account_store
from earned.web.app import create_server_app
from earned.web.server_app import door_for

from . import PASSPHRASE
from .html import page
from .journals import fresh_pg_database
from .web import App, location

PASSWORD = PASSPHRASE  # the same rules; one strong phrase for every test account
PERSON = "robin"  # the person unlocked_client() signs in as
# The key rings server-mode apps under test hold (tests/conftest.py lets them stay).
HELD: list[fields.Ring] = []


@dataclass(frozen=True)
class ServerTemplate:
    """A migrated server database holding PERSON's account and journal, closed, to copy
    (`CREATE DATABASE ... TEMPLATE`), and the ring their words are sealed with."""

    database: str
    ring: fields.Ring
    person: Account


@contextmanager
def server_template() -> Iterator[ServerTemplate]:
    """One server database made ready for unlocked_client(); dropped afterwards.

    Migrating the server tables and a person's journal schema costs about 0.3 s; a copy
    of a database that holds both costs a fraction of it (see tests/web/conftest.py).
    """
    ring = fields.new_ring()
    HELD.append(ring)
    try:
        with fresh_pg_database(kind="srvtemplate") as url:
            with fields.installed(ring):
                server = Server.open(url, pool_size=1)
                try:
                    person = _add(server, PERSON)
                finally:
                    server.close()  # no connection left: PostgreSQL copies only idle databases
            name = make_url(url).database
            assert name is not None
            yield ServerTemplate(name, ring, person)
    finally:
        HELD.remove(ring)


def _add(
    server: Server, name: str, role: str = "person", display_name: str | None = None
) -> Account:
    """An account made as `earned server add` makes it (a person with their journal)."""
    with server.session() as s:
        made = account_store.create(
            session=s,
            name=name,
            role=role,
            password=PASSWORD,
            display_name=display_name,
            now=datetime.now(UTC),
        )
    if made.is_person:
        server.create_journal(made.id)
    return made


class ServerWeb(App):
    """One server-mode app on its own PostgreSQL database (a copy of `template`, if given,
    with PERSON in it already); closed by close()."""

    door = "/login"

    def __init__(
        self, *, public_url: str | None = None, template: ServerTemplate | None = None
    ) -> None:
        self._stack = ExitStack()
        # Server mode seals what people write: a ring for this app's life (the template's,
        # when the database is a copy: its words were sealed with it).
        self.ring = template.ring if template is not None else fields.new_ring()
        HELD.append(self.ring)
        self._stack.callback(HELD.remove, self.ring)
        self._stack.enter_context(fields.installed(self.ring))
        copied = template.database if template is not None else None
        url = self._stack.enter_context(fresh_pg_database(copied, kind="server"))
        self.server = Server.open(url, pool_size=4)
        self._stack.callback(self.server.close)
        self.url = url
        self.person: Account | None = template.person if template is not None else None
        self.app = create_server_app(
            self.server,
            door=door_for(public_url, None),
            secure_cookies=bool(public_url and public_url.startswith("https://")),
        )

    def add(self, name: str, role: str = "person", display_name: str | None = None) -> Account:
        return _add(self.server, name, role, display_name)

    def journal(self, account: Account) -> Store:
        return self.server.journal(account.id)

    def sign_in(
        self, client: TestClient, name: str, password: str = PASSWORD, code: str = ""
    ) -> httpx2.Response:
        return self.post(client, "/login", {"name": name, "password": password, "code": code})

    def signed_in(self, name: str) -> TestClient:
        """A browser signed in as `name` (a person is also past the welcome page)."""
        client = self.client()
        to = location(self.sign_in(client, name))
        if to == "/":
            welcome = client.get("/")
            if welcome.status_code == 303 and location(welcome) == "/welcome":
                assert location(self.post(client, "/welcome")) == "/"
        return client

    def invite(self, person: TestClient, *categories: str) -> str:
        """The invite code the sharing page makes for `categories` (keys of consent.CATEGORIES)."""
        made = self.post(person, "/sharing/invite", {f"share_{c}": "1" for c in categories})
        assert made.status_code == 200, made.text[:500]
        return page(made).one("p.invite-code").text.strip()

    def join(self, clinician: str, code: str) -> TestClient:
        """A browser signed in as `clinician` that has joined with `code`."""
        browser = self.signed_in(clinician)
        assert self.post(browser, "/clinic/join", {"code": code}).status_code == 303
        return browser

    # the journal pages' interface (App): PERSON is the person in the journal

    def unlocked_client(self) -> TestClient:
        """A browser signed in as PERSON (made now if the database is not a copy)."""
        if self.person is None:
            self.person = self.add(PERSON)
        return self.signed_in(PERSON)

    def enter(self, client: TestClient) -> httpx2.Response:
        return self.sign_in(client, PERSON)

    def leave(self, client: TestClient) -> httpx2.Response:
        return self.post(client, "/logout")

    @property
    def store(self) -> Store:
        assert self.person is not None, "no person yet: unlocked_client() makes one"
        return self.journal(self.person)


# --- the server app's route table, and how to exercise its own routes ------------------------

SERVER_SAMPLES: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    # (method, path) -> (address with {ids}, form). Journal pages use routes.SAMPLES.
    ("GET", "/login"): ("/login", {}),
    ("POST", "/login"): ("/login", {"name": "nobody", "password": "not a real password"}),
    ("POST", "/logout"): ("/logout", {}),
    ("GET", "/account"): ("/account", {}),
    ("POST", "/account/password"): (
        "/account/password",
        {"current": "not the password", "password": "x", "confirm": "x"},
    ),
    ("POST", "/account/two-step"): ("/account/two-step", {"step": "start"}),
    ("POST", "/sharing/invite"): ("/sharing/invite", {"share_results": "1"}),
    ("POST", "/sharing/invites/cancel"): ("/sharing/invites/cancel", {}),
    ("POST", "/sharing/{clinician_id}"): ("/sharing/{clinician}", {"share_results": "1"}),
    ("POST", "/sharing/{clinician_id}/stop"): ("/sharing/{clinician}/stop", {}),
    ("GET", "/sharing/log"): ("/sharing/log", {}),
    ("POST", "/suggestions/{assignment_id}"): ("/suggestions/{assignment}", {"answer": "done"}),
    ("GET", "/clinic"): ("/clinic", {}),
    ("POST", "/clinic/join"): ("/clinic/join", {"code": "AAAA-BBBB-CCCC"}),
    ("GET", "/clinic/{person_id}"): ("/clinic/{account}", {}),
    ("POST", "/clinic/{person_id}/suggest"): (
        "/clinic/{account}/suggest",
        {"choice": "practice|Box breathing", "note": "when you can"},
    ),
}
# Open to a browser that is not signed in (everything else sends it to /login).
SERVER_PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/help"),
                 ("GET", "/grounding"), ("GET", "/pause"),
                 ("GET", "/checkin/{instrument_id}/answer"), ("GET", "/manifest.webmanifest"),
                 ("GET", "/sw.js"), ("GET", "/offline")}  # fmt: skip


def server_routes() -> list[tuple[str, str]]:
    """(method, path) of every route the server-mode app serves (static files aside)."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from earned.web.app import SERVER_ROUTES

    found = {
        (method, context.path)
        for module in SERVER_ROUTES
        for context in iter_route_contexts(module.router.routes)
        if isinstance(context.original_route, APIRoute) and context.path is not None
        for method in context.methods or ()
    }
    return sorted(found, key=lambda r: (r[1], r[0]))
