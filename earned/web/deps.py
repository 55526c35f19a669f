"""Request dependencies shared by the routes: the page context, the unlocked store, the
CSRF-checked form; and the Annotated aliases routes declare them with.

A route reads `def view(page: Page, store: Open, values: Form)`; FastAPI runs these
before the route, in that order, once per request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from earned import numbers, safety
from earned.errors import EarnedError, Locked
from earned.store import Store
from earned.web import gate as gates
from earned.web import security
from earned.web.page import PageContext, page_context


def store(request: Request) -> Store:
    """The open journal for this session; redirects to unlock or sign-in (via Locked) otherwise."""
    opened = gates.gate_of(request).store(request)
    if opened is None:
        raise Locked()
    return opened


async def form(request: Request) -> dict[str, str]:
    """The submitted form after the CSRF check; refuses a write without a matching token."""
    try:
        raw = await request.form()
    except Exception:
        raise EarnedError("That form could not be read. Nothing was saved.") from None
    submitted = request.headers.get("x-csrf-token") or raw.get("csrf")
    if not security.csrf_ok(getattr(request.state, "csrf", None), str(submitted or "")):
        raise EarnedError(
            "This form had expired, so nothing was saved. Please reload the page and try again.",
            status=403,
        )
    values = {k: v for k, v in raw.items() if isinstance(v, str)}
    # Before any route checks a limit: words that suggest danger bring the care panel to
    # whatever page answers this request, a refusal included (render reads care_asked),
    # and a refusal can offer the words back (app.earned_error reads written).
    request.state.written = values
    request.state.care_asked = safety.detect_any(values.values()) is not None
    return values


async def upload_form(request: Request, *, max_part_size: int, undone: str) -> FormData:
    """A multipart form with a file in it, after the same CSRF check as `form`.

    Routes that take a file read their form with this instead of Form: the file part may
    be larger than an ordinary field. `undone` says what did not happen when the form is
    refused ("imported": "nothing was imported").
    """
    try:
        raw = await request.form(max_part_size=max_part_size)
    except Exception:
        raise EarnedError(f"That upload could not be read. Nothing was {undone}.") from None
    # As `form` does: the token in the form, or in the header htmx sends it in.
    submitted = request.headers.get("x-csrf-token") or raw.get("csrf")
    if not security.csrf_ok(getattr(request.state, "csrf", None), str(submitted or "")):
        raise EarnedError(
            f"This form had expired, so nothing was {undone}. Please reload the page.",
            status=403,
        )
    return raw


# What a route declares; each is resolved by the function above it (page_context: page.py).
Page = Annotated[PageContext, Depends(page_context)]
Open = Annotated[Store, Depends(store)]
Form = Annotated[dict[str, str], Depends(form)]


def now() -> datetime:
    return datetime.now(UTC)


def int_field(values: dict[str, str], name: str, *, what: str) -> int:
    value = numbers.whole(values.get(name))
    if value is None:
        raise EarnedError(f"Please choose {what}.")
    return value
