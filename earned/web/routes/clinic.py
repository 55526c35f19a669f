"""Server mode (issue 14), the clinician's side: the caseload, one person's shared
records, accepting an invite, and suggesting a practice.

Every read of a person's records goes through `_shared`: it finds the link as it stands
now (a stopped or narrowed share takes effect on the very next request), refuses what is
not shared exactly as if the person did not exist (404: no one learns who is on the
server by guessing ids), and writes the audit row in the same transaction as the check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import accounts, checkin, consent, ladder, numbers, regulation, results, trends
from earned.assessment import Assessment
from earned.consent import Link
from earned.errors import EarnedError
from earned.store import Store, activations, assessments, entries, practices, session_notes
from earned.store import progress as signs_store
from earned.store.server import accounts as account_store
from earned.store.server import sharing
from earned.web.deps import Form, Page
from earned.web.gate import server_gate, signed_in
from earned.web.render import render

router = APIRouter()

NOT_SHARED = "There is nothing at this address."
RECENT = 20  # records per section on a person's page
FLAG_DAYS = 28  # a risky PHQ-9 answer stays on the caseload this long
CHECKINS = ("phq9", "gad7", "who5", "scssf")


def _clinician(request: Request) -> accounts.Account:
    who = signed_in(request)
    if not who.is_clinician:
        raise EarnedError("This part of earned is for clinicians.", status=403)
    return who


def _person_id(raw: str) -> int:
    value = numbers.whole(raw)
    if value is None:
        raise EarnedError(NOT_SHARED, status=404)
    return value


@contextmanager
def _shared(
    request: Request, clinician: accounts.Account, person_id: int, category: str, what: str
) -> Iterator[Store]:
    """The person's journal for one read of `category`, checked and audited; else 404."""
    gate = server_gate(request)
    with gate.server.session() as s:
        found = sharing.link(session=s, person_id=person_id, clinician_id=clinician.id)
        if found is None or not found.allows(category):
            raise EarnedError(NOT_SHARED, status=404)
        sharing.record_read(
            session=s,
            link=found,
            clinician=clinician,
            category=category,
            what=what,
            now=datetime.now(UTC),
        )
    yield gate.server.journal(person_id)


@dataclass(frozen=True)
class Glance:
    """One person on the caseload, as far as they share."""

    person: accounts.Account
    link: Link
    rci: list[str]
    flag: str | None
    signs: list[str]


def _results_glance(store: Store, since_visit: datetime | None) -> tuple[list[str], str | None]:
    """The caseload's line on the starting point, and the PHQ-9 flag."""
    with store.session() as s:
        ecr = assessments.list_assessments(session=s, instrument_id=results.INSTRUMENT)
        phq = assessments.list_assessments(session=s, instrument_id="phq9")
    summary = results.summarise(ecr)
    said = []
    if len(summary.steps) >= 2:
        for sub, change in summary.overall.items():
            said.append(f"{sub}: {change.verdict} since the first result")
    elif summary.steps:
        said.append("one starting point so far")
    return said, _flag(phq, since_visit)


def _flag(every: list[Assessment], since_visit: datetime | None) -> str | None:
    """The newest PHQ-9 of the last FLAG_DAYS with item 9 above 0, in words (marked new when
    it came after the clinician's last look); None without one. Other instruments among
    `every` are left out."""
    now = datetime.now(UTC)
    for entry in reversed(checkin.history(every, "phq9")):
        done = entry.assessment.completed_at
        if done is None or now - done > timedelta(days=FLAG_DAYS):
            break
        if entry.step.scores.alerts:
            new = since_visit is None or done > since_visit
            return f"PHQ-9 item 9 answered above 0 on {done:%d %b %Y}" + (
                " (new since your last look)" if new else ""
            )
    return None


def _signs_glance(store: Store) -> list[str]:
    with store.session() as s:
        series = signs_store.signs(session=s, now=datetime.now(UTC), zone=UTC)
    words = trends.words()
    said = []
    for sign in trends.SIGNS:
        found = trends.trend(series[sign.key])
        said.append(
            f"{words['signs'][sign.key]['name']}: {trends.sentence(sign, found, about='them')}"
        )
    return said


@router.get("/clinic")
def caseload(request: Request, page: Page) -> Response:
    who = _clinician(request)
    gate = server_gate(request)
    with gate.server.session() as s:
        people = sharing.caseload(session=s, clinician_id=who.id)
        visits = {
            person.id: sharing.last_read(session=s, person_id=person.id, clinician_id=who.id)
            for _, person in people
        }
    glances = []
    for found, person in people:
        rci: list[str] = []
        flag = None
        signs: list[str] = []
        if found.allows("results"):
            with _shared(request, who, person.id, "results", "caseload: results at a glance") as j:
                rci, flag = _results_glance(j, visits[person.id])
        if found.allows("progress"):
            with _shared(request, who, person.id, "progress", "caseload: progress signs") as j:
                signs = _signs_glance(j)
        glances.append(Glance(person, found, rci, flag, signs))
    return render(
        page,
        "clinic/index.html",
        {"glances": glances, "categories": consent.CATEGORIES, "short": consent.SHORT, "me": who},
    )


@router.post("/clinic/join")
async def join(request: Request, page: Page, values: Form) -> Response:
    who = _clinician(request)
    try:
        with server_gate(request).server.session() as s:
            person = sharing.accept(
                session=s, clinician=who, code=values.get("code", ""), now=datetime.now(UTC)
            )
    except EarnedError as error:
        return render(
            page,
            "clinic/index.html",
            {
                "glances": [],
                "categories": consent.CATEGORIES,
                "me": who,
                "error": error.message,
                "typed": values.get("code", "")[:40],  # the code as typed, to correct
            },
            status=400,
        )
    return RedirectResponse(f"/clinic/{person.id}", status_code=303)


@router.get("/clinic/{person_id}")
def person_page(request: Request, page: Page, person_id: str) -> Response:
    who = _clinician(request)
    pid = _person_id(person_id)
    gate = server_gate(request)
    with gate.server.session() as s:
        found = sharing.link(session=s, person_id=pid, clinician_id=who.id)
        person = None if found is None else account_store.get(session=s, account_id=pid)
        # Read before this look is written to the log, so "new since your last look" means it.
        visit = sharing.last_read(session=s, person_id=pid, clinician_id=who.id)
    if found is None or person is None:
        raise EarnedError(NOT_SHARED, status=404)
    shown: dict[str, Any] = {"person": person, "link": found, "categories": consent.CATEGORIES}
    if found.allows("results"):
        with _shared(request, who, pid, "results", "results and check-ins") as j, j.session() as s:
            every = assessments.list_assessments(session=s)
        summary = results.summarise(every)
        shown["flag"] = _flag(every, visit)
        shown["steps"] = summary.steps
        shown["checkins"] = {
            key: checkin.history(every, key) for key in CHECKINS if key in checkin.available()
        }
    if found.allows("progress"):
        with _shared(request, who, pid, "progress", "progress signs") as j:
            shown["signs"] = _signs_glance(j)
    if found.allows("moments"):
        with _shared(request, who, pid, "moments", "recent moments") as j, j.session() as s:
            shown["moments"] = activations.list_activations(session=s, limit=RECENT)
    if found.allows("journal"):
        with _shared(request, who, pid, "journal", "recent journal entries") as j, j.session() as s:
            shown["entries"] = entries.list_entries(session=s, limit=RECENT)
    if found.allows("practices"):
        with _shared(request, who, pid, "practices", "recent practices") as j, j.session() as s:
            shown["practices"] = practices.recent_of_kinds(
                session=s, kinds=tuple(regulation.PRACTICE_KINDS), limit=RECENT
            )
    if found.allows("prep"):
        with _shared(request, who, pid, "prep", "session-prep notes") as j, j.session() as s:
            shown["notes"], _ = session_notes.notes_page(session=s, limit=5)
    shown["offered"] = offered()
    shown["kinds"] = regulation.PRACTICE_KINDS
    return render(page, "clinic/person.html", shown)


def offered() -> dict[str, tuple[str, ...]]:
    """What a clinician may suggest, by kind: the practices and the suggested ladder steps
    the person's own app offers (so a suggestion always leads somewhere they can find)."""
    return {
        "practice": tuple(regulation.PRACTICE_KINDS.values()),
        "rung": tuple(t.title for t in ladder.templates().values()),
    }


@router.post("/clinic/{person_id}/suggest")
async def suggest(request: Request, person_id: str, values: Form) -> Response:
    who = _clinician(request)
    pid = _person_id(person_id)
    with server_gate(request).server.session() as s:
        found = sharing.link(session=s, person_id=pid, clinician_id=who.id)
        if found is None:
            raise EarnedError(NOT_SHARED, status=404)
        sharing.assign(
            session=s,
            link=found,
            clinician=who,
            # One choice, "kind|what" (so a kind never meets another kind's step).
            kind=values.get("choice", "").partition("|")[0],
            key=values.get("choice", "").partition("|")[2],
            offered=offered(),
            note=values.get("note", ""),
            now=datetime.now(UTC),
        )
    return RedirectResponse(f"/clinic/{pid}?suggested=1", status_code=303)
