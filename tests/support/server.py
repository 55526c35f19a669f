"""Server mode under test (issue 14): a fresh PostgreSQL database, the server-mode app on
it, accounts made as `earned server add` makes them, and browsers signed in to them."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import httpx2
from fastapi.testclient import TestClient

from earned.accounts import Account
from earned.store import Store
from earned.store.server import Server
from earned.store.server import accounts as account_store
from earned.web.app import create_server_app
from earned.web.server_app import door_for

from . import PASSPHRASE
from .journals import fresh_pg_database
from .web import BASE, csrf_of, location

PASSWORD = PASSPHRASE  # the same rules; one strong phrase for every test account


class ServerWeb:
    """One server-mode app on its own PostgreSQL database; closed by close()."""

    def __init__(self, *, public_url: str | None = None) -> None:
        self._stack = ExitStack()
        url = self._stack.enter_context(fresh_pg_database(kind="server"))
        self.server = Server.open(url, pool_size=4)
        self._stack.callback(self.server.close)
        self.url = url
        self.app = create_server_app(
            self.server,
            door=door_for(public_url, None),
            secure_cookies=bool(public_url and public_url.startswith("https://")),
        )

    def add(self, name: str, role: str = "person", display_name: str | None = None) -> Account:
        with self.server.session() as s:
            made = account_store.create(
                session=s,
                name=name,
                role=role,
                password=PASSWORD,
                display_name=display_name,
                now=datetime.now(UTC),
            )
        if made.is_person:
            self.server.create_journal(made.id)
        return made

    def journal(self, account: Account) -> Store:
        return self.server.journal(account.id)

    def client(self, **kwargs: Any) -> TestClient:
        kwargs.setdefault("follow_redirects", False)
        kwargs.setdefault("base_url", BASE)
        return self._stack.enter_context(TestClient(self.app, **kwargs))

    def post(
        self, client: TestClient, url: str, data: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx2.Response:
        return client.post(url, data={"csrf": csrf_of(client), **(data or {})}, **kwargs)

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

    def close(self) -> None:
        self._stack.close()
