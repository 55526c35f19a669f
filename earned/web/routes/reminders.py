"""Calendar reminders (/reminders): choose practice reminders and whether a belief's
reminder shows its words, then download an .ics file for the person's own calendar app.
earned sends nothing anywhere (earned.reminders, earned.reports.calendar)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from earned import reminders
from earned.errors import EarnedError
from earned.reports import calendar
from earned.store import Store
from earned.store import beliefs as belief_store
from earned.web import deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()


def _zone_name(page: PageContext) -> str:
    key = getattr(page.zone, "key", None)
    return str(key) if key else str(page.zone)


def _page(
    page: PageContext,
    store: Store,
    *,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    with store.session() as s:
        scheduled = len(belief_store.scheduled(session=s, most=reminders.MAX_BELIEF_REMINDERS))
    context: dict[str, Any] = {
        "words": reminders.words(),
        "practices": reminders.practices(),
        "weekdays": [
            (d, reminders.words()["days"][d], reminders.words()["days_short"][d])
            for d in reminders.WEEKDAYS
        ],
        "default_at": reminders.DEFAULT_AT.strftime("%H:%M"),
        "max_at": reminders.MAX_AT,
        "scheduled": scheduled,
        "zone_name": _zone_name(page),
        "errors": errors or {},
        "kept": kept,
    }
    return render(page, "reminders/index.html", context, status=status)


def choices_of(values: dict[str, str]) -> tuple[list[reminders.Choice], dict[str, str]]:
    """The practice reminders a form asks for, and a message per field it could not take.
    A practice with no day ticked is left out; its time is not read."""
    chosen: list[reminders.Choice] = []
    errors: dict[str, str] = {}
    for key in reminders.practices():
        days = [d for d in reminders.WEEKDAYS if values.get(f"{key}-{d}")]
        if not days:
            continue
        try:
            chosen.append(reminders.check_choice(key, days, values.get(f"{key}-at")))
        except EarnedError as error:
            errors[f"{key}-at"] = error.message
    return chosen, errors


@router.get("/reminders")
def reminders_page(page: Page, store: Open) -> Response:
    return _page(page, store)


@router.post("/reminders")
def reminders_file(page: Page, store: Open, values: Form) -> Response:
    chosen, errors = choices_of(values)
    if errors:
        return _page(page, store, errors=errors, kept=values, status=400)
    now = deps.now()
    with store.session() as s:
        scheduled = belief_store.scheduled(session=s, most=reminders.MAX_BELIEF_REMINDERS)
    events = reminders.belief_events(
        scheduled, now=now, zone=page.zone, include_words=bool(values.get("belief_words"))
    ) + reminders.practice_events(reminders.check_choices(chosen), now=now, zone=page.zone)
    if not events:
        nothing = {"form": reminders.words()["nothing"]}
        return _page(page, store, errors=nothing, kept=values, status=400)
    return Response(
        calendar.build(events, now=now),
        media_type=calendar.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{calendar.FILENAME}"'},
    )
