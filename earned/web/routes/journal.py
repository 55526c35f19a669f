"""The five reflection questions and the origin story: write, read, edit, delete entries."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import content, journal
from earned.errors import EarnedError
from earned.store import entries as entry_store
from earned.web import care, deps, entry_pages
from earned.web.deps import Form, Open, Page
from earned.web.render import render
from earned.web.routes.beliefs import origin_context  # passages linked to today

router = APIRouter()


def _prompt(key: str) -> dict[str, str]:
    for p in journal.reflection_prompts():
        if p["key"] == key:
            return p
    raise EarnedError("There is no such reflection question.", status=404)


@router.get("/reflect")
def reflect_index(page: Page, store: Open) -> Response:
    with store.session() as s:
        written = entry_store.count_by_prompt(session=s, kind="reflection")
    counts = {p["key"]: written.get(p["key"], 0) for p in journal.reflection_prompts()}
    return render(
        page,
        "journal/reflect_index.html",
        {
            "words": content.load("reflections"),
            "prompts": journal.reflection_prompts(),
            "counts": counts,
        },
    )


@router.get("/reflect/{key}")
def reflect_page(page: Page, store: Open, key: str) -> Response:
    prompt = _prompt(key)
    shown = entry_pages.shown(page, store, "reflection", key)
    return render(page, "journal/reflect.html", {"prompt": prompt, **shown})


@router.post("/reflect/{key}")
async def reflect_save(page: Page, store: Open, key: str, values: Form) -> Response:
    prompt = _prompt(key)
    try:
        with store.session() as s:
            entry_store.add_entry(
                session=s,
                kind="reflection",
                prompt=key,
                body=values.get("body", ""),
                now=deps.now(),
            )
    except EarnedError as error:
        return render(
            page,
            "journal/reflect.html",
            {
                "prompt": prompt,
                **entry_pages.shown(page, store, "reflection", key),
                "error": error.message,
                "draft": values.get("body", ""),
            },
            status=400,
        )
    done = care.after_save(f"/reflect/{key}?saved=1", values.get("body"))
    return RedirectResponse(done, status_code=303)


@router.get("/origin")
def origin_note(page: Page, store: Open) -> Response:
    return render(page, "journal/origin_note.html", {"words": content.load("origin")})


@router.get("/origin/write")
def origin_page(page: Page, store: Open) -> Response:
    shown = entry_pages.shown(page, store, "origin")
    linking = origin_context(store, shown["entries"])  # type: ignore[arg-type]
    return render(
        page, "journal/origin.html", {"words": content.load("origin"), **shown, **linking}
    )


@router.post("/origin/write")
async def origin_save(page: Page, store: Open, values: Form) -> Response:
    try:
        with store.session() as s:
            entry_store.add_entry(
                session=s, kind="origin", prompt=None, body=values.get("body", ""), now=deps.now()
            )
    except EarnedError as error:
        shown = entry_pages.shown(page, store, "origin")
        return render(
            page,
            "journal/origin.html",
            {
                "words": content.load("origin"),
                **shown,
                **origin_context(store, shown["entries"]),  # type: ignore[arg-type]
                "error": error.message,
                "draft": values.get("body", ""),
            },
            status=400,
        )
    done = care.after_save("/origin/write?saved=1", values.get("body"))
    return RedirectResponse(done, status_code=303)


def _back(entry: journal.Entry) -> str:
    if entry.kind == "after":
        return "/moment/after"
    if entry.kind == "note":
        return "/"
    if entry.kind == "letter":
        return "/compassion/letters"
    return f"/reflect/{entry.prompt}" if entry.kind == "reflection" else "/origin/write"


@router.post("/entries/note")
async def keep_note(store: Open, values: Form) -> Response:
    """Words a form refused (too long for its field, say), kept as a note instead of lost."""
    body = values.get("body", "")
    with store.session() as s:
        entry = entry_store.add_entry(
            session=s, kind="note", prompt=None, body=body, now=deps.now()
        )
    done = care.after_save(f"/entries/{entry.id}/edit?saved=1", body)
    return RedirectResponse(done, status_code=303)


@router.get("/entries/{entry_id}/edit")
def edit_page(page: Page, store: Open, entry_id: str) -> Response:
    with store.session() as s:
        entry = entry_store.get_entry(session=s, entry_id=entry_id)
    return render(page, "journal/edit.html", {"entry": entry, "back": _back(entry)})


@router.post("/entries/{entry_id}")
async def edit_save(page: Page, store: Open, entry_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            entry = entry_store.update_entry(
                session=s, entry_id=entry_id, body=values.get("body", ""), now=deps.now()
            )
    except EarnedError as error:
        if error.status == 404:
            raise
        with store.session() as s:
            entry = entry_store.get_entry(session=s, entry_id=entry_id)
        entry.body = values.get("body", "")
        return render(
            page,
            "journal/edit.html",
            {"entry": entry, "back": _back(entry), "error": error.message},
            status=400,
        )
    done = care.after_save(_back(entry) + "?saved=1", values.get("body"))
    return RedirectResponse(done, status_code=303)


@router.post("/entries/{entry_id}/delete")
async def delete(request: Request, store: Open, entry_id: str, values: Form) -> Response:
    with store.session() as s:
        entry = entry_store.get_entry(session=s, entry_id=entry_id)
        entry_store.delete_entry(session=s, entry_id=entry_id)
    return RedirectResponse(_back(entry) + "?deleted=1", status_code=303)
