"""Server mode (issue 14), the person's side of sharing: invite a clinician with a
one-time code, choose per category what they see, stop at any time, read the log of every
look they took, and answer the practices they suggest. Rules: earned/consent.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import accounts, consent, numbers
from earned.errors import EarnedError
from earned.store.server import sharing
from earned.web.deps import Form, Page
from earned.web.gate import server_gate, signed_in
from earned.web.render import render

router = APIRouter()


def _person(request: Request) -> accounts.Account:
    who = signed_in(request)
    if not who.is_person:
        raise EarnedError("Sharing is chosen by the person whose journal it is.", status=403)
    return who


def account_context(request: Request, who: accounts.Account) -> dict[str, Any]:
    """What the account page shows a person about their sharing (one short transaction)."""
    now = datetime.now(UTC)
    with server_gate(request).server.session() as s:
        links = sharing.clinicians_of(session=s, person_id=who.id)
        pending = sharing.pending_invites(session=s, person_id=who.id, now=now)
        suggested = sharing.assignments(session=s, person_id=who.id)
        recent = sharing.reads(session=s, person_id=who.id, limit=5)
    return {
        "categories": consent.CATEGORIES,
        "default_categories": consent.DEFAULT,
        "links": links,
        "pending": pending,
        "suggested": suggested,
        "recent_reads": [r for _, r in recent],
        "invite_days": consent.INVITE_LIFE.days,
    }


def _chosen(values: dict[str, str]) -> frozenset[str]:
    return consent.check_categories([k for k in consent.CATEGORIES if values.get(f"share_{k}")])


@router.post("/sharing/invite")
async def invite(request: Request, page: Page, values: Form) -> Response:
    who = _person(request)
    chosen = _chosen(values)
    if not chosen:
        raise EarnedError("Please tick at least one thing to share, or nothing is shared.")
    with server_gate(request).server.session() as s:
        code = sharing.invite(session=s, person_id=who.id, categories=chosen, now=datetime.now(UTC))
    return render(
        page,
        "account/invite.html",
        {
            "code": code,
            "chosen": [consent.CATEGORIES[k] for k in consent.CATEGORIES if k in chosen],
            "days": consent.INVITE_LIFE.days,
        },
    )


@router.post("/sharing/invites/cancel")
async def cancel_invites(request: Request, values: Form) -> Response:
    who = _person(request)
    with server_gate(request).server.session() as s:
        sharing.cancel_invites(session=s, person_id=who.id)
    return RedirectResponse("/account#sharing", status_code=303)


def _clinician_id(raw: str) -> int:
    value = numbers.whole(raw)
    if value is None:
        raise EarnedError("There is no such clinician here.", status=404)
    return value


@router.post("/sharing/{clinician_id}")
async def change(request: Request, clinician_id: str, values: Form) -> Response:
    who = _person(request)
    with server_gate(request).server.session() as s:
        sharing.set_categories(
            session=s,
            person_id=who.id,
            clinician_id=_clinician_id(clinician_id),
            categories=_chosen(values),
            now=datetime.now(UTC),
        )
    return RedirectResponse("/account?saved=1#sharing", status_code=303)


@router.post("/sharing/{clinician_id}/stop")
async def stop(request: Request, clinician_id: str, values: Form) -> Response:
    who = _person(request)
    with server_gate(request).server.session() as s:
        sharing.revoke(
            session=s,
            person_id=who.id,
            clinician_id=_clinician_id(clinician_id),
            now=datetime.now(UTC),
        )
    return RedirectResponse("/account?stopped=1#sharing", status_code=303)


@router.get("/sharing/log")
def log(request: Request, page: Page, before: str = "", changes_before: str = "") -> Response:
    """Every look a clinician took, and when sharing began, changed and stopped: each
    newest first, a page at a time (`before`, `changes_before`: the last id shown)."""
    who = _person(request)
    with server_gate(request).server.session() as s:
        found = sharing.reads(session=s, person_id=who.id, before=numbers.whole(before))
        changes = sharing.events(session=s, person_id=who.id, before=numbers.whole(changes_before))
    more = found[-1][0] if len(found) == sharing.AUDIT_PAGE else None
    more_changes = changes[-1][0] if len(changes) == consent.EVENTS_PAGE else None
    return render(
        page,
        "account/log.html",
        {
            "reads": [r for _, r in found],
            "more": more,
            "categories": consent.CATEGORIES,
            "changes": [e for _, e in changes],
            "more_changes": more_changes,
        },
    )


@router.post("/suggestions/{assignment_id}")
async def answer(request: Request, assignment_id: str, values: Form) -> Response:
    who = _person(request)
    found = numbers.whole(assignment_id)
    if found is None:
        raise EarnedError("There is no such suggestion.", status=404)
    with server_gate(request).server.session() as s:
        sharing.answer(
            session=s,
            person_id=who.id,
            assignment_id=found,
            answer=values.get("answer", ""),
            now=datetime.now(UTC),
        )
    return RedirectResponse("/account#suggested", status_code=303)
