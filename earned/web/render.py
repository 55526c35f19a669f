"""Template rendering: a page's template with what every page shows (CSRF token, lock
state, calm mode, the care panel when asked for).

render() only formats. What it shows about the request comes in the page context, which
the routes take as a dependency (earned.web.page); nothing here reads the database, the
vault or the request's cookies.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from earned import (
    compassion_break,
    consent,
    content,
    episodes,
    journal,
    pacing,
    parts,
    people,
    recommit,
    regulation,
    session_prep,
    text,
    toolkit,
    zones,
)
from earned.web.page import PageContext

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
# For any template: content_note("origin") for safety/_content_note.html, calm_words()
# for calm mode's labels and its note (safety/_calm_note.html).
templates.env.globals["content_note"] = pacing.content_note
templates.env.globals["calm_words"] = lambda: pacing.words()["calm"]
templates.env.globals["suggestion_kind"] = consent.kind_words  # server mode's suggestions


@pass_context
def _local(context: Context, moment: datetime, fmt: str = "%d %b %Y, %H:%M") -> str:
    """{{ local(time) }}: a stored (UTC) time in the person's zone, the page context's."""
    return zones.local(moment, context["zone"], fmt)


templates.env.globals["local"] = _local
# Each form field's maxlength, from the limit its record kind's domain module owns, so a
# page never states a number of its own (the server checks the same constant).
templates.env.globals["limits"] = {
    "entry": journal.MAX_BODY,
    "short_text": episodes.MAX_SHORT_TEXT,
    "person": episodes.MAX_PERSON,
    "pattern_part": episodes.MAX_PATTERN_PART,
    "note": regulation.MAX_NOTE,
    "ground_note": regulation.MAX_GROUND_NOTE,
    "tool_name": toolkit.MAX_TOOL_NAME,
    "search": episodes.MAX_SEARCH,
    "word": text.MAX_WORD,
    # The guided questions after an interaction become one entry: share its length.
    "after_answer": journal.MAX_BODY // 5,
    "recommit_noticed": recommit.MAX_NOTICED,
    "recommit_note": recommit.MAX_NOTE,
    # Session prep (roadmap step 3): since last time, what to bring.
    "session_text": session_prep.MAX_TEXT,
    # The inner practices: the parts map and the self-compassion break.
    "part_name": parts.MAX_NAME,
    "part_text": parts.MAX_TEXT,
    "compassion_words": compassion_break.MAX_STEP_WORDS,
    # the people ledger
    "person_name": people.MAX_NAME,
    "person_note": people.MAX_NOTE,
    "rupture_what": people.MAX_WHAT,
    "rupture_outcome": people.MAX_OUTCOME,
    # server mode: a clinician's note with a suggested practice
    "assign_note": consent.ASSIGN_NOTE_MAX,
}


def render(
    page: PageContext, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """The template `name` filled with `context` and the page context's facts."""
    ctx: dict[str, Any] = {
        "csrf": page.csrf,
        "unlocked": page.unlocked,
        "path": page.path,
        "calm": page.calm,
        "zone": page.zone,
        "has_result": page.has_result,
        "mode": page.mode,  # "personal" or "server" (gate.py)
        "role": page.role,  # server mode: "person" or "clinician"; None otherwise
        **(context or {}),
    }
    # After a save that suggested danger (care=1), when the route asks (PHQ-9 item 9), or
    # when this request's form did, even if it was refused (deps.form sets care_asked).
    if page.care or ctx.get("show_care") or getattr(page.request.state, "care_asked", False):
        ctx["care"] = care_words(page.region)
        if status >= 400:  # the page refused what was sent: nothing is saved yet
            ctx["care"]["text"] = ctx["care"]["text_not_saved"]
    return templates.TemplateResponse(page.request, name, ctx, status_code=status)


def care_words(region: str) -> dict[str, Any]:
    """What the calm crisis panel shows: its words, and every region's lines, `region` first."""
    words = content.load("crisis")
    return {**words["care"], "crisis": words, "region": region}
