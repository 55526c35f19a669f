"""First run (choose a passphrase), unlock, lock, onboarding."""

from __future__ import annotations

import contextlib
from math import ceil

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from earned import passphrases, zones
from earned.errors import EarnedError
from earned.store import Store, backups, personal, settings
from earned.web import gate as gates
from earned.web import returns, security
from earned.web.deps import Form, Page
from earned.web.render import render

router = APIRouter()


def _vault(request: Request) -> security.Vault:
    vault: security.Vault = request.app.state.vault
    return vault


def _signed_in(request: Request, store: Store, data_key: bytes, to: str) -> Response:
    vault = _vault(request)
    token = vault.open(store, data_key)
    # From now on this browser's forms carry the token bound to its session; the cookie
    # follows (app.set_csrf_cookie) so both ways of reading it agree at once.
    request.state.csrf = security.bound_csrf(vault.csrf_key, token)
    response = RedirectResponse(to, status_code=303)
    security.set_session_cookie(response, token, secure=gates.gate_of(request).secure_cookies)
    return response


def too_many_tries(wait: float) -> str:
    """Unlock and restore both guess at the passphrase, and share one limit (security.Attempts)."""
    seconds = ceil(wait)
    return (
        f"Too many tries in a short time. Please wait {seconds} second"
        f"{'' if seconds == 1 else 's'}, then try again."
    )


@router.get("/setup")
def setup_page(request: Request, page: Page, deleted: str = "") -> Response:
    profile = _vault(request).profile
    profile.check_key_file()
    if profile.exists:
        return RedirectResponse("/unlock", status_code=303)
    kept = [b for b in backups.listed(profile) if not b.automatic] if deleted == "1" else []
    return render(
        page,
        "auth/setup.html",
        {"deleted": deleted == "1", "kept_backups": len(kept), "folder": backups.folder(profile)},
    )


@router.post("/setup/strength")
async def strength(page: Page, values: Form) -> Response:
    hint = passphrases.strength_hint(values.get("passphrase", ""))
    return render(page, "auth/_strength.html", {"hint": hint})


@router.post("/setup")
async def setup(request: Request, page: Page, values: Form) -> Response:
    vault = _vault(request)
    if vault.profile.exists:
        return RedirectResponse("/unlock", status_code=303)
    passphrase = values.get("passphrase", "")
    try:
        passphrases.check_new(passphrase, values.get("confirm", ""))
        store, key = await run_in_threadpool(personal.set_up, vault.profile, passphrase)
    except EarnedError as error:
        return render(page, "auth/setup.html", {"error": error.message}, status=400)
    # The browser's time zone (sent by earned.js), so every time is shown on its clock.
    zone = zones.check_zone(values.get("time_zone"))
    if zone is not None:
        with store.session() as s:
            settings.set_setting(session=s, key=zones.SETTING, value=zone)
    return _signed_in(request, store, key, "/welcome")


@router.get("/unlock")
def unlock_page(request: Request, page: Page, restored: str = "", next: str = "") -> Response:
    profile = _vault(request).profile
    profile.check_key_file()
    if not profile.exists:
        return RedirectResponse("/setup", status_code=303)
    aside = backups.set_aside(profile) if restored == "1" else []
    return render(
        page,
        "auth/unlock.html",
        {
            "restored": restored == "1",
            "set_aside": aside[:1],
            "next": next if returns.local_page(request, next) else "",
        },
    )


@router.post("/unlock")
async def unlock(request: Request, page: Page, values: Form) -> Response:
    vault = _vault(request)
    attempts: security.Attempts = request.app.state.attempts
    client = request.client.host if request.client else "unknown"
    wait = attempts.wait(client)
    if wait > 0:
        return render(
            page,
            "auth/unlock.html",
            {"error": too_many_tries(wait), "next": values.get("next", "")},
            status=429,
        )
    try:
        # Off the event loop: the key derivation takes a core for ~0.14 s, and every
        # other page (Get help now among them) must keep answering meanwhile.
        store, key = await run_in_threadpool(
            personal.unlock, vault.profile, values.get("passphrase", "")
        )
    except EarnedError as error:
        attempts.tried(client, success=False)
        return render(
            page,
            "auth/unlock.html",
            {"error": error.message, "next": values.get("next", "")},
            status=error.status,
        )
    attempts.tried(client, success=True)
    # On to the page that sent the person here, if it is one of ours.
    asked = values.get("next", "")
    return _signed_in(request, store, key, asked if returns.local_page(request, asked) else "/")


@router.post("/lock")
async def lock(request: Request, values: Form) -> Response:
    """Lock everywhere: this browser session and a terminal key agent for the profile."""
    from earned import agent

    vault = _vault(request)
    vault.close()
    # An agent socket we refuse to trust is not one we can ask to stop.
    with contextlib.suppress(EarnedError):
        agent.stop(vault.profile)
    response = RedirectResponse("/unlock", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response
