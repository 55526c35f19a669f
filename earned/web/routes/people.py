"""The people ledger (roadmap step 8): who is in the person's life, how each shows up for
them over time, ruptures and their repairs, and the ECR-RS about one relationship.

/people lists everyone with their latest standing and the weekly share of time with
people who are consistently there; /people/{id} is one person: ratings over time, rating
now, ruptures and repairs, the moments linked to them, the questionnaire, edit, remove.
Every rule is earned.people's; forms refused keep what was typed, with the message next
to the field. No streaks: nothing here asks for a rating on a schedule.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from earned import content, durations, instruments, numbers
from earned import people as rules
from earned.assessment import Assessment
from earned.charts import svg
from earned.errors import EarnedError
from earned.instruments.scoring import Scores
from earned.store import Store, assessments, people
from earned.web import care, deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()

RS = "ecr_rs"  # the relationship questionnaire's instrument id
RUPTURES_SHOWN = 20  # a person's ruptures on their page, newest first, a page at a time
WEEKS_SHOWN = 8  # the weekly share on the ledger


def words() -> dict[str, Any]:
    return content.load("people")


def _token() -> str:
    """A fresh repeat-guard token for one form: a double submit saves once."""
    return secrets.token_urlsafe(16)


# --- times typed on a form ------------------------------------------------------------------


def local_input(values: dict[str, str], name: str, zone: tzinfo) -> datetime | None:
    """A datetime-local field, read on the person's own clock (the page context's zone);
    None when left empty."""
    raw = values.get(name, "").strip()
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise EarnedError("Please give a date and a time, like 2026-03-02 14:30.") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when


def input_value(moment: datetime | None, zone: tzinfo) -> str:
    """A stored time as a datetime-local value on the person's clock."""
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


# --- the ledger --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    person: rules.Person
    standing: rules.Standing | None


def _share_rows(weeks: list[rules.WeekShare]) -> list[dict[str, Any]]:
    this_week = weeks[-1].week if weeks else None
    return [
        {
            "label": "This week" if w.week == this_week else f"Week of {w.week.day} {w.week:%b}",
            "share": w.share,
            "percent": None if w.share is None else round(100 * w.share),
            "text": "no linked moments"
            if w.share is None
            else f"{w.with_available} of {w.interactions}",
        }
        for w in weeks
    ]


def _ledger(
    page: PageContext,
    store: Store,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    now = deps.now()
    with store.session() as s:
        everyone = people.list_people(session=s)
        standing = people.standings(session=s, people=everyone)
        weeks = people.weekly_share(session=s, now=now, weeks=WEEKS_SHOWN, zone=page.zone)
        rated = people.ratings_this_week(session=s, now=now, zone=page.zone)
    w = words()
    return render(
        page,
        "people/index.html",
        {
            "words": w,
            "note": w["available_note"].format(at=rules.AVAILABLE_AT, recent=rules.RECENT_RATINGS),
            "rows": [Row(p, standing[p.id]) for p in everyone],
            "roles": rules.ROLES,
            "weeks": _share_rows(weeks),
            "any_share": any(x.share is not None for x in weeks),
            "rated_this_week": rated,
            "errors": errors or {},
            "typed": typed or {},
        },
        status=status,
    )


@router.get("/people")
def ledger(page: Page, store: Open) -> Response:
    return _ledger(page, store)


def _field_of(message: str) -> str:
    """Which field a refusal is about, so the message shows next to it."""
    lowered = message.lower()
    if "role" in lowered:
        return "role"
    if "note" in lowered:
        return "note"
    return "name"


@router.post("/people")
async def add(page: Page, store: Open, values: Form) -> Response:
    try:
        with store.session() as s:
            made = people.add_person(
                session=s,
                name=values.get("name"),
                role=values.get("role"),
                note=values.get("note"),
                now=deps.now(),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _ledger(page, store, errors={_field_of(error.message): error.message},
                       typed=values, status=400)  # fmt: skip
    done = care.after_save(f"/people/{made.id}?added=1", values.get("note"))
    return RedirectResponse(done, status_code=303)


# --- one person --------------------------------------------------------------------------------


def ratings_chart(ratings: list[rules.Rating], zone: tzinfo) -> list[tuple[str, Markup]]:
    """One chart per dimension once there are two ratings: (label, wide+narrow drawing)."""
    if len(ratings) < 2:
        return []
    out = []
    for dimension in rules.DIMENSIONS:
        name = rules.DIMENSION_NAMES[dimension]
        points = [
            svg.Dated(
                r.rated_at.astimezone(zone),
                r.of(dimension),
                f"{r.rated_at.astimezone(zone):%-d %b %Y}: {name} {r.of(dimension)}",
            )
            for r in ratings
        ]
        desc = (
            f"{name.capitalize()} over time: {len(points)} ratings from "
            f"{points[0].label.split(':')[0]} to {points[-1].label.split(':')[0]}, from "
            f"{points[0].value:g} to {points[-1].value:g} on a {rules.RATING_MIN} to "
            f"{rules.RATING_MAX} scale."
        )
        drawn = svg.over_time_both(
            points,
            key=dimension,
            title=f"{name.capitalize()} over time",
            desc=desc,
            lo=rules.RATING_MIN,
            hi=rules.RATING_MAX,
        )
        out.append((name, Markup(drawn)))  # noqa: S704 - escaped in svg.py
    return out


def rs_view(a: Assessment) -> dict[str, Any]:
    result = a.result()
    scores = result.values if isinstance(result, Scores) else {}
    return {
        "when": a.completed_at or a.started_at,
        "scores": [(s.name, scores.get(s.id)) for s in a.instrument.subscales],
    }


def _before(raw: str | None) -> tuple[datetime, str] | None:
    """The keyset cursor `time~id` of the last rupture shown (older ones after it)."""
    if not raw or "~" not in raw:
        return None
    stamp, _, last = raw.partition("~")
    try:
        return datetime.fromisoformat(stamp), last
    except ValueError:
        raise EarnedError("That page of ruptures does not exist.", status=404) from None


def _person_page(
    page: PageContext,
    store: Store,
    person_id: str,
    *,
    form: str | None = None,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    before: str | None = None,
    status: int = 200,
) -> Response:
    with store.session() as s:
        person = people.get_person(session=s, person_id=person_id)
        ratings = people.ratings_of(session=s, person_id=person_id)
        ruptures, more = people.ruptures_of(
            session=s, person_id=person_id, limit=RUPTURES_SHOWN, before=_before(before)
        )
        repaired = people.all_ruptures(session=s, person_id=person_id)
        moments = people.moments_with(session=s, person_id=person_id)
        taken = assessments.about_person(session=s, person_id=person_id, instrument_id=RS)
    w = words()
    last = ruptures[-1] if ruptures and more else None
    typical = rules.median_repair(repaired)
    return render(
        page,
        "people/person.html",
        {
            "words": w,
            "p": person,
            "roles": rules.ROLES,
            "ratings": list(reversed(ratings)),
            "standing": rules.standing(ratings),
            "charts": ratings_chart(ratings, page.zone),
            "points": {int(k): v for k, v in w["rate"]["points"].items()},
            "scale": range(rules.RATING_MIN, rules.RATING_MAX + 1),
            "ruptures": ruptures,
            "older": f"{last.happened_at.isoformat()}~{last.id}" if last else None,
            "typical_repair": durations.words(typical.total_seconds()) if typical else None,
            "repaired_count": sum(1 for r in repaired if r.repaired),
            "reached": rules.REACHED_OUT,
            "held": lambda r: durations.words(r.time_to_repair.total_seconds()),
            "moments": moments,
            "rs": [rs_view(a) for a in reversed(taken)],
            "form": form,
            "error": error,
            "typed": typed or {},
            "token": _token(),
            "now_value": input_value(deps.now(), page.zone),
            "note": w["available_note"].format(at=rules.AVAILABLE_AT, recent=rules.RECENT_RATINGS),
        },
        status=status,
    )


@router.get("/people/{person_id}")
def person_page(page: Page, store: Open, person_id: str, before: str | None = None) -> Response:
    return _person_page(page, store, person_id, before=before)


@router.post("/people/{person_id}")
async def edit(page: Page, store: Open, person_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            people.edit_person(
                session=s,
                person_id=person_id,
                name=values.get("name"),
                role=values.get("role"),
                note=values.get("note"),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _person_page(page, store, person_id, form="edit", error=error.message,
                            typed=values, status=400)  # fmt: skip
    done = care.after_save(f"/people/{person_id}?saved=1", values.get("note"))
    return RedirectResponse(done, status_code=303)


@router.post("/people/{person_id}/rate")
async def rate(page: Page, store: Open, person_id: str, values: Form) -> Response:
    try:
        scores = {d: numbers.whole(values.get(d), most_digits=3) for d in rules.DIMENSIONS}
        with store.session() as s:
            people.rate_person(
                session=s,
                person_id=person_id,
                **scores,
                note=values.get("note"),
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _person_page(page, store, person_id, form="rate", error=error.message,
                            typed=values, status=400)  # fmt: skip
    done = care.after_save(f"/people/{person_id}?rated=1#rate", values.get("note"))
    return RedirectResponse(done, status_code=303)


def _repaired_at(values: dict[str, str], zone: tzinfo) -> datetime | None:
    """When it was repaired: the typed time, or now when only the box is ticked."""
    typed = local_input(values, "repaired_at", zone)
    if typed is not None:
        return typed
    return deps.now() if values.get("repaired") else None


@router.post("/people/{person_id}/ruptures")
async def add_rupture(page: Page, store: Open, person_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            people.log_rupture(
                session=s,
                person_id=person_id,
                what=values.get("what"),
                happened_at=local_input(values, "happened_at", page.zone),
                reached_out=values.get("reached_out"),
                repaired_at=_repaired_at(values, page.zone),
                outcome=values.get("outcome"),
                now=deps.now(),
                client_token=values.get("client_token"),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _person_page(page, store, person_id, form="rupture", error=error.message,
                            typed=values, status=400)  # fmt: skip
    done = care.after_save(
        f"/people/{person_id}?logged=1#ruptures", values.get("what"), values.get("outcome")
    )
    return RedirectResponse(done, status_code=303)


# --- one rupture: its repair ---------------------------------------------------------------


def _rupture_page(
    page: PageContext,
    store: Store,
    rupture_id: str,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    with store.session() as s:
        r = people.get_rupture(session=s, rupture_id=rupture_id)
    return render(
        page,
        "people/rupture.html",
        {
            "words": words(),
            "r": r,
            "reached": rules.REACHED_OUT,
            "repaired_value": input_value(r.repaired_at, page.zone),
            "error": error,
            "typed": typed,
        },
        status=status,
    )


@router.get("/people/ruptures/{rupture_id}")
def rupture_page(page: Page, store: Open, rupture_id: str) -> Response:
    return _rupture_page(page, store, rupture_id)


@router.post("/people/ruptures/{rupture_id}")
async def save_rupture(page: Page, store: Open, rupture_id: str, values: Form) -> Response:
    try:
        with store.session() as s:
            r = people.update_rupture(
                session=s,
                rupture_id=rupture_id,
                what=values.get("what"),
                reached_out=values.get("reached_out"),
                repaired_at=_repaired_at(values, page.zone),
                outcome=values.get("outcome"),
                now=deps.now(),
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _rupture_page(page, store, rupture_id, error=error.message, typed=values,
                             status=400)  # fmt: skip
    back = f"/people/{r.person_id}?saved=1#ruptures" if r.person_id else "/people"
    return RedirectResponse(
        care.after_save(back, values.get("what"), values.get("outcome")), status_code=303
    )


# --- removing someone ------------------------------------------------------------------------


@router.get("/people/{person_id}/remove")
def remove_page(page: Page, store: Open, person_id: str) -> Response:
    with store.session() as s:
        person = people.get_person(session=s, person_id=person_id)
    return render(page, "people/remove.html", {"words": words(), "p": person})


@router.post("/people/{person_id}/remove")
async def remove(store: Open, person_id: str, values: Form) -> Response:
    with store.session() as s:
        people.remove_person(session=s, person_id=person_id)
    return RedirectResponse("/people?removed=1", status_code=303)


# --- the ECR-RS about them ---------------------------------------------------------------------


def _rs_form(
    page: PageContext,
    person: rules.Person,
    *,
    answers: dict[int, int] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        page,
        "people/ecr_rs.html",
        {
            "words": words(),
            "p": person,
            "inst": instruments.load(RS),
            "answers": answers or {},
            "error": error,
        },
        status=status,
    )


@router.get("/people/{person_id}/ecr-rs")
def rs_page(page: Page, store: Open, person_id: str) -> Response:
    with store.session() as s:
        person = people.get_person(session=s, person_id=person_id)
    return _rs_form(page, person)


@router.post("/people/{person_id}/ecr-rs")
async def rs_save(page: Page, store: Open, person_id: str, values: Form) -> Response:
    inst = instruments.load(RS)
    with store.session() as s:
        person = people.get_person(session=s, person_id=person_id)
    given: dict[int, int] = {}
    for item in inst.items:
        value = numbers.whole(values.get(f"q{item.number}"), most_digits=3)
        if value is not None:
            given[item.number] = value
    missing = [i.number for i in inst.items if i.number not in given]
    try:
        if missing:
            raise EarnedError(
                f"{len(missing)} question(s) still need an answer; nothing is saved until "
                "all nine are answered. The answers you gave are kept below."
            )
        with store.session() as s:
            assessments.save_about(
                session=s, instrument_id=RS, person_id=person.id, answers=given, now=deps.now()
            )
    except EarnedError as error:
        if error.status != 400:
            raise
        return _rs_form(page, person, answers=given, error=error.message, status=400)
    return RedirectResponse(f"/people/{person.id}?taken=1#ecr-rs", status_code=303)
