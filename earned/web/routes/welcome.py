"""Onboarding: the welcome pages a new person sees once, in either mode."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import onboarding
from earned.store import settings
from earned.web.deps import Form, Open, Page
from earned.web.render import render

router = APIRouter()


@router.get("/welcome")
def welcome(page: Page, store: Open) -> Response:
    return render(page, "auth/welcome.html")


@router.post("/welcome")
async def welcomed(request: Request, store: Open, values: Form) -> Response:
    with store.session() as s:
        settings.set_setting(session=s, key=onboarding.SETTING, value=onboarding.DONE)
    return RedirectResponse("/", status_code=303)
