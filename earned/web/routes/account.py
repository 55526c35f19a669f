"""Server mode (issue 14): sign in, sign out, and the account page (password, two-step
sign-in with an authenticator app). Personal mode has /unlock instead (routes/auth.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from earned import accounts
from earned.errors import EarnedError
from earned.store.server import accounts as account_store
from earned.store.server import logins
from earned.web import gate as gates
from earned.web import returns, security
from earned.web.deps import Form, Page
from earned.web.render import render
from earned.web.routes import sharing

router = APIRouter()
IDLE_MINUTES = int(accounts.IDLE.total_seconds() // 60)


def home_of(account: accounts.Account) -> str:
    return "/clinic" if account.is_clinician else "/"


@router.get("/login")
def login_page(request: Request, page: Page, next: str = "") -> Response:
    who = gates.account(request)
    if who is not None:
        return RedirectResponse(home_of(who), status_code=303)
    return render(
        page,
        "account/login.html",
        {"next": next if returns.local_page(request, next) else "", "idle_minutes": IDLE_MINUTES},
    )


@router.post("/login")
async def login(request: Request, page: Page, values: Form) -> Response:
    gate = gates.server_gate(request)
    attempts: security.Attempts = request.app.state.attempts
    client = request.client.host if request.client else "unknown"
    asked = values.get("next", "")
    shown = {
        "next": asked,
        "name": values.get("name", "")[: accounts.NAME_MAX],
        "idle_minutes": IDLE_MINUTES,
    }
    wait = attempts.wait(client)
    if wait > 0:
        from earned.web.routes.auth import too_many_tries

        return render(
            page, "account/login.html", {**shown, "error": too_many_tries(wait)}, status=429
        )

    def attempt() -> accounts.Account | EarnedError:
        with gate.server.session() as s:
            return account_store.sign_in(
                session=s,
                name=values.get("name", ""),
                password=values.get("password", ""),
                code=values.get("code", ""),
                now=datetime.now(UTC),
            )

    # Off the event loop: Argon2id takes a core for a moment, and other pages keep answering.
    outcome = await run_in_threadpool(attempt)
    if isinstance(outcome, EarnedError):
        attempts.tried(client, success=False)
        return render(
            page,
            "account/login.html",
            {**shown, "error": outcome.message, "ask_code": outcome.message != accounts.WRONG},
            status=outcome.status,
        )
    attempts.tried(client, success=True)
    return start_session(request, outcome, asked if returns.local_page(request, asked) else "")


def start_session(request: Request, account: accounts.Account, to: str) -> Response:
    """A new session for `account` (never the one the browser came with: no fixation)."""
    gate = gates.server_gate(request)
    with gate.server.session() as s:
        logins.end(session=s, token=request.cookies.get(security.SESSION_COOKIE))
        token, csrf = logins.start(session=s, account_id=account.id, now=datetime.now(UTC))
    request.state.csrf = csrf  # the csrf cookie set with this response agrees at once
    response = RedirectResponse(to or home_of(account), status_code=303)
    security.set_session_cookie(response, token, secure=gate.secure_cookies)
    return response


@router.post("/logout")
async def logout(request: Request, values: Form) -> Response:
    gate = gates.server_gate(request)
    with gate.server.session() as s:
        logins.end(session=s, token=request.cookies.get(security.SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@router.get("/account")
def account_page(request: Request, page: Page) -> Response:
    return _account_page(request, page)


def _account_page(
    request: Request,
    page: Page,
    *,
    message: str | None = None,
    error: str | None = None,
    new_secret: str | None = None,
    status: int = 200,
) -> Response:
    who = gates.signed_in(request)
    context: dict[str, object] = {
        "account": who,
        "role_words": accounts.ROLE_WORDS[who.role],
        "message": message,
        "error": error,
        "new_secret": new_secret,
        "totp_uri": (
            account_store.totp_uri(new_secret, who.name) if new_secret is not None else None
        ),
    }
    if who.is_person:
        context.update(sharing.account_context(request, who))
    return render(page, "account/index.html", context, status=status)


@router.post("/account/password")
async def change_password(request: Request, page: Page, values: Form) -> Response:
    who = gates.signed_in(request)
    gate = gates.server_gate(request)

    def change() -> None:
        with gate.server.session() as s:
            if not account_store.check_password(
                session=s, account_id=who.id, password=values.get("current", "")
            ):
                raise EarnedError("The current password did not match. Nothing changed.")
            accounts.check_password(values.get("password", ""), values.get("confirm", ""))
            account_store.set_password(
                session=s, account_id=who.id, password=values.get("password", "")
            )

    try:
        await run_in_threadpool(change)
    except EarnedError as error:
        return _account_page(request, page, error=error.message, status=400)
    # Every session ended with the change, this one too: sign in afresh, here only.
    return start_session(request, who, "/account?changed=1")


@router.post("/account/two-step")
async def two_step(request: Request, page: Page, values: Form) -> Response:
    """Start (show a new secret), confirm (a right code turns it on) or turn off."""
    who = gates.signed_in(request)
    gate = gates.server_gate(request)
    step = values.get("step", "")
    if step == "start":
        return _account_page(request, page, new_secret=account_store.new_totp_secret())
    if step == "confirm":
        secret = values.get("secret", "")
        try:
            with gate.server.session() as s:
                account_store.turn_on_totp(
                    session=s, account_id=who.id, secret=secret, code=values.get("code", "")
                )
        except EarnedError as error:
            return _account_page(
                request, page, error=error.message, new_secret=secret or None, status=400
            )
        return _account_page(
            request, page, message="Two-step sign-in is on. You will be asked for a code."
        )
    if step == "off":
        ok = await run_in_threadpool(gate.password_matches, who.id, values.get("current", ""))
        if not ok:
            return _account_page(
                request, page, error="The password did not match. Nothing changed.", status=400
            )
        with gate.server.session() as s:
            account_store.turn_off_totp(session=s, account_id=who.id)
        return _account_page(request, page, message="Two-step sign-in is off.")
    return _account_page(request, page, error="That choice was not understood.", status=400)
