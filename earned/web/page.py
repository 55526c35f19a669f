"""The page context: what every page needs to know about this request, looked up once.

A route that renders takes it as a dependency (`page: deps.Page`) and hands it to
render(), which only formats: it reads nothing from the database or the vault. The
exception handlers and the body-size guard in app.py, which run outside any route, call
page_context() themselves; within one request they all share the first one built.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import tzinfo

from fastapi import Request

from earned import crisis, pacing, results, zones
from earned.store import assessments, settings
from earned.web import gate as gates

log = logging.getLogger("earned.web")


@dataclass(frozen=True)
class PageContext:
    """This request's page-wide facts: session, CSRF token, calm mode, crisis-line region."""

    request: Request
    csrf: str
    # This browser's session, not merely "some session is open": another browser (or a
    # stale tab) must not be shown the private navigation and the Lock button.
    unlocked: bool
    calm: bool  # calm mode; always off for a locked browser, which cannot read the setting
    region: str  # whose crisis lines come first; the default when locked
    zone: tzinfo  # the person's time zone for every time shown (earned.zones)
    care: bool  # ?care=1: a save just now suggested danger, so the care panel is shown
    # A starting point exists: "Starting point" leads to the results, else into the
    # questionnaire (an empty results page is no place to send a new person).
    has_result: bool = False
    mode: str = gates.PERSONAL
    role: str | None = None  # server mode: the signed-in account's role

    @property
    def path(self) -> str:
        return self.request.url.path


def page_context(request: Request) -> PageContext:
    """The page context for `request`, built on first use and kept on request.state.

    A FastAPI dependency (see deps.Page). Kept on request.state rather than left to
    FastAPI's per-route cache so that an error page rendered later in the same request
    (by an exception handler) reuses it instead of reading the settings again.
    """
    cached = getattr(request.state, "page", None)
    if isinstance(cached, PageContext):
        return cached
    page = read_page(request)
    request.state.page = page
    return page


def read_page(request: Request) -> PageContext:
    """Build the page context afresh; for a route that has just changed the settings.

    Costs one short read transaction (one read of three settings and one indexed look for
    a completed starting point) for an unlocked browser and none for a locked one. If the
    read fails the page still renders, with calm mode off and the default region, rather
    than turning a page (often an error page, or "Get help now") into a 500.
    """
    # The answer app.guard found for this request (gate.py): no session read of its own,
    # and nothing touched (deps.store() touches the idle timer for the routes that need it).
    unlocked = gates.identified(request) is not None
    store = gates.gate_of(request).peek(request) if unlocked else None
    calm, saved_region, saved_zone, has_result = False, None, None, False
    if store is not None:
        try:
            with store.session() as s:
                found = settings.get_settings(
                    session=s, keys=(pacing.CALM_MODE, crisis.SETTING, zones.SETTING)
                )
                calm = pacing.is_calm(found.get(pacing.CALM_MODE))
                saved_region = found.get(crisis.SETTING)
                saved_zone = found.get(zones.SETTING)
                has_result = assessments.has_completed(session=s, instrument_id=results.INSTRUMENT)
        except Exception as exc:
            calm, saved_region, saved_zone, has_result = False, None, None, False
            log.warning("settings unreadable (%s); full page shown", type(exc).__name__)
    return PageContext(
        request=request,
        # Set by app.guard before any route or error page runs; "" only outside the app.
        csrf=getattr(request.state, "csrf", ""),
        unlocked=unlocked,
        calm=calm,
        region=crisis.region_or_default(saved_region),
        zone=zones.zone_of(saved_zone),
        care=request.query_params.get("care") == "1",
        has_result=has_result,
        mode=gates.gate_of(request).mode,
        role=None if (signed := gates.account(request)) is None else signed.role,
    )
