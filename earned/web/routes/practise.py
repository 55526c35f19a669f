"""The inner practices (roadmap steps 6 and 9): guided visualisations of an internal secure
figure, and the self-compassion break. Both are logged as practices (kinds owned by
earned.regulation) and listed with their notes on their own pages; the practice log at
/regulate/log shows them with every other practice.

Every page works without JavaScript. The visualisation's "Go on by itself" is the body
scan's, in static/regulate.js, at each step's own length. Every step offers a way out:
Stop and ground (the 60-second grounding) and Pause.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from earned import compassion_break, durations, numbers, secure_figure
from earned.errors import EarnedError
from earned.store import Store, practices
from earned.web import care, deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()

RECENT = 10  # sessions each page lists, newest first (the practice log has them all)


def _token() -> str:
    """A fresh idempotency token for one form: a double submit logs one practice."""
    return secrets.token_urlsafe(16)


def _step(raw: int | None, last: int) -> int:
    if raw is None or not 0 <= raw <= last:
        raise EarnedError("There is no such step.", status=404)
    return raw


def recent(store: Store, kind: str) -> list[dict[str, Any]]:
    """The newest RECENT practices of `kind`, ready to show."""
    with store.session() as s:
        found = practices.recent_of_kinds(session=s, kinds=(kind,), limit=RECENT)
    return [
        {"when": when, "duration": durations.exact(seconds), "note": note}
        for _kind, when, seconds, note in found
    ]


def _minutes(values: dict[str, str]) -> int:
    """The minutes typed on a finish page, as seconds (the practice's own rule then checks
    the range)."""
    raw = values.get("minutes", "").strip()
    if not raw:
        raise EarnedError("How many minutes was it? A whole number is enough, e.g. 10.")
    minutes = numbers.signed(raw)
    if minutes is None:
        raise EarnedError("Please give the minutes as a whole number, e.g. 10.")
    return minutes * 60


# --- the internal secure figure ----------------------------------------------------------------


@router.get("/practise/secure-figure")
def secure_figure_index(page: Page, store: Open) -> Response:
    return render(
        page,
        "practise/secure_figure.html",
        {
            "words": secure_figure.words(),
            "scripts": secure_figure.scripts(),
            "sessions": recent(store, secure_figure.KIND),
        },
    )


def _play(
    page: PageContext,
    script: secure_figure.Script,
    step: int,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        page,
        "practise/play.html",
        {
            "words": secure_figure.words(),
            "script": script,
            "steps": script.steps,
            "step": step,
            "current": script.steps[step - 1] if 1 <= step <= len(script.steps) else None,
            "token": (typed or {}).get("client_token") or _token(),
            "minutes": (typed or {}).get("minutes", str(script.minutes)),
            "note": (typed or {}).get("note", ""),
            "error": error,
        },
        status=status,
    )


@router.get("/practise/secure-figure/{key}")
def secure_figure_play(page: Page, store: Open, key: str, step: int = 0) -> Response:
    script = secure_figure.script(key)
    return _play(page, script, _step(step, len(script.steps) + 1))


@router.post("/practise/secure-figure/{key}")
async def secure_figure_log(page: Page, store: Open, key: str, values: Form) -> Response:
    script = secure_figure.script(key)
    note = values.get("note")
    try:
        seconds = _minutes(values)
        with store.session() as s:
            practices.log_practice(
                session=s,
                kind=secure_figure.KIND,
                seconds=seconds,
                now=deps.now(),
                note=note,
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        return _play(
            page, script, len(script.steps) + 1, error=error.message, typed=values, status=400
        )
    return RedirectResponse(care.after_save("/practise/secure-figure?saved=1", note), 303)


# --- the self-compassion break -------------------------------------------------------------------


def _break(
    page: PageContext,
    store: Store | None,
    step: int,
    notes: dict[str, str],
    started: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    steps = compassion_break.steps()
    return render(
        page,
        "practise/compassion_break.html",
        {
            "words": compassion_break.words(),
            "steps": steps,
            "step": step,
            "current": steps[step - 1] if 1 <= step <= len(steps) else None,
            "notes": notes,
            "started": started,
            "token": _token(),
            "error": error,
            "sessions": recent(store, compassion_break.KIND) if store is not None else [],
        },
        status=status,
    )


def _typed(values: dict[str, str]) -> dict[str, str]:
    return {s["key"]: values.get(s["key"], "") for s in compassion_break.steps()}


@router.get("/practise/compassion-break")
def compassion_break_page(page: Page, store: Open, step: int = 0) -> Response:
    here = _step(step, len(compassion_break.steps()) + 1)
    started = int(deps.now().timestamp())
    return _break(page, store if here == 0 else None, here, {}, started)


@router.post("/practise/compassion-break")
async def compassion_break_move(page: Page, store: Open, values: Form) -> Response:
    """Next / Back between steps, carrying what was typed in hidden fields; stores nothing."""
    last = len(compassion_break.steps()) + 1
    here = _step(numbers.whole(values.get("step") or "1", most_digits=3), last)
    started = numbers.whole(values.get("started")) or int(deps.now().timestamp())
    try:
        notes = compassion_break.check_all(dict(_typed(values)))
    except EarnedError as error:
        return _break(page, None, here, _typed(values), started, error=error.message, status=400)
    target = here - 1 if values.get("go") == "back" else here + 1
    return _break(page, None, min(max(target, 1), last), notes, started)


@router.post("/practise/compassion-break/done")
async def compassion_break_done(page: Page, store: Open, values: Form) -> Response:
    now = deps.now()
    last = len(compassion_break.steps()) + 1
    started = numbers.whole(values.get("started"))
    try:
        notes = compassion_break.check_all(dict(_typed(values)))
        note = compassion_break.note_of(notes) if values.get("save_note") else None
    except EarnedError as error:
        kept = started or int(now.timestamp())
        return _break(page, None, last, _typed(values), kept, error=error.message, status=400)
    seconds = compassion_break.check_seconds(started, int(now.timestamp()))
    with store.session() as s:
        practices.log_practice(
            session=s,
            kind=compassion_break.KIND,
            seconds=seconds,
            now=now,
            note=note,
            client_token=values.get("client_token"),
        )
    done = care.after_save("/practise/compassion-break?saved=1", *notes.values())
    return RedirectResponse(done, status_code=303)
