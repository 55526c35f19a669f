"""Template rendering with what every page needs: CSRF token, lock state, calm mode."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from earned import pacing
from earned.store import repo
from earned.web import security

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
# For any template: content_note("origin") for safety/_content_note.html, calm_words()
# for calm mode's labels and its note (safety/_calm_note.html).
templates.env.globals["content_note"] = pacing.content_note
templates.env.globals["calm_words"] = lambda: pacing.words()["calm"]

log = logging.getLogger("earned.web")


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    vault = getattr(request.app.state, "vault", None)
    # This browser's session, not merely "some session is open": another browser (or
    # a stale tab) must not be shown the private navigation and the Lock button.
    unlocked = bool(vault and vault.holds(request.cookies.get(security.SESSION_COOKIE)))
    ctx: dict[str, Any] = {
        "csrf": getattr(request.state, "csrf", ""),
        "unlocked": unlocked,
        "path": request.url.path,
        "calm": unlocked and calm_mode(request),
        **(context or {}),
    }
    if request.query_params.get("care") == "1" or ctx.get("show_care"):
        ctx["care"] = care_context(request)
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def calm_mode(request: Request) -> bool:
    """Whether calm mode is on for the open journal; read at most once per request.

    Costs one primary-key read of the settings table; a locked app is never asked (the
    caller checks the session first). If the read fails, the page still renders, with
    calm mode off, rather than turning a page (often an error page) into a 500.
    """
    cached = getattr(request.state, "calm", None)
    if isinstance(cached, bool):
        return cached
    vault: security.Vault | None = getattr(request.app.state, "vault", None)
    store = vault.store if vault is not None else None
    calm = False
    if store is not None:
        try:
            with store.session() as s:
                calm = pacing.is_calm(repo.get_setting(session=s, key=pacing.CALM_MODE))
        except Exception as exc:
            log.warning("calm mode unreadable (%s); full page shown", type(exc).__name__)
    request.state.calm = calm
    return calm


def care_context(request: Request) -> dict[str, Any]:
    """What the calm crisis panel needs: its words and the person's region's lines."""
    from earned import content
    from earned.web.routes.safety import region_of

    words = content.load("crisis")
    return {**words["care"], "crisis": words, "region": region_of(request)}
