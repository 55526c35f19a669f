"""The FastAPI application: wiring only. Pages live in earned.web.routes.*.

Binds to loopback (see earned.cli serve); every page but the unlock/setup pages and
the safety pages ("Get help now", grounding) needs the unlocked session.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from earned.errors import EarnedError, Locked
from earned.paths import Profile
from earned.web import security
from earned.web.render import render
from earned.web.routes import assess, auth, checkin, data, journal, moment, regulate, safety

STATIC = Path(__file__).with_name("static")
MAX_BODY = 1024 * 1024  # 1 MiB for ordinary forms
MAX_IMPORT = 50 * 1024 * 1024

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

log = logging.getLogger("earned.web")

SERVER_ERROR = (
    "<!doctype html><title>earned</title><p>Something went wrong on our side. "
    "What you saved before is safe. <a href='/'>Back to the start</a> · "
    "<a href='/grounding'>Ground · 60s</a> · <a href='/help'>Get help now</a></p>"
)


def create_app(profile: Profile, *, idle_lock_seconds: int = security.IDLE_LOCK_SECONDS) -> FastAPI:
    """Build the app for one personal profile. Nothing is opened until unlock."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.vault = security.Vault(profile, idle_lock_seconds=idle_lock_seconds)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, safety, assess, checkin, journal, moment, regulate, data):
        app.include_router(module.router)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        limit = MAX_IMPORT if request.url.path == "/data/import" else MAX_BODY
        length = request.headers.get("content-length")
        # Set before any response is built: the 413 page needs it, and the cookie check
        # below reads it (a 413 for a client with a CSRF cookie used to end in a 500).
        request.state.csrf = request.cookies.get(security.CSRF_COOKIE) or security.new_csrf()
        # A body without a length (chunked) would slip past the limit; browsers always
        # send Content-Length for forms and uploads, so such a body is refused outright.
        unsized = length is None and "transfer-encoding" in request.headers
        if unsized or (length is not None and (not length.isdigit() or int(length) > limit)):
            response: Response = render(
                request,
                "error.html",
                {"message": "That was more text than earned accepts at once. Nothing was saved."},
                status=413,
            )
        else:
            try:
                response = await call_next(request)
            except Exception as exc:
                # Caught here rather than in an exception handler: Starlette re-raises
                # after its handler runs, and the server would then log the traceback,
                # whose text may quote what the person wrote. Log the type only.
                log.error(
                    "unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path
                )
                response = HTMLResponse(SERVER_ERROR, status_code=500)
        if request.cookies.get(security.CSRF_COOKIE) != getattr(request.state, "csrf", None):
            response.set_cookie(
                security.CSRF_COOKIE,
                request.state.csrf,
                httponly=True,
                samesite="strict",
                path="/",
            )
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(Locked)
    async def locked(request: Request, exc: Locked) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/unlock"})
        return RedirectResponse("/unlock", status_code=303)

    @app.exception_handler(EarnedError)
    async def earned_error(request: Request, exc: EarnedError) -> Response:
        return render(request, "error.html", {"message": exc.message}, status=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {
            404: "There is nothing at this address.",
            405: "That page cannot be used this way.",
        }
        message = messages.get(exc.status_code, "That request could not be handled.")
        return render(request, "error.html", {"message": message}, status=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_address(request: Request, exc: RequestValidationError) -> Response:
        # e.g. /assess/<id>/abc: a calm 404 page instead of FastAPI's JSON (which echoes input).
        message = "There is nothing at this address."
        return render(request, "error.html", {"message": message}, status=404)

    return app
