"""Safety pages, reachable locked or unlocked: get help now, a 60-second grounding, pause."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from earned import content
from earned.web.deps import Page
from earned.web.render import render

router = APIRouter()


@router.get("/help")
def get_help(page: Page) -> Response:
    # page.region: the saved region if this browser has the journal open, else the default.
    return render(
        page, "safety/help.html", {"crisis": content.load("crisis"), "region": page.region}
    )


@router.get("/grounding")
def grounding(page: Page) -> Response:
    return render(page, "safety/grounding.html")


@router.get("/pause")
def pause(page: Page) -> Response:
    return render(page, "safety/pause.html")
