"""Core beliefs: the list (latest strength, whether a re-rating is due), a new belief, a
belief's page (evidence, alternative, strength over time, re-rating, editing), and the
links from origin-story passages to present patterns, triggers and beliefs.

Belief work can bring old pain close: the first visit opens with the core-beliefs content
note, and every page here has Pause. A re-rating being due is an invitation; nothing here
counts days in a row or how late anything is (earned.beliefs).
"""

from __future__ import annotations

import secrets
from datetime import tzinfo
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from earned import beliefs as rules
from earned import content, journal, origin_links
from earned.charts import svg
from earned.errors import EarnedError
from earned.store import Store
from earned.store import beliefs as belief_store
from earned.store import origin_links as link_store
from earned.web import care, deps, entry_pages
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()

# Each field's limit, from the domain, for the templates' maxlength/min/max.
LIMITS = {
    "belief": rules.MAX_BELIEF,
    "text": rules.MAX_TEXT,
    "note": rules.MAX_NOTE,
    "strength_min": rules.STRENGTH_MIN,
    "strength_max": rules.STRENGTH_MAX,
    "rerate_min": rules.RERATE_MIN_DAYS,
    "rerate_max": rules.RERATE_MAX_DAYS,
    "passage": origin_links.MAX_PASSAGE,
}
FIELDS = ("belief", "origin", "origin_entry_id", "evidence_for", "evidence_against", "alternative")


def _token() -> str:
    """A fresh repeat-guard token for one form: a double submit saves once."""
    return secrets.token_urlsafe(16)


def _details(values: dict[str, str]) -> rules.Details:
    return rules.check_details(
        **{name: values.get(name, "") for name in FIELDS},
        rerate_days=values.get("rerate_days", ""),
    )


def _texts(values: dict[str, str]) -> list[str | None]:
    """What a person wrote in a belief's form, for the crisis-language check after a save."""
    return [values.get(name) for name in (*FIELDS, "note") if name != "origin_entry_id"]


def _context(**values: Any) -> dict[str, Any]:
    return {"words": rules.words(), "belief_limits": LIMITS, **values}


# --- the list ----------------------------------------------------------------------------------


@router.get("/beliefs")
def index(page: Page, store: Open) -> Response:
    with store.session() as s:
        shown, more = belief_store.list_beliefs(session=s, now=deps.now())
        put_away, _ = belief_store.list_beliefs(session=s, now=deps.now(), archived=True)
    return render(
        page,
        "beliefs/index.html",
        _context(
            shown=shown,
            more=more,
            put_away=put_away,
            strength_words=rules.strength_words,
        ),
    )


# --- a new belief ------------------------------------------------------------------------------


def _new_page(
    page: PageContext,
    store: Store,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    with store.session() as s:
        choices = belief_store.origin_choices(session=s)
    typed = form or {}
    return render(
        page,
        "beliefs/new.html",
        _context(
            form=typed,
            choices=choices,
            error=error,
            token=typed.get("client_token") or _token(),
            suggested=rules.RERATE_SUGGESTED,
            rerate=typed.get("rerate_days", str(rules.RERATE_DEFAULT)),
        ),
        status=status,
    )


@router.get("/beliefs/new")
def new(page: Page, store: Open) -> Response:
    return _new_page(page, store)


@router.post("/beliefs")
async def create(page: Page, store: Open, values: Form) -> Response:
    try:
        details = _details(values)
        with store.session() as s:
            made = belief_store.add_belief(
                session=s,
                details=details,
                strength=values.get("strength", ""),
                alternative_strength=values.get("alternative_strength", ""),
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _new_page(page, store, form=values, error=error.message, status=400)
    done = care.after_save(f"/beliefs/{made.id}?saved=1", *_texts(values))
    return RedirectResponse(done, status_code=303)


# --- a belief's page ---------------------------------------------------------------------------


def chart(points: list[rules.Point], zone: tzinfo, *, key: str = "belief") -> Markup | None:
    """Strength over time, wide and narrow; None before there are two ratings. `key`
    keeps the drawings' ids apart when several beliefs share a page (/progress)."""
    if len(points) < 2:
        return None
    dated = [
        svg.Dated(
            p.when.astimezone(zone),
            p.strength,
            f"{p.when.astimezone(zone):%-d %b %Y}: {p.strength} of 100",
        )
        for p in points
    ]
    first, last = points[0], points[-1]
    desc = (
        f"How true the belief felt over time: {len(points)} ratings from "
        f"{first.when.astimezone(zone):%-d %b %Y} to {last.when.astimezone(zone):%-d %b %Y}, "
        f"from {first.strength} to {last.strength} on a scale of 0 to 100."
    )
    drawn = svg.over_time_both(
        dated,
        key=key,
        title="How true it feels, over time",
        desc=desc,
        lo=rules.STRENGTH_MIN,
        hi=rules.STRENGTH_MAX,
    )
    return Markup(drawn)  # noqa: S704 - numbers; text escaped in svg.py


def _belief_page(
    page: PageContext,
    store: Store,
    belief_id: str,
    *,
    form: dict[str, str] | None = None,
    rating_form: dict[str, str] | None = None,
    error: str | None = None,
    rating_error: str | None = None,
    status: int = 200,
) -> Response:
    now = deps.now()
    with store.session() as s:
        b = belief_store.get_belief(session=s, belief_id=belief_id)
        ratings = belief_store.ratings(session=s, belief_id=belief_id)
        choices = belief_store.origin_choices(session=s, also=b.origin_entry_id)
        links = link_store.to(session=s, kind="belief", target=belief_id)
    points = rules.series(ratings)
    last = ratings[-1].rated_at if ratings else None
    shown_form = (
        form
        if form is not None
        else {
            **{name: getattr(b, name) or "" for name in FIELDS},
            "rerate_days": str(b.rerate_days or ""),
        }
    )
    origin_entry = next((c for c in choices if c.id == b.origin_entry_id), None)
    return render(
        page,
        "beliefs/detail.html",
        _context(
            b=b,
            ratings=list(reversed(ratings)),
            points=points,
            latest=ratings[-1] if ratings else None,
            change=rules.change_words(points),
            chart=None if page.calm else chart(points, page.zone),
            due=rules.is_due(b, last, now=now),
            next_rating=rules.next_rating(b, last),
            strength_words=rules.strength_words,
            form=shown_form,
            rating_form=rating_form or {},
            choices=choices,
            origin_entry=origin_entry,
            links=links,
            error=error,
            rating_error=rating_error,
            token=_token(),
            suggested=rules.RERATE_SUGGESTED,
            rerate=shown_form.get("rerate_days", ""),
        ),
        status=status,
    )


@router.get("/beliefs/{belief_id}")
def detail(page: Page, store: Open, belief_id: str) -> Response:
    return _belief_page(page, store, belief_id)


@router.post("/beliefs/{belief_id}")
async def edit(page: Page, store: Open, belief_id: str, values: Form) -> Response:
    try:
        details = _details(values)
        with store.session() as s:
            belief_store.update_belief(
                session=s, belief_id=belief_id, details=details, now=deps.now()
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _belief_page(page, store, belief_id, form=values, error=error.message, status=400)
    done = care.after_save(f"/beliefs/{belief_id}?saved=1", *_texts(values))
    return RedirectResponse(done, status_code=303)


@router.post("/beliefs/{belief_id}/rate")
async def rerate(page: Page, store: Open, belief_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            belief_store.rate(
                session=s,
                belief_id=belief_id,
                strength=values.get("strength", ""),
                alternative_strength=values.get("alternative_strength", ""),
                note=values.get("note"),
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _belief_page(
            page, store, belief_id, rating_form=values, rating_error=error.message, status=400
        )
    done = care.after_save(f"/beliefs/{belief_id}?rated=1#strength", values.get("note"))
    return RedirectResponse(done, status_code=303)


@router.post("/beliefs/{belief_id}/archive")
async def archive(page: Page, store: Open, belief_id: str, values: Form) -> Response:
    """Put a belief away ("archived" = "yes"), or bring it back ("no")."""
    away = values.get("archived", "yes") != "no"
    with store.session() as s:
        belief_store.set_archived(session=s, belief_id=belief_id, archived=away, now=deps.now())
    if away:
        return RedirectResponse("/beliefs?archived=1", status_code=303)
    return RedirectResponse(f"/beliefs/{belief_id}?restored=1", status_code=303)


# --- origin-story links ----------------------------------------------------------------------


def origin_context(store: Store, entries: list[journal.Entry]) -> dict[str, Any]:
    """What the origin-story page needs to show and make links: each shown entry's links,
    what can be linked, the words of linked beliefs. The journal's origin page calls this."""
    with store.session() as s:
        links = link_store.for_entries(session=s, entry_ids=[e.id for e in entries])
        offered = link_store.offered(session=s, now=deps.now()) if entries else []
        linked = [
            link.target
            for found in links.values()
            for link in found
            if link.target_kind == "belief"
        ]
        words = belief_store.words_of(session=s, belief_ids=linked)
    labels = {
        link.id: origin_links.label(link.target_kind, link.target, words)
        for found in links.values()
        for link in found
    }
    return {
        "origin_links": links,
        "link_labels": labels,
        "link_targets": offered,
        "link_kinds": origin_links.KIND_NAMES,
        "link_words": rules.words()["links"],
        "belief_limits": LIMITS,
    }


def pattern_passages(store: Store) -> dict[str, Any]:
    """The origin-story passages linked to patterns (by their (fear, urge) as the patterns
    page groups them) and to triggers, for the patterns page."""
    with store.session() as s:
        to_patterns = link_store.to(session=s, kind="pattern")
        to_triggers = link_store.to(session=s, kind="trigger")
    by_pattern: dict[tuple[str, str], list[origin_links.Link]] = {}
    for link in to_patterns:
        fear, _, urge = link.target.partition(origin_links.PATTERN_JOIN)
        by_pattern.setdefault((fear, urge), []).append(link)
    by_trigger: dict[str, list[origin_links.Link]] = {}
    for link in to_triggers:
        by_trigger.setdefault(link.target, []).append(link)
    return {
        "pattern_passages": by_pattern,
        "trigger_passages": by_trigger,
        "link_words": rules.words()["links"],
    }


@router.post("/origin/{entry_id}/links")
async def add_link(page: Page, store: Open, entry_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            link_store.add_link(
                session=s,
                entry_id=entry_id,
                passage=values.get("passage"),
                choice=values.get("choice"),
                now=deps.now(),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        shown = entry_pages.shown(page, store, origin_links.ORIGIN_KIND)
        entries: list[journal.Entry] = shown["entries"]  # type: ignore[assignment]
        return render(
            page,
            "journal/origin.html",
            {
                "words": content.load("origin"),
                **shown,
                **origin_context(store, entries),
                "link_error": error.message,
                "link_entry": entry_id,
                "link_form": values,
            },
            status=400,
        )
    return RedirectResponse(f"/origin/write?linked=1#entry-{entry_id}", status_code=303)


@router.post("/origin/links/{link_id}/delete")
async def delete_link(store: Open, link_id: str, values: Form) -> Response:
    with store.session() as s:
        gone = link_store.delete_link(session=s, link_id=link_id)
    return RedirectResponse(f"/origin/write?unlinked=1#entry-{gone.entry_id}", status_code=303)
