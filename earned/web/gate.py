"""Who is asking: the one question every request answers before any page, in either mode.

- Personal mode (the default): the Vault (security.py) holds the one unlocked journal;
  the session cookie either is its current token or is not.
- Server mode (issue 14): sessions live in the server database (store/server/logins.py),
  so any web worker can answer any request; the account's journal is its own schema.

app.guard asks once per request (`identify`) and keeps the answer on request.state, so
the CSRF token, the page context and the routes' store all agree, at one session read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import Request

from earned.accounts import Account
from earned.errors import Locked
from earned.store import Store
from earned.web import security

if TYPE_CHECKING:
    from earned.store.server import Server

PERSONAL = "personal"
SERVER = "server"


@dataclass(frozen=True)
class Who:
    """A signed-in (or unlocked) browser: its CSRF token, and in server mode its account."""

    csrf: str
    account: Account | None = None


class PersonalGate:
    mode = PERSONAL
    sign_in = "/unlock"

    def __init__(self, vault: security.Vault, *, secure_cookies: bool = False) -> None:
        self.vault = vault
        # Behind HTTPS (one person's own phone, through a reverse proxy): Secure cookies.
        self.secure_cookies = secure_cookies

    def identify(self, request: Request) -> Who | None:
        session = request.cookies.get(security.SESSION_COOKIE)
        if session and self.vault.holds(session):
            return Who(csrf=security.bound_csrf(self.vault.csrf_key, session))
        return None

    def store(self, request: Request) -> Store | None:
        """The open journal; touches the idle timer (and closes an idled-out journal)."""
        return self.vault.check(request.cookies.get(security.SESSION_COOKIE))

    def peek(self, request: Request) -> Store | None:
        """The open journal without touching anything (the page context's read)."""
        return self.vault.store if identified(request) is not None else None


class ServerGate:
    mode = SERVER
    sign_in = "/login"

    def __init__(self, server: Server, *, secure_cookies: bool = False) -> None:
        self.server = server
        # Behind HTTPS (a reverse proxy): cookies only ever travel encrypted.
        self.secure_cookies = secure_cookies

    def identify(self, request: Request) -> Who | None:
        from earned.store.server import logins

        token = request.cookies.get(security.SESSION_COOKIE)
        if not token:
            return None
        with self.server.session() as s:
            found = logins.find(session=s, token=token, now=datetime.now(UTC))
        if found is None:
            return None
        account, csrf = found
        return Who(csrf=csrf, account=account)

    def store(self, request: Request) -> Store | None:
        """The signed-in person's own journal; None for anyone else (a clinician has none)."""
        who = identified(request)
        if who is None or who.account is None or not who.account.is_person:
            return None
        return self.server.journal(who.account.id)

    def peek(self, request: Request) -> Store | None:
        return self.store(request)

    def password_matches(self, account_id: int, password: str) -> bool:
        """Whether `password` is the account's (Argon2id: call it off the event loop), as
        every change that asks for it again (two-step off, delete everything) checks."""
        from earned.store.server import accounts

        with self.server.session() as s:
            return accounts.check_password(session=s, account_id=account_id, password=password)


Gate = PersonalGate | ServerGate


def gate_of(request: Request) -> Gate:
    gate: Gate = request.app.state.gate
    return gate


def identified(request: Request) -> Who | None:
    """This request's answer, as app.guard found it (None outside a request it saw)."""
    who = getattr(request.state, "who", None)
    return who if isinstance(who, Who) else None


def account(request: Request) -> Account | None:
    who = identified(request)
    return None if who is None else who.account


def server_gate(request: Request) -> ServerGate:
    """The gate of a server-mode app (the routes that call this are mounted only there)."""
    gate = gate_of(request)
    assert isinstance(gate, ServerGate)
    return gate


def signed_in(request: Request) -> Account:
    """The signed-in account, else to the sign-in page (via Locked)."""
    who = account(request)
    if who is None:
        raise Locked()
    return who
