"""All moments: every activation, newest first, a page at a time, found by date, tag,
feeling word, person or words. Declared before /moment/{activation_id} (see app.ROUTES),
so "history" is never read as an id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from earned import episodes
from earned.errors import EarnedError
from earned.store import activations
from earned.web import cursor, deps
from earned.web.deps import Open, Page
from earned.web.routes.moment import render_page

router = APIRouter()


def _day(values: dict[str, str], name: str, zone: Any, *, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD field as the start (or, with `end`, the end) of that day in `zone`."""
    raw = values.get(name, "").strip()
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=zone)
    except ValueError:
        raise EarnedError("Please give a date like 2026-03-02.") from None
    return (day + timedelta(days=1) if end else day).astimezone(UTC)


@router.get("/moment/history")
def history_page(page: Page, store: Open, request: Request) -> Response:
    """Every moment, newest first, a page at a time, found by date, tag, word, person or
    a search: its cost follows the page shown, not the years behind it."""
    values = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    where = episodes.check_filter(
        since=_day(values, "from", page.zone),
        until=_day(values, "to", page.zone, end=True),
        tag=values.get("tag") or None,
        emotion=values.get("emotion") or None,
        person=values.get("person") or None,
        contains=values.get("q") or None,
    )
    with store.session() as s:
        found, more = activations.history(
            session=s, where=where, before=cursor.read(values.get("before", ""), "moments")
        )
    kept = {k: v for k, v in values.items() if k != "before" and v}
    older = None
    if more and found:
        last = found[-1]
        older = urlencode({**kept, "before": cursor.make(last.onset_at, last.id)})
    return render_page(
        page,
        "moment/history.html",
        {
            "found": found,
            "older": older,
            "values": values,
            "filtered": where.active,
            "now": deps.now(),
        },
    )
