"""Regulation: paced breathing, 5-4-3-2-1 grounding flow, mindfulness timer, body scan,
movement log, practice log, self-soothing toolkit.

Every page works without JavaScript; static/regulate.js only adds the moving pacer and
timers, and logs a practice with the seconds actually done. Nothing here counts days in
a row: the weekly counts stand each on their own (earned.regulation.weekly_counts).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import content, durations, numbers, regulation
from earned import toolkit as toolkit_rules
from earned.errors import EarnedError
from earned.store import Store, practices, toolkit
from earned.web import care, deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()

DEFAULT_BREATHE_MINUTES = 3
DEFAULT_SIT_MINUTES = 10
SIT_MINUTES = range(1, 121)
GROUND_DEFAULT_SECONDS = 180  # when the start time did not come back with the form
EARLY_USES = 3  # fewer uses than this: "too early to tell"
RECENT_PRACTICES = 50
WEEKS_SHOWN = 8
JS_HEADER = "x-earned-js"  # regulate.js logs with fetch and wants 204, not a redirect


def _words() -> dict[str, Any]:
    return content.load("regulate")


def _token() -> str:
    """A fresh idempotency token for one form: a double submit logs one practice."""
    return secrets.token_urlsafe(16)


def _ground_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _words()["ground"]["steps"]
    return steps


def _scan_steps() -> list[dict[str, str]]:
    steps: list[dict[str, str]] = _words()["body_scan"]["steps"]
    return steps


# --- display helpers -------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:g}"


def drop_text(rank: toolkit_rules.ToolRank) -> str:
    """What a tool has done for this person so far, in plain words."""
    words = _words()["toolkit"]
    if rank.median_drop is None:
        return str(words["untried"])
    drop = rank.median_drop
    if drop > 0:
        points = "point" if drop == 1 else "points"
        said = f"typically brings intensity down by {_number(drop)} {points}"
    elif drop == 0:
        said = "typically leaves intensity about where it was"
    else:
        points = "point" if drop == -1 else "points"
        said = f"so far intensity has tended to rise by {_number(-drop)} {points} afterwards"
    if rank.uses < EARLY_USES:
        return f"{words['early']}: {said}"
    return said


def _tool_view(rank: toolkit_rules.ToolRank) -> dict[str, Any]:
    return {
        "id": rank.tool_id,
        "name": rank.name,
        "uses": rank.uses,
        "early": rank.uses < EARLY_USES,
        "said": drop_text(rank),
        "token": _token(),
    }


def _weeks(store: Store, now: datetime) -> list[dict[str, Any]]:
    this_week = regulation.week_start(now.date())
    first = this_week - timedelta(weeks=WEEKS_SHOWN - 1)
    since = datetime.combine(first, datetime.min.time(), now.tzinfo)
    with store.session() as s:
        times = [when for _kind, when, _secs in practices.practice_times(session=s, since=since)]
    counts = regulation.weekly_counts(times, today=now.date(), weeks=WEEKS_SHOWN)
    top = max([n for _week, n in counts] + [1])
    return [
        {
            "label": "This week" if week == this_week else f"Week of {week.day} {week:%b}",
            "count": n,
            "text": f"{n} practice" if n == 1 else f"{n} practices",
            "top": top,
        }
        for week, n in counts
    ]


# --- index and log ---------------------------------------------------------------------------


@router.get("/regulate")
def index(page: Page, store: Open) -> Response:
    now = deps.now()
    weeks = _weeks(store, now)
    with store.session() as s:
        tools = [_tool_view(r) for r in toolkit.toolkit(session=s)]
    return render(
        page,
        "regulate/index.html",
        {
            "words": _words(),
            "patterns": list(regulation.BREATHING.values()),
            "weeks": weeks,
            "tools": tools[:3],
            "tool_count": len(tools),
        },
    )


@router.get("/regulate/log")
def practice_log(page: Page, store: Open) -> Response:
    now = deps.now()
    with store.session() as s:
        recent = practices.practice_times(session=s, limit=RECENT_PRACTICES)
    rows = [
        {
            "label": regulation.PRACTICE_KINDS.get(kind, kind),
            "when": when,
            "duration": durations.exact(seconds),
        }
        for kind, when, seconds in recent
    ]
    return render(
        page,
        "regulate/log.html",
        {"words": _words(), "rows": rows, "weeks": _weeks(store, now)},
    )


# --- logging a practice ------------------------------------------------------------------------


def _whole(values: dict[str, str], name: str, message: str) -> int | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    value = numbers.signed(raw)  # a negative length is the domain's to refuse, with its range
    if value is None:
        raise EarnedError(message)
    return value


def practice_seconds(values: dict[str, str]) -> int:
    """Seconds from the form: `seconds` (sent by regulate.js) or `minutes` (typed or a button)."""
    seconds = _whole(values, "seconds", "The length of that practice could not be read.")
    if seconds is None:
        minutes = _whole(values, "minutes", "Please give the minutes as a whole number, e.g. 20.")
        if minutes is None:
            raise EarnedError("How many minutes was it? A whole number is enough, e.g. 20.")
        seconds = minutes * 60
    return seconds


@router.get("/regulate/practice")
def movement_page(page: Page, store: Open) -> Response:
    return render(page, "regulate/practice.html", {"words": _words(), "token": _token()})


@router.post("/regulate/practice")
async def log_practice(request: Request, page: Page, store: Open, values: Form) -> Response:
    kind = values.get("kind", "movement")
    try:
        seconds = practice_seconds(values)
        with store.session() as s:
            practices.log_practice(
                session=s,
                kind=kind,
                seconds=seconds,
                now=deps.now(),
                note=values.get("note") if kind == "movement" else None,
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        if kind != "movement" or error.status != 400:
            raise
        return render(
            page,
            "regulate/practice.html",
            {
                "words": _words(),
                "token": values.get("client_token") or _token(),
                "error": error.message,
                "minutes": values.get("minutes", ""),
                "note": values.get("note", ""),
            },
            status=400,
        )
    if request.headers.get(JS_HEADER):
        return Response(status_code=204)  # timers: no note is sent this way
    note = values.get("note") if kind == "movement" else None
    return RedirectResponse(care.after_save("/regulate/log?saved=1", note), status_code=303)


# --- paced breathing ---------------------------------------------------------------------------


def breathing_pattern(key: str) -> regulation.Breathing:
    pattern = regulation.BREATHING.get(key)
    if pattern is None:
        raise EarnedError("There is no breathing pattern by that name.", status=404)
    return pattern


def phase_text(phase: regulation.Phase) -> str:
    """'4 seconds', or 'about 5.5 seconds' for a length that is not a whole count."""
    if float(phase.seconds).is_integer():
        return f"{phase.seconds:g} seconds"
    return f"about {round(phase.seconds, 1):g} seconds"


def breathing_minutes(raw: str | None) -> int:
    choices = regulation.DURATIONS_MINUTES
    if raw is None or not raw.strip():
        return DEFAULT_BREATHE_MINUTES
    listed = ", ".join(str(m) for m in choices[:-1]) + f" or {choices[-1]}"
    minutes = numbers.whole(raw, most_digits=4)
    if minutes not in choices:
        raise EarnedError(f"Breathing sessions last {listed} minutes; please choose one of those.")
    return minutes


@router.get("/regulate/breathe")
def breathe(
    page: Page, store: Open, pattern: str | None = None, minutes: str | None = None
) -> Response:
    chosen = breathing_pattern(pattern) if pattern is not None else None
    ctx: dict[str, Any] = {
        "words": _words(),
        "patterns": list(regulation.BREATHING.values()),
        "durations": regulation.DURATIONS_MINUTES,
        "pattern": chosen,
    }
    try:
        ctx["minutes"] = breathing_minutes(minutes)
    except EarnedError as error:
        ctx.update(minutes=DEFAULT_BREATHE_MINUTES, error=error.message, pattern=None)
        ctx["picked"] = chosen.key if chosen else None
        return render(page, "regulate/breathe.html", ctx, status=400)
    ctx["token"] = _token()
    if chosen is not None:
        ctx["kind"] = f"breathing-{chosen.key}"
        ctx["cycles"] = round(ctx["minutes"] * 60 / chosen.cycle_seconds)
        ctx["per_minute"] = f"{round(chosen.breaths_per_minute, 1):g}"
        ctx["phases"] = [
            {"name": p.name, "seconds": f"{p.seconds:g}", "label": p.label, "say": phase_text(p)}
            for p in chosen.phases
        ]
    return render(page, "regulate/breathe.html", ctx)


# --- 5-4-3-2-1 grounding -----------------------------------------------------------------------


def _ground_context(step: int, notes: dict[str, str], started: int) -> dict[str, Any]:
    steps = _ground_steps()
    return {
        "words": _words(),
        "steps": steps,
        "step": step,
        "current": steps[step - 1] if 1 <= step <= len(steps) else None,
        "notes": notes,
        "started": started,
        "token": _token(),
    }


def _step(raw: int, last: int) -> int:
    if not 0 <= raw <= last:
        raise EarnedError("There is no such step.", status=404)
    return raw


def _ground_notes(values: dict[str, str]) -> dict[str, str]:
    notes = {}
    for s in _ground_steps():
        text = values.get(s["key"], "").replace("\x00", "").strip()
        if len(text) > regulation.MAX_GROUND_NOTE:
            raise EarnedError(
                f"What you wrote for “{s['title'].lower()}” is {len(text):,} characters; "
                f"please keep it under {regulation.MAX_GROUND_NOTE}. A few words are plenty."
            )
        notes[s["key"]] = text
    return notes


def _started(values: dict[str, str]) -> int | None:
    return numbers.whole(values.get("started"))


@router.get("/regulate/ground")
def ground(page: Page, store: Open, step: int = 0) -> Response:
    step = _step(step, len(_ground_steps()) + 1)
    started = int(deps.now().timestamp())
    return render(page, "regulate/ground.html", _ground_context(step, {}, started))


@router.post("/regulate/ground")
async def ground_move(page: Page, store: Open, values: Form) -> Response:
    """Next / Back between steps, carrying what was typed in hidden fields; stores nothing."""
    last = len(_ground_steps()) + 1
    step = numbers.whole(values.get("step") or "1", most_digits=3)
    if step is None:
        raise EarnedError("There is no such step.", status=404)
    here = _step(step, last)
    started = _started(values) or int(deps.now().timestamp())
    try:
        notes = _ground_notes(values)
    except EarnedError as error:
        raw = {s["key"]: values.get(s["key"], "") for s in _ground_steps()}
        ctx = _ground_context(here, raw, started)
        ctx["error"] = error.message
        return render(page, "regulate/ground.html", ctx, status=400)
    target = here - 1 if values.get("go") == "back" else here + 1
    target = min(max(target, 1), last)
    return render(page, "regulate/ground.html", _ground_context(target, notes, started))


def ground_note(notes: dict[str, str]) -> str | None:
    lines = [f"{s['title']}: {notes[s['key']]}" for s in _ground_steps() if notes.get(s["key"])]
    return "\n".join(lines) or None


@router.post("/regulate/ground/done")
async def ground_done(request: Request, store: Open, values: Form) -> Response:
    now = deps.now()
    notes = _ground_notes(values)
    started = _started(values)
    seconds = int(now.timestamp()) - started if started else GROUND_DEFAULT_SECONDS
    if not 0 < seconds <= regulation.MAX_PRACTICE_SECONDS:
        seconds = GROUND_DEFAULT_SECONDS
    note = ground_note(notes) if values.get("save_note") else None
    with store.session() as s:
        practices.log_practice(
            session=s,
            kind="grounding",
            seconds=seconds,
            now=now,
            note=note,
            client_token=values.get("client_token"),
        )
    return RedirectResponse(care.after_save("/regulate/log?saved=1", note), status_code=303)


# --- mindfulness timer and body scan -----------------------------------------------------------


@router.get("/regulate/sit")
def sit(page: Page, store: Open, minutes: str | None = None) -> Response:
    ctx: dict[str, Any] = {"words": _words(), "token": _token(), "choices": (5, 10, 15, 20, 30)}
    raw = (minutes or "").strip()
    found = numbers.whole(raw, most_digits=4)
    value = -1 if found is None else found
    if not raw:
        value = DEFAULT_SIT_MINUTES
    if value not in SIT_MINUTES:
        ctx.update(
            minutes=DEFAULT_SIT_MINUTES,
            error=f"Choose between {SIT_MINUTES[0]} and {SIT_MINUTES[-1]} minutes.",
        )
        return render(page, "regulate/sit.html", ctx, status=400)
    ctx["minutes"] = value
    return render(page, "regulate/sit.html", ctx)


@router.get("/regulate/body-scan")
def body_scan(page: Page, store: Open, step: int = 0) -> Response:
    steps = _scan_steps()
    step = _step(step, len(steps) + 1)
    return render(
        page,
        "regulate/body_scan.html",
        {
            "words": _words(),
            "steps": steps,
            "step": step,
            "current": steps[step - 1] if 1 <= step <= len(steps) else None,
            "token": _token(),
        },
    )


# --- self-soothing toolkit ---------------------------------------------------------------------


def _toolkit_page(
    page: PageContext, store: Store, *, error: str | None = None, draft: str = "", status: int = 200
) -> Response:
    with store.session() as s:
        tools = [_tool_view(r) for r in toolkit.toolkit(session=s)]
    return render(
        page,
        "regulate/toolkit.html",
        {"words": _words(), "tools": tools, "error": error, "draft": draft},
        status=status,
    )


@router.get("/regulate/toolkit")
def toolkit_view(page: Page, store: Open) -> Response:
    return _toolkit_page(page, store)


@router.post("/regulate/toolkit")
async def add_tool(page: Page, store: Open, values: Form) -> Response:
    try:
        with store.session() as s:
            toolkit.add_tool(session=s, name=values.get("name", ""), now=deps.now())
    except EarnedError as error:
        return _toolkit_page(
            page, store, error=error.message, draft=values.get("name", ""), status=400
        )
    done = care.after_save("/regulate/toolkit?added=1", values.get("name"))
    return RedirectResponse(done, status_code=303)


@router.post("/regulate/toolkit/{tool_id}/use")
async def use_tool(page: Page, store: Open, tool_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            toolkit.record_tool_use(
                session=s,
                tool_id=tool_id,
                before=values.get("before", ""),
                after=values.get("after", ""),
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _toolkit_page(page, store, error=error.message, status=400)
    return RedirectResponse("/regulate/toolkit?used=1", status_code=303)


@router.post("/regulate/toolkit/{tool_id}/archive")
async def archive_tool(request: Request, store: Open, tool_id: str, values: Form) -> Response:
    with store.session() as s:
        toolkit.archive_tool(session=s, tool_id=tool_id)
    return RedirectResponse("/regulate/toolkit?archived=1", status_code=303)
