"""The FastAPI application: wiring only. Pages live in earned.web.routes.*.

Binds to loopback (see earned.cli serve); every page but the unlock/setup pages and
the safety pages ("Get help now", grounding) needs the unlocked session.

A request goes: guard() (body limit, CSRF cookie, headers) → the route's dependencies
(deps: page context, open store, checked form) → the route → domain and store → render().
What guard() and the exception handlers show, they render with the same page context.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from earned import journal as journal_rules
from earned.errors import (
    DISK_FULL,
    NEEDS_RESTORE,
    EarnedError,
    Locked,
    damage_while_open,
    is_busy,
    is_damage,
    is_disk_full,
    needs_restore,
)
from earned.paths import Profile
from earned.reports import export
from earned.store import backups, sqlcipher
from earned.store.engine import read_only
from earned.web import gate as gates
from earned.web import security
from earned.web.page import page_context
from earned.web.render import render
from earned.web.routes import (
    account,
    assess,
    auth,
    beliefs,
    checkin,
    clinic,
    data,
    handoff,
    history,
    home,
    journal,
    ladder,
    letters,
    moment,
    parts,
    patterns,
    people,
    phone,  # issue 14: the app on a phone's home screen
    practise,
    progress,
    regulate,
    restore,
    roadmap,
    safety,
    sharing,
    therapy,
    welcome,
)
from earned.web.routes import reminders as reminder_pages  # issue 13: calendar reminders

if TYPE_CHECKING:
    from earned.store.server import Server

STATIC = Path(__file__).with_name("static")
MAX_BODY = 1024 * 1024  # 1 MiB for ordinary forms
# Routes that take a file, and the largest body each accepts (the owners' limits).
UPLOAD_LIMITS = {"/data/import": export.MAX_IMPORT_BYTES, "/restore": backups.MAX_UPLOAD_BYTES}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

log = logging.getLogger("earned.web")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRONG_ADDRESS = (
    "earned does not answer on this address. Open it from the address earned printed when "
    "it started."
)
OTHER_SITE = "That request came from another site, so earned refused it. Nothing was changed."
SERVER_ERROR = (
    "<!doctype html><title>earned</title><p>Something went wrong on our side. "
    "What you saved before is safe. <a href='/'>Back to the start</a> · "
    "<a href='/grounding'>Ground · 60s</a> · <a href='/help'>Get help now</a></p>"
)
TOO_LARGE = "That was more text than earned accepts at once. Nothing was saved."
NOT_HERE = "There is nothing at this address."

# history before moment: /moment/history must not be read as /moment/{activation_id}.
ROUTES = (
    auth,
    welcome,
    home,
    safety,
    assess,
    checkin,
    journal,
    history,
    moment,
    patterns,
    regulate,
    ladder,
    data,
    restore,
    roadmap,
    therapy,
    beliefs,  # core beliefs, and origin-story passages linked to today
    parts,
    practise,
    letters,
    people,  # the people ledger
    reminder_pages,  # calendar reminders (.ics)
    progress,  # the four signs of change, and their trends
    handoff,  # the therapist hand-off PDF
    phone,  # issue 14: manifest, service worker, offline page, urge timers kept offline
)
# Password checks a server evaluates per minute, whoever sends them (each an Argon2id
# derivation, ~0.14 s of a core): enough for a clinic's morning, not for a flood.
SERVER_SIGN_INS_PER_MINUTE = 300
# Server mode (issue 14): sign-in by account instead of unlock (auth), no backups of a
# file to restore (restore), and sharing with clinicians.
PERSONAL_ONLY = (auth, restore)
SERVER_ROUTES = (
    account,
    *(module for module in ROUTES if module not in PERSONAL_ONLY),
    sharing,
    clinic,
)


def create_app(
    profile: Profile,
    *,
    idle_lock_seconds: int = security.IDLE_LOCK_SECONDS,
    door: security.Door | None = None,
    secure_cookies: bool = False,
) -> FastAPI:
    """Build the app for one personal profile. Nothing is opened until unlock.

    `door` says which Host names (and port) it answers to: loopback names by default;
    `earned serve` gives the port it bound, so other local ports are other sites.
    `secure_cookies`: behind an HTTPS proxy (your own phone, `serve --public-url`).
    """
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.vault = security.Vault(profile, idle_lock_seconds=idle_lock_seconds)
    app.state.gate = gates.PersonalGate(app.state.vault, secure_cookies=secure_cookies)
    _wire(app, door, ROUTES)
    return app


def create_server_app(
    server: Server, *, door: security.Door | None = None, secure_cookies: bool = False
) -> FastAPI:
    """Build the app for server mode (issue 14): many accounts on one PostgreSQL database.

    The same pages as personal mode, each person in their own journal schema, with sign-in
    by account instead of unlock, and sharing with clinicians. Holds nothing in memory
    between requests but the database pool, so any number of workers can serve it.
    """
    from earned.store import fields

    if fields.current() is None:
        # Without a ring the words people write would be stored as written.
        raise EarnedError("Server mode needs its key ring installed (store/fields.py).")
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gate = gates.ServerGate(server, secure_cookies=secure_cookies)
    _wire(app, door, SERVER_ROUTES)
    app.state.attempts = security.Attempts(per_minute=SERVER_SIGN_INS_PER_MINUTE)
    return app


def _wire(app: FastAPI, door: security.Door | None, routes: tuple[ModuleType, ...]) -> None:
    app.state.door = door or security.Door()
    app.state.attempts = security.Attempts()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in routes:
        app.include_router(module.router)
    app.middleware("http")(guard)
    app.exception_handler(Locked)(locked)
    app.exception_handler(EarnedError)(earned_error)
    app.exception_handler(StarletteHTTPException)(http_error)
    app.exception_handler(RequestValidationError)(bad_address)


# --- around every request ------------------------------------------------------------------


async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Every request: the CSRF token, the body-size limit, no tracebacks, the safe headers."""
    door: security.Door = request.app.state.door
    if not door.admits(request.headers.get("host")):
        # Not an address this server was started for: a DNS-rebinding page, most likely.
        # Answered without any page, so no CSRF token or journal words can be read.
        return PlainTextResponse(WRONG_ADDRESS, status_code=421)
    if request.method not in SAFE_METHODS and not door.same_site(
        request.headers.get("origin"), request.headers.get("sec-fetch-site")
    ):
        return PlainTextResponse(OTHER_SITE, status_code=403)
    # Who is asking, once: the CSRF token, the page context and the route's store all read
    # this answer (gate.py). In server mode it is a database read, so off the event loop.
    gate = gates.gate_of(request)
    try:
        if gate.mode == gates.SERVER:
            request.state.who = await run_in_threadpool(gate.identify, request)
        else:
            request.state.who = gate.identify(request)
    except Exception as exc:
        log.error("the sign-in check ended with %s", type(exc).__name__)
        request.state.who = None
    # Set before any response is built: the 413 page needs it, and set_csrf_cookie reads it
    # (a 413 for a client with a CSRF cookie used to end in a 500).
    request.state.csrf = csrf_for(request)
    if too_large(request):
        response: Response = render(
            page_context(request), "error.html", {"message": TOO_LARGE}, status=413
        )
    else:
        try:
            # A page view only reads: it neither waits for writers nor holds them up.
            with read_only(request.method in SAFE_METHODS):
                response = await call_next(request)
        except Exception as exc:
            if is_disk_full(exc):
                # Not a bug and not damage: say so, and give back what was typed.
                log.warning("disk full on %s %s", request.method, request.url.path)
                response = await earned_error(request, EarnedError(DISK_FULL, status=507))
            elif is_busy(exc):
                # Another writer (a terminal command, a long import) held the journal past
                # the busy timeout: nothing was saved, and trying again works.
                log.warning("journal busy on %s %s", request.method, request.url.path)
                response = await earned_error(request, sqlcipher.busy())
            elif is_damage(exc):
                log.error(
                    "journal page did not pass its check on %s %s", request.method, request.url.path
                )
                response = await damaged_while_open(request)
            else:
                # Caught here rather than in an exception handler: Starlette re-raises
                # after its handler runs, and the server would then log the traceback,
                # whose text may quote what the person wrote. Log the type only.
                log.error(
                    "unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path
                )
                response = HTMLResponse(SERVER_ERROR, status_code=500)
    set_csrf_cookie(request, response)
    secure_headers(request, response)
    return response


async def damaged_while_open(request: Request) -> Response:
    """A page of the open journal failed its check mid-request: name it, not "a bug", and
    lock, so no later write lands in a file the person is about to replace from a backup
    (unlocking again runs the full check and refuses). Rendered before locking, so the
    page can still offer the form's words back."""
    vault: security.Vault | None = getattr(request.app.state, "vault", None)
    if vault is None:  # server mode: PostgreSQL pages are not SQLCipher's to check
        return HTMLResponse(SERVER_ERROR, status_code=500)
    said = EarnedError(
        damage_while_open(vault.profile.database.name), exit_code=NEEDS_RESTORE, status=500
    )
    response = await earned_error(request, said)
    vault.close()
    sqlcipher.mark_unverified(vault.profile.database)  # the quick CLI path refuses too
    return response


def csrf_for(request: Request) -> str:
    """The CSRF token this request's forms carry: bound to the session while unlocked or
    signed in (gate.Who), else the browser's csrf cookie (double-submit), else a new one."""
    who = gates.identified(request)
    if who is not None:
        return who.csrf
    return request.cookies.get(security.CSRF_COOKIE) or security.new_csrf()


def too_large(request: Request) -> bool:
    """Whether the body is over its limit (uploads have larger ones) or of unknown size.

    Checked from the headers, before the body is read, so an oversized body is never
    held in memory.
    """
    limit = UPLOAD_LIMITS.get(request.url.path, MAX_BODY)
    length = request.headers.get("content-length")
    # A body without a length (chunked) would slip past the limit; browsers always
    # send Content-Length for forms and uploads, so such a body is refused outright.
    if length is None:
        return "transfer-encoding" in request.headers
    return not (length.isascii() and length.isdigit()) or int(length) > limit


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Give the browser the token its forms carry (security.py: double-submit CSRF).

    Only when it differs from the cookie sent, so most responses set no cookie at all.
    """
    if request.cookies.get(security.CSRF_COOKIE) != getattr(request.state, "csrf", None):
        response.set_cookie(
            security.CSRF_COOKIE,
            request.state.csrf,
            httponly=True,
            samesite="strict",
            path="/",
            secure=secure_cookies(request),
        )


def secure_cookies(request: Request) -> bool:
    """Whether cookies are marked Secure: behind HTTPS (serve --public-url https://…)."""
    return gates.gate_of(request).secure_cookies


def secure_headers(request: Request, response: Response) -> None:
    """Headers that keep pages to this app: nothing from elsewhere, no framing, no referrer."""
    response.headers.update(HEADERS)
    # Journal pages must not outlive the session in the browser's cache (a locked app's
    # Back button would show them); the static files hold nothing private.
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"


# --- errors as pages -----------------------------------------------------------------------


async def locked(request: Request, exc: Locked) -> Response:
    """To the unlock page; htmx is told through HX-Redirect, since it ignores a 303.

    A page asked for (GET) is where the unlock then leads (`next`); a form sent while
    locked is not resent, so it leads home.
    """
    door = gates.gate_of(request).sign_in
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": door})
    if request.method == "GET" and request.url.path != "/":
        asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{door}?{urlencode({'next': asked})}", status_code=303)
    return RedirectResponse(door, status_code=303)


# Form fields that carry no words of the person's (tokens, times, choices).
_CONTROLS = frozenset({"csrf", "client_token", "tz", "at", "next", "care_shown", "passphrase"})
KEEP_FROM = 20  # characters: shorter text is quick to type again


def kept_words(request: Request) -> str | None:
    """What the person wrote in the refused form, to offer back instead of losing it."""
    written: dict[str, str] = getattr(request.state, "written", None) or {}
    prose = [
        v.strip()
        for k, v in written.items()
        if k not in _CONTROLS and "passphrase" not in k and len(v.strip()) >= KEEP_FROM
    ]
    return "\n\n".join(prose) or None


async def earned_error(request: Request, exc: EarnedError) -> Response:
    """The calm error page with the exception's own message (errors.py); a refused form's
    words are shown again with an offer to keep them as a note."""
    kept = kept_words(request)
    return render(
        page_context(request),
        "error.html",
        {
            "message": exc.message,
            "kept": kept,
            # Longer than one note holds: offering "keep it as a note" would only be refused
            # again, round and round; the page says to copy the words instead.
            "kept_fits": len(kept or "") <= journal_rules.MAX_BODY,
            "unsaved": exc.status >= 500,
            "restore": needs_restore(exc),
        },
        status=exc.status,
    )


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """404, 405 and the like as a page of this app, not the framework's JSON."""
    messages = {404: NOT_HERE, 405: "That page cannot be used this way."}
    message = messages.get(exc.status_code, "That request could not be handled.")
    return render(page_context(request), "error.html", {"message": message}, status=exc.status_code)


async def bad_address(request: Request, exc: RequestValidationError) -> Response:
    """e.g. /assess/<id>/abc: a calm 404 page instead of FastAPI's JSON (which echoes input)."""
    return render(page_context(request), "error.html", {"message": NOT_HERE}, status=404)
