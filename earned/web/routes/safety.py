"""Safety pages, reachable locked or unlocked: get help now, a 60-second grounding, pause."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from earned import content
from earned.store import repo
from earned.web import security
from earned.web.render import render

router = APIRouter()


def region_of(request: Request) -> str:
    """The saved region if the journal is open, else the default; never needs unlock."""
    words = content.load("crisis")
    vault: security.Vault = request.app.state.vault
    store = vault.check(request.cookies.get(security.SESSION_COOKIE))
    region = str(words["default_region"])
    if store is not None:
        with store.session() as s:
            region = repo.get_setting(session=s, key="region", default=region) or region
    return region if region in words["regions"] else str(words["default_region"])


@router.get("/help")
def get_help(request: Request) -> Response:
    words = content.load("crisis")
    region = region_of(request)
    return render(request, "safety/help.html", {"crisis": words, "region": region})


@router.get("/grounding")
def grounding(request: Request) -> Response:
    return render(request, "safety/grounding.html")


@router.get("/pause")
def pause(request: Request) -> Response:
    return render(request, "safety/pause.html")
