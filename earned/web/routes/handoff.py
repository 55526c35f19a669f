"""The therapist hand-off: choose the dates, the sections and the words to leave out, then
download the PDF (earned/reports/handoff.py). Nothing is saved: the note typed here is
used once."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask

from earned import handoff as rules
from earned.reports import handoff as report
from earned.store import Store
from earned.store import handoff as gathering
from earned.web import deps, memory
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()


def _today(page: PageContext) -> date:
    return deps.now().astimezone(page.zone).date()


def _page(
    page: PageContext,
    store: Store,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    fresh: bool,
    status: int = 200,
    care_seen: bool = False,
) -> Response:
    """The form. `fresh`: nothing chosen yet, so every section and item starts ticked."""
    today = _today(page)
    start, end = rules.default_period(today)
    if "from" not in errors and "to" not in errors:
        try:
            start, end = rules.check_period(
                values.get("from") or start.isoformat(), values.get("to") or end.isoformat(), today
            )
        except rules.PeriodError as error:
            errors = {**error.problems.fields, **errors}
    written = bool(values.get("written"))
    with store.session() as s:
        g = gathering.gather(session=s, start=start, end=end, zone=page.zone)
    listed = report.items(g, rules.Choice(start=start, end=end, written=written))
    words = rules.words()
    return render(
        page,
        "handoff/index.html",
        {
            "words": words,
            "values": values,
            "errors": errors,
            "start": values.get("from", start.isoformat()) if errors else start.isoformat(),
            "end": values.get("to", end.isoformat()) if errors else end.isoformat(),
            "today": today.isoformat(),
            "written": written,
            "fresh": fresh,
            "sections": [(key, words["sections"][key]) for key in rules.SECTIONS],
            "items": [(key, [i for i in listed if i.section == key]) for key in rules.SECTIONS],
            "limits": {"note": rules.MAX_NOTE},
            "care_seen": care_seen,
        },
        status=status,
    )


@router.get("/handoff")
def handoff_page(request: Request, page: Page, store: Open) -> Response:
    """The form; `?from=…&to=…&written=1` (its first part, sent back) lists what those
    dates hold."""
    asked = request.query_params
    values = {k: str(asked[k]) for k in ("from", "to", "written") if asked.get(k)}
    return _page(page, store, values, {}, fresh=True)


@router.post("/handoff")
def handoff_pdf(request: Request, page: Page, store: Open, values: Form) -> Response:
    choice, problems = rules.check_form(values, _today(page))
    if choice is None:
        return _page(page, store, values, problems.fields, fresh=False, status=400)
    if getattr(request.state, "care_asked", False) and not values.get("care_seen"):
        # Words that suggest danger: the form again with the care panel (render shows it),
        # what was chosen kept, and the PDF one press away.
        return _page(page, store, values, {}, fresh=False, care_seen=True)
    with memory.one_at_a_time:
        with store.session() as s:
            g = gathering.gather(session=s, start=choice.start, end=choice.end, zone=page.zone)
        body = report.make(g, choice, today=_today(page))
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{report.filename(choice.start, choice.end)}"'
            ),
            "Cache-Control": "no-store",
        },
        background=BackgroundTask(memory.give_back),
    )
