"""A page of journal entries at a time (reflections, the origin story, after an
interaction), newest first, with the address of the next, older page."""

from __future__ import annotations

from urllib.parse import urlencode

from earned.store import Store
from earned.store import entries as entry_store
from earned.web import cursor
from earned.web.page import PageContext


def shown(
    page: PageContext, store: Store, kind: str, prompt: str | None = None
) -> dict[str, object]:
    """A page of `kind` entries (newest first) from the address's `before`, and the query
    of the next, older page: a page's cost follows what it shows, not the years behind."""
    before = cursor.read(page.request.query_params.get("before", ""), "entries")
    with store.session() as s:
        shown, more = entry_store.entries_page(session=s, kind=kind, prompt=prompt, before=before)
    older = None
    if more and shown:
        older = urlencode({"before": cursor.make(shown[-1].created_at, shown[-1].id)})
    return {"entries": shown, "older": older}
