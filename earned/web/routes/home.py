"""The home page: where a person lands, and where first-run and unlock lead from.

Reached locked or not set up too, so it sends the browser on (to /setup, /unlock or the
welcome page) itself instead of depending on deps.store, which would always say unlock.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import onboarding
from earned.store import activations, assessments, settings
from earned.store import entries as entry_store
from earned.web import gate as gates
from earned.web.deps import Page
from earned.web.render import render
from earned.web.routes import moment, roadmap

router = APIRouter()


@router.get("/")
def home(request: Request, page: Page) -> Response:
    gate = gates.gate_of(request)
    if isinstance(gate, gates.PersonalGate):
        gate.vault.profile.check_key_file()  # a journal without its key: a calm page
        if not gate.vault.profile.exists:
            return RedirectResponse("/setup", status_code=303)
    else:
        signed = gates.account(request)
        if signed is not None and signed.is_clinician:
            return RedirectResponse("/clinic", status_code=303)  # a clinician has no journal
    store = gate.store(request)
    if store is None:
        return RedirectResponse(gate.sign_in, status_code=303)
    with store.session() as s:
        if settings.get_setting(session=s, key=onboarding.SETTING) != onboarding.DONE:
            return RedirectResponse("/welcome", status_code=303)
        unfinished = assessments.unfinished_assessment(session=s, instrument_id="ecr")
        latest = assessments.latest_completed(session=s, instruments=("ecr",))
        entries = entry_store.list_entries(session=s, limit=3)
        in_the_moment = moment.home_context(s)
        # Nothing written, answered or logged yet: a first visit, not a return.
        first_visit = not (
            latest or unfinished or entries or activations.list_activations(session=s, limit=1)
        )
        # The roadmap's one suggestion, once the person has begun (not in calm mode,
        # where the home page shows only practices, capture and help).
        nudge = {} if first_visit or page.calm else roadmap.overview(s)
    return render(
        page,
        "home.html",
        {
            "suggestion": nudge.get("suggestion"),
            "roadmap_words": nudge.get("roadmap_words"),
            "unfinished": unfinished,
            "latest": latest,
            "entries": entries,
            "first_visit": first_visit,
            "suggested": _suggested(request),
            **in_the_moment,
        },
    )


def _suggested(request: Request) -> list[Any]:
    """Server mode: practices a clinician suggested that the person has not answered yet
    (shown as offers, never as tasks); nothing in personal mode."""
    gate = gates.gate_of(request)
    who = gates.account(request)
    if not isinstance(gate, gates.ServerGate) or who is None:
        return []
    from earned import consent
    from earned.store.server import sharing

    with gate.server.session() as s:
        found = sharing.assignments(session=s, person_id=who.id, limit=3)
    return [a for a in found if a.status == consent.OPEN]
