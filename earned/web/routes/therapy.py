"""Working with a therapist (roadmap step 3): the guide to attachment-informed approaches,
the printable questions for a first call, and session prep notes.

The guide's words are data (content/therapy.toml). A session note's rules are
earned.session_prep's; the candidates a person may tick come from the store, gathered by
kind (store/session_notes.GATHERERS). Nothing here shares anything with anyone.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import content
from earned import session_prep as rules
from earned.errors import EarnedError
from earned.session_prep import Candidate, Note, Picked
from earned.store import Store, session_notes
from earned.web import care, cursor, deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()


def _words() -> dict[str, Any]:
    return content.load("therapy")


def _approaches() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _words()["approaches"]
    return found


def _token() -> str:
    """A fresh repeat-guard token for one form: a double submit saves one note."""
    return secrets.token_urlsafe(16)


# --- the guide ---------------------------------------------------------------------------------


@router.get("/therapy")
def guide(page: Page, store: Open) -> Response:
    return render(page, "therapy/index.html", {"words": _words(), "approaches": _approaches()})


@router.get("/therapy/approaches/{key}")
def approach(page: Page, store: Open, key: str) -> Response:
    found = next((a for a in _approaches() if a["key"] == key), None)
    if found is None:
        raise EarnedError("There is no page about that approach.", status=404)
    return render(
        page,
        "therapy/approach.html",
        {"words": _words(), "approach": found, "approaches": _approaches()},
    )


@router.get("/therapy/questions")
def questions(page: Page, store: Open) -> Response:
    return render(page, "therapy/questions.html", {"words": _words()})


# --- session prep: the list --------------------------------------------------------------------


def _preview(note: Note) -> str:
    text = note.to_bring or note.since_last or ""
    first = text.split("\n", 1)[0]
    return first if len(first) <= 140 else first[:139] + "…"


@router.get("/therapy/prep")
def prep_list(page: Page, store: Open) -> Response:
    before = cursor.read(page.request.query_params.get("before", ""), "session notes")
    with store.session() as s:
        notes, more = session_notes.notes_page(session=s, before=before)
    older = None
    if more and notes:
        older = urlencode({"before": cursor.make(notes[-1].created_at, notes[-1].id)})
    shown = [
        {
            "note": n,
            "session": rules.session_words(n.session_at, page.zone) if n.session_at else None,
            "preview": _preview(n),
        }
        for n in notes
    ]
    return render(
        page,
        "therapy/prep_list.html",
        {"words": _words()["prep"], "notes": shown, "older": older, "first_page": before is None},
    )


# --- session prep: a new note ------------------------------------------------------------------


def _window(store: Store, now: datetime) -> tuple[datetime, bool]:
    """Where this page's candidates begin, and whether that is the last note."""
    with store.session() as s:
        last = session_notes.last_note_at(session=s)
    start = rules.window_start(last, now)
    return start, last is not None and start == last


def _candidates(
    page: PageContext, store: Store, since: datetime, now: datetime
) -> dict[str, list[Candidate]]:
    with store.session() as s:
        return session_notes.candidates(session=s, since=since, now=now, zone=page.zone)


def _new_page(
    page: PageContext,
    store: Store,
    *,
    since: datetime,
    after_note: bool,
    draft: dict[str, str] | None = None,
    ticked: set[str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    now = deps.now()
    found = _candidates(page, store, since, now)
    draft = draft or {}
    return render(
        page,
        "therapy/prep_new.html",
        {
            "words": _words()["prep"],
            "found": found,
            "kinds": rules.KINDS,
            "since": since,
            "since_iso": since.isoformat(),
            "after_note": after_note,
            "draft": draft,
            "ticked": ticked or set(),
            "errors": errors or {},
            "token": draft.get("client_token") or _token(),
        },
        status=status,
    )


@router.get("/therapy/prep/new")
def prep_new(page: Page, store: Open) -> Response:
    since, after_note = _window(store, deps.now())
    return _new_page(page, store, since=since, after_note=after_note)


async def _ticked(request: Request, name: str) -> list[str]:
    """All values of a repeated checkbox; deps.form keeps only the last one."""
    form = await request.form()  # cached by Starlette after deps.form read it
    return [v for v in form.getlist(name) if isinstance(v, str)]


def _checked_fields(
    values: dict[str, str], page: PageContext
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field checked on its own, so a refusal is shown next to its field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for field, what in (("since_last", "since last time"), ("to_bring", "what to bring")):
        try:
            out[field] = rules.check_text(values.get(field), what)
        except EarnedError as error:
            errors[field] = error.message
    try:
        out["session_at"] = rules.session_time(
            values.get("session_day"), values.get("session_time"), page.zone
        )
    except EarnedError as error:
        errors["session"] = error.message
    return out, errors


@router.post("/therapy/prep/new")
async def prep_save(request: Request, page: Page, store: Open, values: Form) -> Response:
    now = deps.now()
    default, after_note = _window(store, now)
    since = rules.check_window(values.get("since"), default=default, now=now)
    keys = await _ticked(request, "pick")
    fields, errors = _checked_fields(values, page)
    picked: tuple[Picked, ...] = ()
    try:
        offered = [c for group in _candidates(page, store, since, now).values() for c in group]
        picked = rules.pick(offered, keys)
    except EarnedError as error:
        errors["picked"] = error.message
    note = None
    if not errors:
        try:
            with store.session() as s:
                note = session_notes.add_note(
                    session=s,
                    now=now,
                    picked=picked,
                    client_token=values.get("client_token"),
                    **fields,
                )
        except EarnedError as error:
            if error.status != 400:
                raise
            errors["note"] = error.message
    if note is None:
        return _new_page(
            page,
            store,
            since=since,
            after_note=after_note and since == default,
            draft=values,
            ticked=set(keys),
            errors=errors,
            status=400,
        )
    done = care.after_save(
        f"/therapy/prep/{note.id}?saved=1", values.get("since_last"), values.get("to_bring")
    )
    return RedirectResponse(done, status_code=303)


# --- session prep: one note --------------------------------------------------------------------


def _grouped(picked: tuple[Picked, ...]) -> list[tuple[str, list[Picked]]]:
    """The picked items under their kinds' names, in the order the kinds are offered."""
    order = list(rules.KINDS)
    kinds = sorted(
        {p.kind for p in picked}, key=lambda k: (order.index(k) if k in order else 99, k)
    )
    return [(rules.KINDS.get(k, k), [p for p in picked if p.kind == k]) for k in kinds]


@router.get("/therapy/prep/{note_id}")
def prep_note(page: Page, store: Open, note_id: str) -> Response:
    with store.session() as s:
        note = session_notes.get_note(session=s, note_id=note_id)
    return render(
        page,
        "therapy/prep_note.html",
        {
            "words": _words()["prep"],
            "note": note,
            "session": rules.session_words(note.session_at, page.zone) if note.session_at else None,
            "groups": _grouped(note.picked),
        },
    )


def _edit_page(
    page: PageContext,
    note: Note,
    *,
    draft: dict[str, str] | None = None,
    kept: set[str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    day, clock = rules.session_fields(note.session_at, page.zone)
    if draft is None:
        draft = {
            "since_last": note.since_last or "",
            "to_bring": note.to_bring or "",
            "session_day": day,
            "session_time": clock,
        }
    return render(
        page,
        "therapy/prep_edit.html",
        {
            "words": _words()["prep"],
            "note": note,
            "draft": draft,
            "kept": {p.key for p in note.picked} if kept is None else kept,
            "errors": errors or {},
        },
        status=status,
    )


@router.get("/therapy/prep/{note_id}/edit")
def prep_edit(page: Page, store: Open, note_id: str) -> Response:
    with store.session() as s:
        note = session_notes.get_note(session=s, note_id=note_id)
    return _edit_page(page, note)


@router.post("/therapy/prep/{note_id}")
async def prep_update(
    request: Request, page: Page, store: Open, note_id: str, values: Form
) -> Response:
    with store.session() as s:
        current = session_notes.get_note(session=s, note_id=note_id)
    keys = await _ticked(request, "keep")
    fields, errors = _checked_fields(values, page)
    if not errors:
        try:
            with store.session() as s:
                session_notes.update_note(
                    session=s,
                    note_id=note_id,
                    now=deps.now(),
                    picked=rules.kept(current.picked, keys),
                    **fields,
                )
        except EarnedError as error:
            if error.status != 400:
                raise
            errors["note"] = error.message
    if errors:
        return _edit_page(page, current, draft=values, kept=set(keys), errors=errors, status=400)
    done = care.after_save(
        f"/therapy/prep/{note_id}?edited=1", values.get("since_last"), values.get("to_bring")
    )
    return RedirectResponse(done, status_code=303)


@router.post("/therapy/prep/{note_id}/delete")
async def prep_delete(store: Open, note_id: str, values: Form) -> Response:
    with store.session() as s:
        session_notes.delete_note(session=s, note_id=note_id)
    return RedirectResponse("/therapy/prep?deleted=1", status_code=303)
