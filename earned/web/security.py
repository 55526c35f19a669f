"""The web app's lock: the unlocked journal lives in memory only, behind a session cookie.

- Session: a random token set as an HttpOnly, SameSite=Strict cookie at unlock; the
  server keeps only the current token. Locking (or idling past the timeout) drops the
  open Store and with it the only in-memory reference to the data key.
- CSRF: double-submit. Every page carries a random `csrf` cookie (HttpOnly,
  SameSite=Strict) and the same value in each form (hidden field) and in htmx
  requests (X-CSRF-Token header); a write whose two values differ is refused.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from earned.paths import Profile
from earned.store import Store

SESSION_COOKIE = "earned_session"
CSRF_COOKIE = "earned_csrf"
IDLE_LOCK_SECONDS = 30 * 60


@dataclass
class Vault:
    """Holds the one open journal of a personal-mode server, and who may use it."""

    profile: Profile
    idle_lock_seconds: int = IDLE_LOCK_SECONDS
    store: Store | None = None
    token: str | None = None
    last_seen: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, store: Store) -> str:
        with self._lock:
            if self.store is not None and self.store is not store:
                self.store.close()
            self.store = store
            self.token = secrets.token_urlsafe(32)
            self.last_seen = time.monotonic()
            return self.token

    def close(self) -> None:
        with self._lock:
            if self.store is not None:
                self.store.close()
            self.store = None
            self.token = None

    def check(self, token: str | None) -> Store | None:
        """The open store if `token` is the current session and it has not idled out."""
        with self._lock:
            if self.store is None or self.token is None or token is None:
                return None
            if not _same(token, self.token):
                return None
            now = time.monotonic()
            idle = now - self.last_seen > self.idle_lock_seconds
            self.last_seen = now
        if idle:
            self.close()
            return None
        return self.store

    def holds(self, token: str | None) -> bool:
        """Whether `token` is the live session (read-only: no idle-timer touch, no close)."""
        with self._lock:
            if self.store is None or self.token is None or not token:
                return False
            if time.monotonic() - self.last_seen > self.idle_lock_seconds:
                return False
            return _same(token, self.token)


def _same(a: str, b: str) -> bool:
    # Bytes, not str: compare_digest raises TypeError on non-ASCII text, and both values
    # can come from the request (a forged cookie or form field would otherwise be a 500).
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, submitted: str | None) -> bool:
    return bool(cookie) and bool(submitted) and _same(str(cookie), str(submitted))
