"""The exposure ladder (roadmap step 5): /ladder lists the rungs by predicted difficulty
with their evidence and suggests where to go next; /ladder/{rung_id} is one rung: plan
an attempt (the guess), record how it went, its attempts a page at a time, and the gap
between guess and result over time.

Urge timers count as attempts when the person confirms them on the rung's page (see
earned.store.ladder.count_timer): nothing is counted on their behalf.
"""

from __future__ import annotations

import secrets
from datetime import timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from earned import durations, urges
from earned import ladder as rules
from earned.charts import svg
from earned.errors import EarnedError
from earned.ladder import Attempt, Rung
from earned.store import Store
from earned.store import ladder as store_ladder
from earned.store import people as people_store
from earned.web import care, cursor, deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()

MONTHS_CHARTED = 24  # the ladder page's chart: the median gap per month, this far back
LIMITS = {
    "title": rules.MAX_TITLE,
    "urge": rules.MAX_URGE,
    "feared": rules.MAX_FEARED,
    "happened": rules.MAX_HAPPENED,
    "person": rules.MAX_PERSON_NAME,
    "lo": rules.DISTRESS_MIN,
    "hi": rules.DISTRESS_MAX,
}


def _token() -> str:
    """A fresh repeat-guard token for one form: a double submit saves one attempt."""
    return secrets.token_urlsafe(16)


def _words() -> dict[str, Any]:
    return rules.words()


def _rung_view(r: Rung, view: store_ladder.Ladder) -> dict[str, Any]:
    have, tries = view.evidence.get(r.id, 0), view.tries.get(r.id, 0)
    return {
        "rung": r,
        "have": have,
        "said": rules.evidence_words(have, tries),
        "kind": rules.PATTERN_WORDS.get(r.pattern, r.pattern),
        "suggested": view.climb.next is not None and view.climb.next.id == r.id,
    }


# --- charts ------------------------------------------------------------------------------------


def _bounds(gaps: list[float]) -> tuple[float, float]:
    """A y range holding every gap and zero, in tens, at least ±20 so small gaps still
    read as small."""
    lo = min([*gaps, -20.0])
    hi = max([*gaps, 20.0])
    return float(int(lo // 10) * 10), float(-int(-hi // 10) * 10)


def _drawn(
    points: list[svg.Dated], *, key: str, title: str, desc: str, lo: float, hi: float
) -> Markup:
    band = (-rules.CLOSE_GAP, rules.CLOSE_GAP)
    label = str(_words()["gap_close"]).format(points=rules.CLOSE_GAP)
    drawn = svg.over_time_both(
        points, key=key, title=title, desc=desc, lo=lo, hi=hi, band=band, band_label=label
    )
    return Markup(drawn)  # noqa: S704 - numbers; text escaped in svg.py


def rung_chart(points: list[rules.GapPoint], zone: tzinfo) -> Markup | None:
    """Each result's gap (guess − result) over time; None under two results."""
    if len(points) < 2:
        return None
    dated = [
        svg.Dated(
            p.when.astimezone(zone),
            p.gap,
            f"{p.when.astimezone(zone):%-d %b %Y}: expected {p.predicted}, was {p.actual}",
        )
        for p in points
    ]
    lo, hi = _bounds([float(p.gap) for p in points])
    desc = (
        f"How much harder you expected each attempt to be than it was, {len(points)} attempts "
        f"from {dated[0].when:%-d %b %Y} to {dated[-1].when:%-d %b %Y}: from {points[0].gap} "
        f"points to {points[-1].gap}. Zero means the guess matched; above zero, it was easier "
        "than expected."
    )
    return _drawn(
        dated, key="rung-gap", title="Your guess against how it went", desc=desc, lo=lo, hi=hi
    )


def ladder_chart(points: list[rules.GapPoint], zone: tzinfo) -> Markup | None:
    """The typical (median) size of the gap per month, across every rung."""
    months = rules.monthly_gaps(
        rules.GapPoint(p.when.astimezone(zone).replace(tzinfo=None), p.predicted, p.actual, p.gap)
        for p in points
    )
    if len(months) < 2:
        return None
    dated = [
        svg.Dated(month, gap, f"{month:%b %Y}: typically {gap:g} points off, {n} attempts")
        for month, gap, n in months
    ]
    lo, hi = _bounds([g for _m, g, _n in months])
    desc = (
        f"The typical distance between your guess and how it went, month by month, "
        f"{len(months)} months from {months[0][0]:%b %Y} to {months[-1][0]:%b %Y}: from "
        f"{months[0][1]:g} points to {months[-1][1]:g}."
    )
    return _drawn(
        dated,
        key="ladder-gap",
        title="How close your guesses come",
        desc=desc,
        lo=min(lo, 0),
        hi=hi,
    )


# --- the ladder --------------------------------------------------------------------------------


def _ladder_page(
    page: PageContext,
    store: Store,
    *,
    error: str | None = None,
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    now = deps.now()
    with store.session() as s:
        view = store_ladder.ladder(session=s)
        points = store_ladder.gap_points(session=s, since=now - timedelta(days=31 * MONTHS_CHARTED))
    have = {r.template for r in view.rungs if r.template}
    offered = [t for t in rules.templates().values() if t.key not in have]
    return render(
        page,
        "ladder/index.html",
        {
            "words": _words(),
            "rungs": [_rung_view(r, view) for r in view.rungs],
            "climb": view.climb,
            "climb_said": rules.climb_words(view.climb),
            "templates": offered,
            "pattern_words": rules.PATTERN_WORDS,
            "chart": ladder_chart(points, page.zone),
            "close_gap": rules.CLOSE_GAP,
            "ladder_limits": LIMITS,
            "error": error,
            "kept": kept or {},
        },
        status=status,
    )


@router.get("/ladder")
def index(page: Page, store: Open) -> Response:
    return _ladder_page(page, store)


@router.post("/ladder")
async def add_rung(page: Page, store: Open, values: Form) -> Response:
    try:
        with store.session() as s:
            made = store_ladder.add_rung(
                session=s,
                title=values.get("title"),
                difficulty=values.get("difficulty", ""),
                urge=values.get("urge"),
                now=deps.now(),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _ladder_page(page, store, error=error.message, kept=values, status=400)
    done = care.after_save(f"/ladder/{made.id}?added=1", values.get("title"), values.get("urge"))
    return RedirectResponse(done, status_code=303)


@router.post("/ladder/template")
async def add_template(store: Open, values: Form) -> Response:
    with store.session() as s:
        made = store_ladder.add_from_template(session=s, key=values.get("key", ""), now=deps.now())
    return RedirectResponse(f"/ladder/{made.id}?added=1", status_code=303)


# --- one rung ----------------------------------------------------------------------------------


def _attempt_view(a: Attempt) -> dict[str, Any]:
    return {"attempt": a, "token": _token()}


def _timer_view(t: urges.UrgeDelay, rung: Rung) -> dict[str, Any]:
    return {
        "timer": t,
        "held": durations.words(t.seconds_held or 0),
        "ending": urges.OUTCOME_WORDS.get(t.outcome or "", ""),
        "well": rules.timer_went_well(t),
        "predicted": rung.difficulty,
        "token": _token(),
    }


def _rung_page(
    page: PageContext,
    store: Store,
    rung_id: str,
    *,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    before = cursor.read(page.request.query_params.get("before", ""), "attempts")
    with store.session() as s:
        rung = store_ladder.get_rung(session=s, rung_id=rung_id)
        shown, more = store_ladder.attempts_page(session=s, rung_id=rung_id, before=before)
        waiting = store_ladder.latest_open(session=s, rung_id=rung_id)
        points = store_ladder.gap_points(
            session=s, rung_id=rung_id, limit=store_ladder.CHART_POINTS
        )
        counts = store_ladder.evidence(session=s)
        timers = [] if rung.archived else store_ladder.matching_timers(session=s, rung_id=rung_id)
        # "With whom?" suggests the people ledger; a name from it links the try to them.
        ledger = [p.name for p in people_store.list_people(session=s) if not p.archived]
    older = None
    if more and shown:
        older = urlencode({"before": cursor.make(shown[-1].planned_at, shown[-1].id)})
    summary = rules.gap_summary(points)
    return render(
        page,
        "ladder/rung.html",
        {
            "words": _words(),
            "rung": rung,
            "kind": rules.PATTERN_WORDS.get(rung.pattern, rung.pattern),
            "have": counts.get(rung_id, 0),
            "said": rules.evidence_words(counts.get(rung_id, 0), len(shown)),
            "needed": rules.EVIDENCE_TO_CLIMB,
            "attempts": [_attempt_view(a) for a in shown],
            "older": older,
            "waiting": waiting,
            "points": points,
            "summary": summary,
            "chart": rung_chart(points, page.zone),
            "close_gap": rules.CLOSE_GAP,
            "window": rules.GAP_WINDOW,
            "timers": [_timer_view(t, rung) for t in timers],
            "token": _token(),
            "ladder_limits": LIMITS,
            "errors": errors or {},
            "kept": kept or {},
            "ledger": ledger,
        },
        status=status,
    )


@router.get("/ladder/{rung_id}")
def rung_view(page: Page, store: Open, rung_id: str) -> Response:
    return _rung_page(page, store, rung_id)


def _refused(
    page: PageContext,
    store: Store,
    rung_id: str,
    form: str,
    error: EarnedError,
    values: dict[str, str],
) -> Response:
    """The rung's page again with the message beside `form` and what was typed kept; any
    refusal that is not about the form (a rung that does not exist) goes on up."""
    if error.status != 400:
        raise error
    return _rung_page(page, store, rung_id, errors={form: error.message}, kept=values, status=400)


@router.post("/ladder/{rung_id}")
async def edit_rung(page: Page, store: Open, rung_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            store_ladder.edit_rung(
                session=s,
                rung_id=rung_id,
                title=values.get("title"),
                difficulty=values.get("difficulty", ""),
                urge=values.get("urge"),
            )
    except EarnedError as error:
        return _refused(page, store, rung_id, "edit", error, values)
    done = care.after_save(f"/ladder/{rung_id}?edited=1", values.get("title"), values.get("urge"))
    return RedirectResponse(done, status_code=303)


@router.post("/ladder/{rung_id}/archive")
async def archive_rung(store: Open, rung_id: str, values: Form) -> Response:
    with store.session() as s:
        store_ladder.archive_rung(session=s, rung_id=rung_id)
    return RedirectResponse("/ladder?archived=1", status_code=303)


@router.post("/ladder/{rung_id}/plan")
async def plan(page: Page, store: Open, rung_id: str, values: Form) -> Response:
    """The half before: the guess and the fear, saved now."""
    try:
        with store.session() as s:
            store_ladder.plan_attempt(
                session=s,
                rung_id=rung_id,
                predicted=values.get("predicted", ""),
                feared=values.get("feared"),
                person_name=values.get("person_name"),
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        return _refused(page, store, rung_id, "plan", error, values)
    done = care.after_save(f"/ladder/{rung_id}?planned=1#after", values.get("feared"))
    return RedirectResponse(done, status_code=303)


@router.post("/ladder/{rung_id}/try")
async def try_now(page: Page, store: Open, rung_id: str, values: Form) -> Response:
    """Both halves at once, for a step already taken."""
    try:
        after = rules.check_after(
            values.get("actual", ""), values.get("happened"), values.get("went_well", "")
        )
        with store.session() as s:
            store_ladder.try_attempt(
                session=s,
                rung_id=rung_id,
                predicted=values.get("predicted", ""),
                feared=values.get("feared"),
                person_name=values.get("person_name"),
                after=after,
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        return _refused(page, store, rung_id, "try", error, values)
    texts = (values.get("feared"), values.get("happened"))
    return RedirectResponse(care.after_save(f"/ladder/{rung_id}?saved=1", *texts), status_code=303)


@router.post("/ladder/{rung_id}/attempts/{attempt_id}")
async def record_after(
    page: Page, store: Open, rung_id: str, attempt_id: str, values: Form
) -> Response:
    """The half after: how hard it was, what happened, whether it went reasonably well."""
    try:
        with store.session() as s:
            store_ladder.rung_of_attempt(session=s, attempt_id=attempt_id, rung_id=rung_id)
            store_ladder.record_after(
                session=s,
                attempt_id=attempt_id,
                actual=values.get("actual", ""),
                happened=values.get("happened"),
                went_well=values.get("went_well", ""),
                now=deps.now(),
            )
    except EarnedError as error:
        return _refused(page, store, rung_id, f"after-{attempt_id}", error, values)
    done = care.after_save(f"/ladder/{rung_id}?saved=1", values.get("happened"))
    return RedirectResponse(done, status_code=303)


@router.post("/ladder/{rung_id}/timers/{urge_id}")
async def count_timer(
    page: Page, store: Open, rung_id: str, urge_id: str, values: Form
) -> Response:
    """A finished urge timer counted as an attempt on this rung, as the person confirms."""
    try:
        with store.session() as s:
            store_ladder.count_timer(
                session=s,
                rung_id=rung_id,
                urge_delay_id=urge_id,
                predicted=values.get("predicted", ""),
                actual=values.get("actual", ""),
                went_well=values.get("went_well") or None,
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        return _refused(page, store, rung_id, f"timer-{urge_id}", error, values)
    return RedirectResponse(f"/ladder/{rung_id}?saved=1", status_code=303)
