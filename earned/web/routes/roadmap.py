"""The roadmap home (/roadmap), a page per step on why it matters (/roadmap/{key}), and
beginning again after a harder stretch (/recommit, step 10)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from earned import balance, recommit, roadmap
from earned.charts import svg
from earned.errors import EarnedError
from earned.store import Store, recommits, settings
from earned.store import balance as balance_store
from earned.store import roadmap as gather
from earned.web import care, deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()


def overview(s: Session) -> dict[str, Any]:
    """The steps with their activity and the one suggestion (also the home page's card),
    read in the caller's transaction."""
    now = deps.now()
    activity = gather.activity(session=s, now=now)
    signals = gather.signals(session=s, now=now, moments_lately=activity["notice"].lately)
    balance_on = balance.enabled(settings.get_setting(session=s, key=balance.SETTING))
    return {
        "steps": [(step, activity[step.key]) for step in roadmap.steps()],
        "suggestion": roadmap.suggest(signals),
        "roadmap_words": roadmap.words(),
        "balance_on": balance_on,
    }


@router.get("/roadmap")
def roadmap_page(page: Page, store: Open) -> Response:
    with store.session() as s:
        found = overview(s)
    return render(page, "roadmap/index.html", found)


@router.post("/roadmap/balance")
async def balance_check(store: Open, values: Form) -> Response:
    """Turn the over-focus check on or off (earned.balance)."""
    with store.session() as s:
        balance_store.set_enabled(session=s, on=values.get("check") == "on")
    return RedirectResponse("/roadmap#balance", status_code=303)


@router.get("/roadmap/{key}")
def step_page(page: Page, store: Open, key: str) -> Response:
    step = roadmap.step(key)
    if step is None:
        raise EarnedError("There is no such step on the roadmap.", status=404)
    with store.session() as s:
        activity = gather.activity(session=s, now=deps.now())[key]
    state = roadmap.words()["states"][activity.state]
    return render(page, "roadmap/step.html", {"step": step, "activity": activity, "state": state})


# --- beginning again -------------------------------------------------------------------------


def _chart(run: recommit.LongRun, finding: recommit.Finding) -> str | None:
    if len(run.weekly) < 2:
        return None
    points = [
        svg.Dated(when, value, f"week of {when:%d %b %Y}: {_value_words(run.measure, value)}")
        for when, value in run.weekly
    ]
    hi = 10.0 if run.measure == "intensity" else max(v for _, v in run.weekly) * 1.1
    regions = []
    if finding.began_weeks_ago is not None:
        end = deps.now()
        start = end - timedelta(days=7 * finding.began_weeks_ago)
        regions.append(svg.Region(start.date(), end.date(), "the recent harder weeks"))
    name = recommit.words()["measures"][run.measure]["name"]
    key = f"long-run-{run.measure}"
    desc = run.sentence() or f"Week by week: {name}."
    title = f"The long run: {name}, week by week"
    unit = "" if run.measure == "intensity" else " (minutes)"
    return svg.over_time_both(
        points, key=key, title=title + unit, desc=desc, lo=0, hi=hi, regions=regions
    )


def _value_words(measure: str, value: float) -> str:
    return f"{value:.1f} of 10" if measure == "intensity" else f"{value:.0f} min"


def _recommit_page(
    page: PageContext,
    store: Store,
    *,
    error: str | None = None,
    draft: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    now = deps.now()
    with store.session() as s:
        finding = recommits.finding(session=s, now=now)
        runs = recommits.long_runs(session=s, now=now)
        made = recommits.recent(session=s, limit=3)
    return render(
        page,
        "roadmap/recommit.html",
        {
            "words": recommit.words(),
            "finding": finding,
            "slips": [recommit.describe(slip) for slip in finding.slips],
            "runs": [(run, _chart(run, finding)) for run in runs],
            "practices": recommit.practices(),
            "made": made,
            "error": error,
            "draft": draft or {},
            "token": secrets.token_urlsafe(16),
        },
        status=status,
    )


@router.get("/recommit")
def recommit_page(page: Page, store: Open) -> Response:
    return _recommit_page(page, store)


@router.post("/recommit")
async def recommit_save(page: Page, store: Open, values: Form) -> Response:
    try:
        with store.session() as s:
            recommits.make(
                session=s,
                practice=values.get("practice"),
                noticed=values.get("noticed"),
                note=values.get("note"),
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _recommit_page(page, store, error=error.message, draft=values, status=400)
    done = care.after_save("/recommit?saved=1#made", values.get("noticed"), values.get("note"))
    return RedirectResponse(done, status_code=303)
