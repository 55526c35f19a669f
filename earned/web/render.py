"""Template rendering with what every page needs: CSRF token, lock state, calm mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from earned.web import security

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    vault = getattr(request.app.state, "vault", None)
    ctx: dict[str, Any] = {
        "csrf": getattr(request.state, "csrf", ""),
        # This browser's session, not merely "some session is open": another browser (or
        # a stale tab) must not be shown the private navigation and the Lock button.
        "unlocked": bool(vault and vault.holds(request.cookies.get(security.SESSION_COOKIE))),
        "path": request.url.path,
        **(context or {}),
    }
    if request.query_params.get("care") == "1" or ctx.get("show_care"):
        ctx["care"] = care_context(request)
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def care_context(request: Request) -> dict[str, Any]:
    """What the calm crisis panel needs: its words and the person's region's lines."""
    from earned import content
    from earned.web.routes.safety import region_of

    words = content.load("crisis")
    return {**words["care"], "crisis": words, "region": region_of(request)}
