"""Signed-in sessions, kept in the database so any web worker can answer any request.

The cookie holds a random token; the table keeps only its SHA-256, the account and the
session's CSRF token. Rules (how long a session lasts): earned/accounts.py.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from earned import accounts
from earned.accounts import Account
from earned.store.server.accounts import get
from earned.store.server.models import WebSessionRow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(*, session: Session, account_id: int, now: datetime) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token). Always new at sign-in (no fixation)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSessionRow(
            token_hash=_hash(token), account_id=account_id, csrf=csrf, created_at=now, last_seen=now
        )
    )
    return token, csrf


def find(*, session: Session, token: str | None, now: datetime) -> tuple[Account, str] | None:
    """The signed-in account and its CSRF token, or None (no such session, or it is over)."""
    if not token or len(token) > 200:
        return None
    row = session.get(WebSessionRow, _hash(token))
    if row is None:
        return None
    if accounts.session_over(row.created_at, row.last_seen, now):
        session.delete(row)
        return None
    account = get(session=session, account_id=row.account_id)
    if account is None:
        return None
    if now - row.last_seen > accounts.TOUCH_EVERY:
        row.last_seen = now
    return account, row.csrf


def end(*, session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _hash(token)))


def end_all(*, session: Session, account_id: int) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.account_id == account_id))
