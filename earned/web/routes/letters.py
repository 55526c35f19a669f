"""Compassionate letters (roadmap step 9): letters to oneself, written as a kind friend
would, kept as journal entries of kind `letter` (earned.journal), a page at a time.

Deleting one goes through the journal's own /entries/{id}/delete, which comes back here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from earned import content, journal
from earned.errors import EarnedError
from earned.store import entries as entry_store
from earned.web import care, deps, entry_pages
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()
KIND = "letter"


def words() -> dict[str, Any]:
    found: dict[str, Any] = content.load("compassion")["letter"]
    return found


def _prompt(key: str | None) -> dict[str, str] | None:
    """The starting point `key` (None or "": a letter with none), or a calm 404."""
    if not key:
        return None
    for p in journal.letter_prompts():
        if p["key"] == key:
            return p
    raise EarnedError("There is no such starting point for a letter.", status=404)


@router.get("/compassion/letters")
def letters(page: Page, store: Open) -> Response:
    shown = entry_pages.shown(page, store, KIND)
    titles = {p["key"]: p["title"] for p in journal.letter_prompts()}
    return render(
        page,
        "letters/index.html",
        {"words": words(), "prompts": journal.letter_prompts(), "titles": titles, **shown},
    )


def _write(
    page: PageContext,
    prompt: dict[str, str] | None,
    *,
    entry: journal.Entry | None = None,
    draft: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        page,
        "letters/write.html",
        {"words": words(), "prompt": prompt, "entry": entry, "draft": draft, "error": error},
        status=status,
    )


@router.get("/compassion/letters/new")
def new_letter(page: Page, store: Open, prompt: str = "") -> Response:
    return _write(page, _prompt(prompt))


@router.post("/compassion/letters/new")
async def save_letter(page: Page, store: Open, values: Form) -> Response:
    prompt = _prompt(values.get("prompt"))
    body = values.get("body", "")
    try:
        with store.session() as s:
            entry_store.add_entry(
                session=s,
                kind=KIND,
                prompt=prompt["key"] if prompt else None,
                body=body,
                now=deps.now(),
            )
    except EarnedError as error:
        return _write(page, prompt, draft=body, error=error.message, status=400)
    return RedirectResponse(care.after_save("/compassion/letters?saved=1", body), 303)


def _letter(store: Any, entry_id: str) -> journal.Entry:
    with store.session() as s:
        entry = entry_store.get_entry(session=s, entry_id=entry_id)
    if entry.kind != KIND:
        raise EarnedError("That letter does not exist (it may have been deleted).", status=404)
    return entry


@router.get("/compassion/letters/{entry_id}/edit")
def edit_letter(page: Page, store: Open, entry_id: str) -> Response:
    entry = _letter(store, entry_id)
    return _write(page, _prompt(entry.prompt), entry=entry, draft=entry.body)


@router.post("/compassion/letters/{entry_id}")
async def save_edit(page: Page, store: Open, entry_id: str, values: Form) -> Response:
    entry = _letter(store, entry_id)
    body = values.get("body", "")
    try:
        with store.session() as s:
            entry_store.update_entry(session=s, entry_id=entry_id, body=body, now=deps.now())
    except EarnedError as error:
        return _write(
            page, _prompt(entry.prompt), entry=entry, draft=body, error=error.message, status=400
        )
    done = care.after_save(f"/compassion/letters?saved=1#entry-{entry_id}", body)
    return RedirectResponse(done, status_code=303)
