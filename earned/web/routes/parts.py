"""The parts map (roadmap step 6): the map of a person's parts (what each protects, fears
and needs), adding one, editing one, putting one away, and where each was the loudest.

Which part was loudest in a moment is chosen on the moment's page (routes/moment.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from earned import content, parts
from earned.errors import EarnedError
from earned.store import Store
from earned.store import parts as part_store
from earned.web import care, deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()


def words() -> dict[str, Any]:
    return content.load("parts")


def _typed(values: dict[str, str]) -> dict[str, str]:
    return {name: values.get(name, "") for name in ("name", *parts.FIELDS)}


def _texts(values: dict[str, str]) -> list[str]:
    return list(_typed(values).values())


def _map(
    page: PageContext,
    store: Store,
    *,
    error: str | None = None,
    draft: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    with store.session() as s:
        shown = part_store.list_parts(session=s)
        away = part_store.list_parts(session=s, archived=True)
        counts = part_store.loudest_counts(session=s)
    return render(
        page,
        "parts/index.html",
        {
            "words": words(),
            "fields": parts.FIELDS,
            "parts": shown,
            "away": away,
            "counts": counts,
            "error": error,
            "draft": draft or {},
        },
        status=status,
    )


@router.get("/parts")
def parts_map(page: Page, store: Open) -> Response:
    return _map(page, store)


@router.post("/parts")
async def add_part(page: Page, store: Open, values: Form) -> Response:
    typed = _typed(values)
    try:
        with store.session() as s:
            made = part_store.add_part(
                session=s,
                now=deps.now(),
                **typed,
            )
    except EarnedError as error:
        return _map(page, store, error=error.message, draft=typed, status=400)
    done = care.after_save(f"/parts?added=1#part-{made.id}", *_texts(values))
    return RedirectResponse(done, status_code=303)


def _detail(
    page: PageContext,
    store: Store,
    part_id: str,
    *,
    error: str | None = None,
    draft: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    with store.session() as s:
        part = part_store.get_part(session=s, part_id=part_id)
        count, moments = part_store.loudest_in(session=s, part_id=part_id)
    shown = draft or {"name": part.name, **{f: getattr(part, f) or "" for f in parts.FIELDS}}
    return render(
        page,
        "parts/detail.html",
        {
            "words": words(),
            "fields": parts.FIELDS,
            "part": part,
            "shown": shown,
            "count": count,
            "moments": moments,
            "error": error,
        },
        status=status,
    )


@router.get("/parts/{part_id}")
def part_page(page: Page, store: Open, part_id: str) -> Response:
    return _detail(page, store, part_id)


@router.post("/parts/{part_id}")
async def edit_part(page: Page, store: Open, part_id: str, values: Form) -> Response:
    typed = _typed(values)
    try:
        with store.session() as s:
            part_store.update_part(session=s, part_id=part_id, now=deps.now(), **typed)
    except EarnedError as error:
        if error.status == 404:
            raise
        return _detail(page, store, part_id, error=error.message, draft=typed, status=400)
    done = care.after_save(f"/parts/{part_id}?saved=1", *_texts(values))
    return RedirectResponse(done, status_code=303)


@router.post("/parts/{part_id}/archive")
async def archive_part(page: Page, store: Open, part_id: str, values: Form) -> Response:
    """Put away (the default) or, with back=1, bring back to the map."""
    back = values.get("back") == "1"
    try:
        with store.session() as s:
            part_store.set_archived(session=s, part_id=part_id, archived=not back, now=deps.now())
    except EarnedError as error:
        if error.status == 404:
            raise
        return _detail(page, store, part_id, error=error.message, status=400)
    return RedirectResponse(f"/parts?{'back' if back else 'archived'}=1", status_code=303)
