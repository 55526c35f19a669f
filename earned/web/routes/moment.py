"""In the moment: quick activation capture, open episodes, details, urge-delay timer,
post-interaction journal, recurring patterns.

Every page works as plain forms; htmx only swaps one episode row or the emotion search
results. Times typed into a datetime-local box are the browser's local time: a hidden
`tz` field (minutes, as JavaScript's getTimezoneOffset gives them; 0 without JavaScript)
turns them into UTC here.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import content, durations, episodes, numbers, patterns, urges
from earned.episodes import Activation, Pattern
from earned.errors import EarnedError
from earned.records import replace
from earned.store import Store, activations, people, urge_timers
from earned.store import entries as entry_store
from earned.store import parts as part_store
from earned.web import care, deps, emotion_map, entry_pages
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

router = APIRouter()

PATTERN_PARTS = episodes.PATTERN_PARTS
MAX_TZ_MINUTES = 14 * 60
# Where a peak/settled form may send the person back to (no open redirects).
RETURN_TO = ("/", "/moment")


def words() -> dict[str, Any]:
    return content.load("moment")


def new_token() -> str:
    """A fresh idempotency token for a capture form, made when the form is rendered."""
    return uuid.uuid4().hex


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _back_to(values: dict[str, str]) -> str:
    target = values.get("next", "/")
    if target in RETURN_TO or re.fullmatch(r"/moment/[0-9a-f]{32}", target):
        return target
    return "/"


# --- time ------------------------------------------------------------------------------------


def local_time(values: dict[str, str], name: str) -> datetime | None:
    """The datetime-local field `name` in UTC, or None when it was left empty."""
    raw = values.get(name, "").strip()
    if not raw:
        return None
    offset = numbers.signed(values.get("tz", "").strip() or "0", most_digits=4)
    if offset is None or abs(offset) > MAX_TZ_MINUTES:
        raise EarnedError("That form was malformed; please reload the page.")
    try:
        when = datetime.fromisoformat(raw)
        if when.tzinfo is not None:
            return when.astimezone(UTC)
        return when.replace(tzinfo=UTC) + timedelta(minutes=offset)
    except (ValueError, OverflowError):
        raise EarnedError("Please give a date and a time, like 2026-03-02 14:30.") from None


def minute_value(moment: datetime) -> str:
    """A UTC time as a datetime-local value (JavaScript shows it in local time)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else max(0, round(delta.total_seconds()))


HELPERS: dict[str, Any] = {
    "clock": durations.clock,
    "held": durations.words,
    "seconds": _seconds,
    "minute_value": minute_value,
}


def render_page(
    page: PageContext, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    """render() with the in-the-moment templates' helpers (times, durations, words); used
    by this module and its neighbours history.py and patterns.py."""
    return render(page, name, {**HELPERS, **(context or {})}, status=status)


# --- the home page's part ------------------------------------------------------------------


HOME_OPEN = 8  # open episodes shown on the home page; the rest are on /moment
RECENT_DAYS = 90  # how far back /moment lists recent moments
RECENT_SHOWN = 20  # of those, how many
OPEN_SHOWN = 20  # open episodes listed on /moment; the count says how many more


def home_context(session: Session) -> dict[str, Any]:
    """What the home page shows of this area: capture form, open episodes, running timers."""
    now = deps.now()
    shown = activations.list_open(session=session, now=now, limit=HOME_OPEN)
    total = activations.count_open(session=session, now=now) if len(shown) == HOME_OPEN else 0
    return {
        **HELPERS,
        "capture_token": new_token(),
        "moment_words": words(),
        "open_episodes": shown,
        "open_more": max(0, total - HOME_OPEN),
        "running_urges": urge_timers.list_urges(session=session, running_only=True),
        "now": now,
    }


# --- capture ---------------------------------------------------------------------------------


@router.get("/moment")
def capture_page(page: Page, store: Open) -> Response:
    now = deps.now()
    with store.session() as s:
        recent = activations.list_activations(
            session=s, since=now - timedelta(days=RECENT_DAYS), limit=RECENT_SHOWN
        )
        still_open = activations.list_open(session=s, now=now, limit=OPEN_SHOWN)
        open_total = activations.count_open(session=s, now=now)
        running = urge_timers.list_urges(session=s, running_only=True)
    return render_page(
        page,
        "moment/capture.html",
        {
            "capture_token": new_token(),
            "moment_words": words(),
            "open_episodes": still_open,
            "open_more": max(0, open_total - len(still_open)),
            "recent": recent,
            "running_urges": running,
            "now": now,
        },
    )


@router.post("/moment")
async def capture(request: Request, store: Open, values: Form) -> Response:
    """One tap: intensity (and the form's token, so a double tap saves once). `at`: when it
    happened, if not now (a capture kept on a phone while offline, sent with its time)."""
    onset = local_time(values, "at")
    with store.session() as s:
        a = activations.log_activation(
            session=s,
            intensity=values.get("intensity", ""),
            now=deps.now(),
            onset=onset,
            client_token=values.get("client_token"),
        )
    return RedirectResponse(f"/moment/{a.id}/saved", status_code=303)


# --- emotion search (htmx fragment) -----------------------------------------------------------
# The fixed paths (/moment/emotions, /moment/after) are declared before /moment/{id}.


@router.get("/moment/emotions")
def emotion_search(page: Page, store: Open, q: str = "") -> Response:
    found = patterns.search(q[:60]) if q.strip() else []
    return render_page(
        page,
        "moment/_emotion_results.html",
        {"found": found, "q": q[:60], "quadrants": patterns.quadrants()},
    )


# --- after an interaction --------------------------------------------------------------------


def _after_page(
    page: PageContext,
    store: Store,
    *,
    draft: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    shown = entry_pages.shown(page, store, "after")
    return render_page(
        page,
        "moment/after.html",
        {"after": words()["after"], **shown, "draft": draft or {}, "error": error},
        status=status,
    )


def after_body(values: dict[str, str]) -> str:
    """The guided answers as one entry: each question, then what was written under it."""
    after = words()["after"]
    parts: list[str] = []
    feeling = values.get("feeling", "")
    if feeling in after["feelings"]:
        parts.append(f"It felt {feeling}.")
    for prompt in after["prompts"]:
        answer = values.get(prompt["key"], "").replace("\r\n", "\n").strip()
        if answer:
            parts.append(f"{prompt['question']}\n{answer}")
    if not any(values.get(p["key"], "").strip() for p in after["prompts"]):
        raise EarnedError("Nothing was written yet. A few words under any question are enough.")
    return "\n\n".join(parts)


@router.get("/moment/after")
def after_page(page: Page, store: Open) -> Response:
    return _after_page(page, store)


@router.post("/moment/after")
async def after_save(page: Page, store: Open, values: Form) -> Response:
    try:
        body = after_body(values)
        with store.session() as s:
            entry_store.add_entry(session=s, kind="after", prompt=None, body=body, now=deps.now())
    except EarnedError as error:
        return _after_page(page, store, draft=values, error=error.message, status=400)
    answers = [values.get(p["key"]) for p in words()["after"]["prompts"]]
    return RedirectResponse(care.after_save("/moment/after?saved=1", *answers), status_code=303)


# --- one activation ------------------------------------------------------------------------


@router.get("/moment/{activation_id}/saved")
def saved(page: Page, store: Open, activation_id: str) -> Response:
    with store.session() as s:
        a = activations.get_activation(session=s, activation_id=activation_id)
    return render_page(page, "moment/saved.html", {"a": a, "moment_words": words()})


def readable(pattern: Pattern) -> str:
    """The pattern sentence with an ellipsis in each gap not yet filled."""
    text = Pattern(*(getattr(pattern, k).strip() or "…" for k in PATTERN_PARTS)).sentence()
    return text.removesuffix("….") + "…" if text.endswith("….") else text


def _detail(
    page: PageContext,
    store: Store,
    a: Activation,
    *,
    error: str | None = None,
    status: int = 200,
    onset_value: str | None = None,
    tz: str = "0",
    stored: Activation | None = None,
) -> Response:
    """The details form; after a refused save, `a` is the draft and `stored` what is saved."""
    with store.session() as s:
        suggestions = activations.recent_tags(session=s)
        timers = urge_timers.list_urges(session=s, activation_id=a.id)
        ledger = people.list_people(session=s)
    known = patterns.known_words()
    shown = a.pattern or Pattern("", "", "", "", "")
    saved_pattern = (stored or a).pattern
    return render_page(
        page,
        "moment/detail.html",
        {
            "a": a,
            "error": error,
            "emotion_map": emotion_map.layout(),
            "chosen": set(a.emotions),
            "other_words": ", ".join(w for w in a.emotions if w not in known),
            "regions": episodes.BODY_REGIONS,
            "suggestions": suggestions,
            "pattern": shown,
            "preview": readable(shown),
            "saved_sentence": readable(saved_pattern) if saved_pattern else None,
            "onset_value": onset_value,
            "tz": tz,
            "timers": timers,
            "ledger": ledger,
            "now": deps.now(),
            "loudest": loudest_context(store, a.id),
        },
        status=status,
    )


@router.get("/moment/{activation_id}")
def detail_page(page: Page, store: Open, activation_id: str) -> Response:
    with store.session() as s:
        a = activations.get_activation(session=s, activation_id=activation_id)
    return _detail(page, store, a)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _named(value: str) -> bool | None:
    return {"now": True, "after": False}.get(value)


def _form_pattern(values: dict[str, str]) -> Pattern:
    return Pattern(*(values.get(f"p_{k}", "") for k in PATTERN_PARTS))


async def _checked(request: Request, name: str) -> list[str]:
    """All values of a repeated field (checkboxes); deps.form keeps only the last one."""
    form = await request.form()  # cached by Starlette after deps.form read it
    return [v for v in form.getlist(name) if isinstance(v, str)]


@router.post("/moment/{activation_id}")
async def save_details(
    request: Request, page: Page, store: Open, activation_id: str, values: Form
) -> Response:
    body = await _checked(request, "body")
    emotions = await _checked(request, "emotions") + _split(values.get("emotions_other", ""))
    with store.session() as s:
        current = activations.get_activation(session=s, activation_id=activation_id)
    try:
        onset = local_time(values, "onset")
        # datetime-local has whole minutes: an untouched box must not move the onset.
        if onset is not None and onset.replace(second=0, microsecond=0) == current.onset_at.replace(
            second=0, microsecond=0
        ):
            onset = None
        intensity = values.get("intensity", "").strip() or None
        with store.session() as s:
            activations.update_details(
                session=s,
                activation_id=activation_id,
                now=deps.now(),
                onset=onset,
                intensity=intensity,
                trigger=values.get("trigger", ""),
                tags=_split(values.get("tags", "")),
                body=body,
                emotions=emotions,
                urge=values.get("urge", ""),
                action=values.get("action", ""),
                person=values.get("person", ""),
                named_in_moment=_named(values.get("named", "")),
                pattern=_form_pattern(values),
            )
    except EarnedError as error:
        if error.status == 404:
            raise
        # Show the form again with what was typed, so nothing the person wrote is lost.
        typed = numbers.whole(values.get("intensity"), most_digits=3)
        intensity_draft = current.intensity if typed is None else typed
        draft = replace(
            current,
            intensity=intensity_draft,
            trigger=values.get("trigger"),
            tags=_split(values.get("tags", "")),
            body=body,
            emotions=emotions,
            urge=values.get("urge"),
            action=values.get("action"),
            person=values.get("person"),
            named_in_moment=_named(values.get("named", "")),
            pattern=_form_pattern(values),
        )
        return _detail(
            page,
            store,
            draft,
            error=error.message,
            status=400,
            onset_value=values.get("onset", ""),
            tz=values.get("tz", "0"),
            stored=current,
        )
    written = [values.get(k) for k in ("trigger", "tags", "emotions_other", "urge", "action")]
    written += [values.get("person"), *(values.get(f"p_{k}") for k in PATTERN_PARTS)]
    done = care.after_save(f"/moment/{activation_id}?saved=1", *written)
    return RedirectResponse(done, status_code=303)


@router.post("/moment/{activation_id}/person")
async def link_person(store: Open, activation_id: str, values: Form) -> Response:
    """Who the moment was with, from the people ledger (empty: no one from it)."""
    with store.session() as s:
        activations.link_person(
            session=s,
            activation_id=activation_id,
            person_id=values.get("person_id") or None,
            now=deps.now(),
        )
    return RedirectResponse(f"/moment/{activation_id}?person=1#fold-links", status_code=303)


async def _mark(
    request: Request,
    page: PageContext,
    store: Store,
    activation_id: str,
    values: dict[str, str],
    which: str,
) -> Response:
    """Peak or settled, now or at a typed time; htmx gets the one row back."""
    try:
        now = deps.now()
        at = local_time(values, "at")  # None: now (episodes.settle_time keeps a first "now")
        with store.session() as s:
            if which == "peak":
                a = activations.mark_peak(session=s, activation_id=activation_id, at=at, now=now)
            else:
                a = activations.mark_settled(session=s, activation_id=activation_id, at=at, now=now)
    except EarnedError as error:
        if error.status == 404 or not _htmx(request):
            raise
        with store.session() as s:
            a = activations.get_activation(session=s, activation_id=activation_id)
        return render_page(
            page,
            "moment/_episode.html",
            {"a": a, "error": error.message, "next": _back_to(values)},
            status=400,
        )
    if _htmx(request):
        return render_page(
            page,
            "moment/_episode.html",
            {"a": a, "just": which, "next": _back_to(values), "now": now},
        )
    return RedirectResponse(f"{_back_to(values)}?{which}=1#episodes", status_code=303)


@router.post("/moment/{activation_id}/peak")
async def peak(
    request: Request, page: Page, store: Open, activation_id: str, values: Form
) -> Response:
    return await _mark(request, page, store, activation_id, values, "peak")


@router.post("/moment/{activation_id}/settled")
async def settled(
    request: Request, page: Page, store: Open, activation_id: str, values: Form
) -> Response:
    return await _mark(request, page, store, activation_id, values, "settled")


@router.get("/moment/{activation_id}/delete")
def delete_page(page: Page, store: Open, activation_id: str) -> Response:
    with store.session() as s:
        a = activations.get_activation(session=s, activation_id=activation_id)
    return render_page(page, "moment/delete.html", {"a": a})


@router.post("/moment/{activation_id}/delete")
async def delete(request: Request, store: Open, activation_id: str, values: Form) -> Response:
    with store.session() as s:
        activations.delete_activation(session=s, activation_id=activation_id)
    return RedirectResponse("/moment?deleted=1", status_code=303)


# --- the loudest part (the parts map) ---------------------------------------------------------


def loudest_context(store: Store, activation_id: str, error: str | None = None) -> dict[str, Any]:
    """What the moment page's "loudest part" card shows: the parts on the map (and the one
    chosen, even if put away since), which one is chosen, and an error to show."""
    with store.session() as s:
        chosen = activations.loudest_part(session=s, activation_id=activation_id)
        offered = part_store.active_names(session=s)
        if chosen is not None and chosen not in offered:
            offered = {**part_store.names_by_id(session=s, ids=[chosen]), **offered}
    return {"chosen": chosen, "parts": offered, "error": error, "words": content.load("parts")}


@router.post("/moment/{activation_id}/part")
async def loudest_part(page: Page, store: Open, activation_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            activations.set_loudest_part(
                session=s,
                activation_id=activation_id,
                part_id=values.get("part_id", "").strip() or None,
                now=deps.now(),
            )
    except EarnedError as error:
        if error.status == 404:
            raise
        with store.session() as s:
            a = activations.get_activation(session=s, activation_id=activation_id)
        return _detail(page, store, a, error=error.message, status=400)
    return RedirectResponse(f"/moment/{activation_id}?part=1#fold-links", status_code=303)


# --- urge-delay timer --------------------------------------------------------------------------


@router.get("/urge")
def urge_page(page: Page, store: Open, activation: str = "") -> Response:
    with store.session() as s:
        linked = (
            activations.get_activation(session=s, activation_id=activation) if activation else None
        )
        running = urge_timers.list_urges(session=s, running_only=True)
        finished = urge_timers.list_urges(session=s, finished_only=True, limit=10)
    return render_page(
        page,
        "moment/urge.html",
        {
            "token": new_token(),
            "suggestions": urges.SUGGESTED_URGES,
            "linked": linked,
            "running": running,
            "finished": finished,
            "urge_words": words()["urge"],
            "outcome_words": urges.OUTCOME_WORDS,
            "now": deps.now(),
        },
    )


@router.post("/urge")
async def urge_start(request: Request, store: Open, values: Form) -> Response:
    text = values.get("urge", "").strip() or values.get("custom", "")
    with store.session() as s:
        u = urge_timers.start_urge(
            session=s,
            urge=text,
            now=deps.now(),
            activation_id=values.get("activation") or None,
            client_token=values.get("client_token"),
        )
    return RedirectResponse(care.after_save(f"/urge/{u.id}", text), status_code=303)


@router.get("/urge/{urge_id}")
def urge_timer(page: Page, store: Open, urge_id: str) -> Response:
    with store.session() as s:
        u = urge_timers.get_urge(session=s, urge_id=urge_id)
    now = deps.now()
    held = u.seconds_held
    message = None
    if held is not None and u.outcome is not None:
        message = words()["urge"]["outcomes"][u.outcome].format(held=durations.words(held))
    return render_page(
        page,
        "moment/urge_timer.html",
        {
            "u": u,
            "elapsed": _seconds(now - u.started_at) or 0,
            "urge_words": words()["urge"],
            "outcome_words": urges.OUTCOME_WORDS,
            "message": message,
        },
    )


@router.post("/urge/{urge_id}/end")
async def urge_end(request: Request, store: Open, urge_id: str, values: Form) -> Response:
    at = local_time(values, "at")  # when it ended, if not now (kept on a phone offline)
    with store.session() as s:
        timer = urge_timers.end_urge(
            session=s, urge_id=urge_id, outcome=values.get("outcome", ""), now=deps.now(), at=at
        )
    done = f"/urge/{urge_id}"
    if urges.calls_for_care(timer):
        done += "?care=1"
    return RedirectResponse(done, status_code=303)
