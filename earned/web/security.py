"""The web app's lock: the unlocked journal lives in memory only, behind a session cookie.

- Session: a random token set as an HttpOnly, SameSite=Strict cookie at unlock; the
  server keeps only the current token. Locking (or idling past the timeout) drops the
  open Store and with it the only in-memory reference to the data key.
- CSRF: while unlocked, the token in each form (hidden field) and htmx request
  (X-CSRF-Token header) is an HMAC of the session under a key only this server holds
  (bound_csrf), so nobody without the session can make one. Before unlock (setup, the
  unlock form) it is double-submit: a random `csrf` cookie (HttpOnly, SameSite=Strict)
  whose value the form repeats.
- The door: the Host header must name this server and a write must come from its own
  pages (Door), against DNS rebinding and pages on other ports.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi.responses import Response

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
    # The open journal's key, for a backup made from the browser. Already in memory while
    # unlocked (the engine's connection factory holds it); dropped with the store.
    data_key: bytes | None = None
    token: str | None = None
    last_seen: float = 0.0
    # Signs the CSRF token of the unlocked session (bound_csrf); new with each server.
    csrf_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, store: Store, data_key: bytes | None = None) -> str:
        with self._lock:
            if self.store is not None and self.store is not store:
                self.store.close()
            self.store = store
            self.data_key = data_key
            self.token = secrets.token_urlsafe(32)
            self.last_seen = time.monotonic()
            self._watch()
            return self.token

    def _watch(self) -> None:
        """Drop the key when the idle time is up, on a timer: not only at the next request,
        which may never come while the server keeps running (issue 10). Called with the
        lock held; one daemon thread per open session, ending when the journal closes."""
        opened = self.store

        def run() -> None:
            while True:
                with self._lock:
                    if self.store is not opened:
                        return  # locked, or a newer session has its own watch
                    left = self.idle_lock_seconds - (time.monotonic() - self.last_seen)
                if left <= 0:
                    self.close()
                    return
                time.sleep(min(left, 30.0) + 0.05)

        threading.Thread(target=run, name="earned-idle-lock", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            if self.store is not None:
                self.store.close()
            self.store = None
            self.data_key = None
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


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    """The session cookie, with its flags in one place for both modes: never readable by
    script (HttpOnly), never sent by another site's request (SameSite=Strict), and only
    over https when the app is served there (Secure)."""
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", path="/", secure=secure
    )


def _same(a: str, b: str) -> bool:
    # Bytes, not str: compare_digest raises TypeError on non-ASCII text, and both values
    # can come from the request (a forged cookie or form field would otherwise be a 500).
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(expected: str | None, submitted: str | None) -> bool:
    """Whether a write carries this request's CSRF token (app.csrf_for: bound to the
    session while unlocked, the csrf cookie before)."""
    return bool(expected) and bool(submitted) and _same(str(expected), str(submitted))


# --- the door: which addresses and which pages may talk to this server ---------------------
# Any page a person visits can make their browser send requests to 127.0.0.1. Two checks
# keep those out (issue 10): the Host header must name this server (a DNS-rebinding page
# arrives as evil.example:PORT), and a write must come from this server's own pages (the
# Origin header, or Sec-Fetch-Site where there is no Origin).

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def split_host(value: str) -> tuple[str, int | None]:
    """'127.0.0.1:8765' → ('127.0.0.1', 8765); '[::1]:80' → ('::1', 80); no port → None."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        name, _, port_text = value.partition(":")
    if port_text and not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
        return value, -1  # never equal to a real port
    return name, int(port_text) if port_text else None


@dataclass(frozen=True)
class Door:
    """The host names this server answers to, and its port (None: any, as in tests)."""

    names: frozenset[str] = LOOPBACK_NAMES
    port: int | None = None
    # Names admitted on any port: the public name an HTTPS proxy in front passes on (its
    # port, 443 or another, is not ours to know). Loopback names keep to `port`.
    public: frozenset[str] = frozenset()

    def admits(self, host: str | None) -> bool:
        if not host:
            return False
        name, port = split_host(host)
        if name in self.public and port != -1:
            return True
        return name in self.names and (self.port is None or port in (None, self.port))

    def same_site(self, origin: str | None, fetch_site: str | None) -> bool:
        """Whether a write came from this server's own pages."""
        if origin == "null":
            # Our pages send Referrer-Policy: no-referrer, under which Chromium gives its
            # own form posts Origin "null"; a sandboxed frame elsewhere does too. Then the
            # browser's Sec-Fetch-Site decides, and only "same-origin" is ours.
            return fetch_site == "same-origin"
        if origin is not None:
            scheme, _, rest = origin.partition("://")
            return scheme in ("http", "https") and self.admits(rest.split("/", 1)[0])
        # No Origin (older browsers, some same-origin forms): trust Sec-Fetch-Site if sent;
        # a request with neither is not from a browser page (curl, the test client).
        return fetch_site in (None, "same-origin", "none")


def bound_csrf(key: bytes, session: str) -> str:
    """The CSRF token of an unlocked session: derived from the session itself, so a page
    on another port of 127.0.0.1, which can set the csrf cookie, still cannot know it."""
    return hmac.new(key, session.encode("utf-8"), "sha256").hexdigest()


# --- guessing the passphrase ------------------------------------------------------------------


@dataclass
class Attempts:
    """Backoff for passphrase tries, per client and overall.

    A client's first FREE wrong passphrases cost nothing (a typo, then another); after
    that it waits 1, 2, 4 … seconds (at most MAX_WAIT) before the next try is even
    evaluated; and the whole server evaluates at most PER_MINUTE tries a minute, whoever
    sends them. Each try costs one Argon2id derivation (~0.14 s of a core), so this also
    keeps guessing from starving every other page. A right passphrase clears that
    client's count.
    """

    MAX_WAIT = 60.0
    PER_MINUTE = 20
    FREE = 2

    # Server mode raises it (app.create_server_app): there every account has its own rest
    # (earned.accounts), and a low cap for the whole server would let one guesser keep
    # everyone else from signing in.
    per_minute: int = PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    failures: dict[str, int] = field(default_factory=dict)
    not_before: dict[str, float] = field(default_factory=dict)
    recent: list[float] = field(default_factory=list)

    def wait(self, client: str) -> float:
        """Seconds this client must still wait before a try is evaluated (0: go ahead)."""
        now = float(self.clock())
        self.recent = [t for t in self.recent if now - t < 60]
        if len(self.recent) >= self.per_minute:
            return max(1.0, 60 - (now - self.recent[0]))
        return max(0.0, self.not_before.get(client, 0.0) - now)

    def tried(self, client: str, *, success: bool) -> None:
        now = self.clock()
        self.recent.append(now)
        if success:
            self.failures.pop(client, None)
            self.not_before.pop(client, None)
            return
        count = self.failures.get(client, 0) + 1
        self.failures[client] = count
        if count > self.FREE:
            self.not_before[client] = now + min(self.MAX_WAIT, 2.0 ** (count - self.FREE - 1))
