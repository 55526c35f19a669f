"""What a person shares with which clinician (server mode): invite codes, the links with
their categories, the history of when each began, changed and stopped (written in the
same transaction as the change), the audit log of every clinician read, assigned
practices.

The rules are earned/consent.py's. Each clinician read checks the link as it stands at
that moment (`link`) and writes its audit row in the same transaction as the check, so a
revoked link stops the very next read, and no read goes unrecorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from earned import consent
from earned.accounts import Account
from earned.consent import Event, Link
from earned.errors import EarnedError
from earned.store.server.accounts import account_of, get
from earned.store.server.models import (
    AccountRow,
    AssignmentRow,
    AuditRow,
    CareLinkRow,
    InviteRow,
    SharingEventRow,
)

AUDIT_PAGE = 50


@dataclass(frozen=True)
class Read:
    """One line of the audit log, as the person sees it."""

    at: datetime
    clinician: str
    category: str
    what: str


@dataclass(frozen=True)
class Assignment:
    id: int
    clinician: str
    kind: str
    key: str
    note: str
    status: str
    created_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class Invite:
    """An invite code not yet used (the code itself is never kept, only its hash)."""

    categories: frozenset[str]
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Shared:
    """One clinician in a person's sharing record. A link as it stands has its categories
    and when it began; a stopped link leaves no row (revoke deletes it), so a clinician
    no longer shared with is known by the name their history (began, changed, stopped),
    looks and suggestions were written with, and when their last look or suggestion was;
    when it began and stopped is in Record.events."""

    clinician: str
    sharing_now: bool
    categories: frozenset[str]  # empty once stopped
    since: datetime | None  # None once stopped
    last_at: datetime | None  # their last look or suggestion; None: neither yet


@dataclass(frozen=True)
class Record:
    """Everything the server keeps about a person's sharing, for their own export: their
    links as they stand, clinicians no longer shared with, every look (oldest first),
    every suggestion, every unused invite, and when sharing began, changed and stopped
    (oldest first)."""

    clinicians: list[Shared]
    reads: list[Read]
    suggestions: list[Assignment]
    invites: list[Invite]
    events: list[Event]


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _link(row: CareLinkRow) -> Link:
    return Link(
        person_id=row.person_id,
        clinician_id=row.clinician_id,
        categories=frozenset(row.categories),
        since=row.since,
    )


def invite(*, session: Session, person_id: int, categories: frozenset[str], now: datetime) -> str:
    """A new one-time code; the person reads it to their clinician. Only its hash is kept."""
    code = consent.new_invite_code()
    session.add(
        InviteRow(
            code_hash=_code_hash(code),
            person_id=person_id,
            categories=sorted(consent.check_categories(categories)),
            created_at=now,
            expires_at=now + consent.INVITE_LIFE,
        )
    )
    return code


def accept(*, session: Session, clinician: Account, code: str, now: datetime) -> Account:
    """The clinician joins the person's care with what the invite shares; the code is spent."""
    if not clinician.is_clinician:
        raise EarnedError("Only a clinician's account can accept an invite.", status=403)
    shaped = consent.normal_code(code)
    row = None if shaped is None else session.get(InviteRow, _code_hash(shaped))
    if row is None or row.expires_at <= now:
        raise EarnedError(consent.BAD_CODE)
    person = get(session=session, account_id=row.person_id)
    session.delete(row)
    if person is None or not person.is_person:
        raise EarnedError(consent.BAD_CODE)
    existing = session.get(CareLinkRow, (person.id, clinician.id))
    before = None if existing is None else list(existing.categories)
    if existing is not None:
        existing.categories = sorted(set(existing.categories) | set(row.categories))
        after = list(existing.categories)
    else:
        after = sorted(row.categories)
        session.add(
            CareLinkRow(
                person_id=person.id, clinician_id=clinician.id, categories=row.categories, since=now
            )
        )
    _event(
        session=session,
        person_id=person.id,
        clinician_id=clinician.id,
        name=clinician.display_name,
        kind=consent.change_kind(before, after),
        categories=after,
        now=now,
    )
    return person


def link(*, session: Session, person_id: int, clinician_id: int) -> Link | None:
    row = session.get(CareLinkRow, (person_id, clinician_id))
    return None if row is None else _link(row)


def _links(
    session: Session, mine: Any, other: Any, account_id: int, order: Any
) -> list[tuple[Link, Account]]:
    """The links whose `mine` side is `account_id`, each with the account on its `other`
    side, in `order`."""
    rows = session.execute(
        select(CareLinkRow, AccountRow)
        .join(AccountRow, AccountRow.id == other)
        .where(mine == account_id)
        .order_by(order)
    ).all()
    return [(_link(link_row), account_of(acc)) for link_row, acc in rows]


def clinicians_of(*, session: Session, person_id: int) -> list[tuple[Link, Account]]:
    """A person's links and their clinicians, oldest first."""
    return _links(
        session, CareLinkRow.person_id, CareLinkRow.clinician_id, person_id, CareLinkRow.since
    )


def caseload(*, session: Session, clinician_id: int) -> list[tuple[Link, Account]]:
    """A clinician's links and their people, by name."""
    return _links(
        session,
        CareLinkRow.clinician_id,
        CareLinkRow.person_id,
        clinician_id,
        AccountRow.display_name,
    )


def set_categories(
    *,
    session: Session,
    person_id: int,
    clinician_id: int,
    categories: frozenset[str],
    now: datetime,
) -> None:
    row = session.get(CareLinkRow, (person_id, clinician_id))
    if row is None:
        raise EarnedError("You are not sharing with that clinician.", status=404)
    before = list(row.categories)
    row.categories = sorted(consent.check_categories(categories))
    _event(
        session=session,
        person_id=person_id,
        clinician_id=clinician_id,
        name=_name(session, clinician_id),
        kind=consent.change_kind(before, row.categories),
        categories=list(row.categories),
        now=now,
    )


def revoke(*, session: Session, person_id: int, clinician_id: int, now: datetime) -> None:
    """Stop sharing, at once: the clinician's next request finds no link. The history
    keeps when it stopped (stopping what was not shared leaves no trace)."""
    gone = session.execute(
        delete(CareLinkRow)
        .where(CareLinkRow.person_id == person_id, CareLinkRow.clinician_id == clinician_id)
        .returning(CareLinkRow.person_id)
    ).first()
    if gone is not None:
        _event(
            session=session,
            person_id=person_id,
            clinician_id=clinician_id,
            name=_name(session, clinician_id),
            kind=consent.STOPPED,
            categories=[],
            now=now,
        )


def stop_all_of(*, session: Session, clinician_id: int, now: datetime) -> None:
    """Before a clinician's account is removed (its links go with it, by cascade): each
    person they shared with keeps when that sharing stopped."""
    people = session.scalars(
        select(CareLinkRow.person_id).where(CareLinkRow.clinician_id == clinician_id)
    )
    for person_id in list(people):
        revoke(session=session, person_id=person_id, clinician_id=clinician_id, now=now)


def _name(session: Session, account_id: int) -> str:
    found = get(session=session, account_id=account_id)
    return "" if found is None else found.display_name


def _event(
    *,
    session: Session,
    person_id: int,
    clinician_id: int,
    name: str,
    kind: str | None,
    categories: list[str],
    now: datetime,
) -> None:
    """One step of the consent trail, in the caller's transaction (None: nothing changed)."""
    if kind is None:
        return
    session.add(
        SharingEventRow(
            person_id=person_id,
            clinician_id=clinician_id,
            clinician_name=name,
            kind=kind,
            categories=sorted(categories),
            at=now,
        )
    )


def _as_event(row: SharingEventRow) -> Event:
    return Event(row.at, row.clinician_name, row.kind, frozenset(row.categories))


def events(
    *,
    session: Session,
    person_id: int,
    limit: int = consent.EVENTS_PAGE,
    before: int | None = None,
) -> list[tuple[int, Event]]:
    """When the person's sharing began, changed and stopped, newest first, a page at a
    time: `before` is the id of the last event of the page before (an id of another
    person's, or of none, starts from the newest). Read by the index on (person_id, at)."""
    query = select(SharingEventRow).where(SharingEventRow.person_id == person_id)
    anchor = None if before is None else session.get(SharingEventRow, before)
    if anchor is not None and anchor.person_id == person_id:
        query = query.where(
            or_(
                SharingEventRow.at < anchor.at,
                and_(SharingEventRow.at == anchor.at, SharingEventRow.id < anchor.id),
            )
        )
    rows = session.scalars(
        query.order_by(SharingEventRow.at.desc(), SharingEventRow.id.desc()).limit(limit)
    )
    return [(r.id, _as_event(r)) for r in rows]


def pending_invites(*, session: Session, person_id: int, now: datetime) -> int:
    found = session.scalar(
        select(func.count())
        .select_from(InviteRow)
        .where(InviteRow.person_id == person_id, InviteRow.expires_at > now)
    )
    return int(found or 0)


def cancel_invites(*, session: Session, person_id: int) -> None:
    session.execute(delete(InviteRow).where(InviteRow.person_id == person_id))


def record_read(
    *, session: Session, link: Link, clinician: Account, category: str, what: str, now: datetime
) -> None:
    session.add(
        AuditRow(
            person_id=link.person_id,
            clinician_id=clinician.id,
            clinician_name=clinician.display_name,
            at=now,
            category=category,
            what=what[:120],
        )
    )


def reads(
    *, session: Session, person_id: int, limit: int = AUDIT_PAGE, before: int | None = None
) -> list[tuple[int, Read]]:
    """The person's audit log, newest first, a page at a time (by id)."""
    query = select(AuditRow).where(AuditRow.person_id == person_id)
    if before is not None:
        query = query.where(AuditRow.id < before)
    rows = session.scalars(query.order_by(AuditRow.id.desc()).limit(limit))
    return [(r.id, Read(r.at, r.clinician_name, r.category, r.what)) for r in rows]


def last_read(*, session: Session, person_id: int, clinician_id: int) -> datetime | None:
    """When this clinician last read anything of this person's (their previous visit)."""
    found = session.scalar(
        select(func.max(AuditRow.at)).where(
            AuditRow.person_id == person_id, AuditRow.clinician_id == clinician_id
        )
    )
    return found if isinstance(found, datetime) else None


def assign(
    *,
    session: Session,
    link: Link,
    clinician: Account,
    kind: str,
    key: str,
    note: str,
    now: datetime,
    offered: dict[str, tuple[str, ...]],
) -> None:
    kind, key, note = consent.check_assignment(kind, key, note, offered)
    session.add(
        AssignmentRow(
            person_id=link.person_id,
            clinician_id=clinician.id,
            clinician_name=clinician.display_name,
            kind=kind,
            key=key,
            note=note,
            status=consent.OPEN,
            created_at=now,
            answered_at=None,
            seen=False,
        )
    )


def assignments(*, session: Session, person_id: int, limit: int = 20) -> list[Assignment]:
    rows = session.scalars(
        select(AssignmentRow)
        .where(AssignmentRow.person_id == person_id)
        .order_by(AssignmentRow.id.desc())
        .limit(limit)
    )
    return [_assignment(r) for r in rows]


def answer(
    *, session: Session, person_id: int, assignment_id: int, answer: str, now: datetime
) -> None:
    consent.check_answer(answer)
    row = session.get(AssignmentRow, assignment_id)
    # Another person's suggestion is "not found", the same as one that does not exist.
    if row is None or row.person_id != person_id:
        raise EarnedError("There is no such suggestion.", status=404)
    row.status = answer
    row.answered_at = now


def _assignment(r: AssignmentRow) -> Assignment:
    return Assignment(
        r.id, r.clinician_name, r.kind, r.key, r.note, r.status, r.created_at, r.answered_at
    )


def record(*, session: Session, person_id: int) -> Record:
    """The person's whole sharing record (their own rows only), oldest first: what their
    data export carries in server mode. The audit log is read whole, as the journal is."""
    links = clinicians_of(session=session, person_id=person_id)
    linked = {link.clinician_id for link, _ in links}
    audit = list(
        session.scalars(
            select(AuditRow).where(AuditRow.person_id == person_id).order_by(AuditRow.id)
        )
    )
    suggested = list(
        session.scalars(
            select(AssignmentRow)
            .where(AssignmentRow.person_id == person_id)
            .order_by(AssignmentRow.id)
        )
    )
    history = list(
        session.scalars(
            select(SharingEventRow)
            .where(SharingEventRow.person_id == person_id)
            .order_by(SharingEventRow.at, SharingEventRow.id)
        )
    )
    # Each clinician's last look or suggestion, by account id (None: account gone) and
    # name; those with no link now are the ones no longer shared with.
    last: dict[tuple[int | None, str], datetime] = {}
    for key, at in [((r.clinician_id, r.clinician_name), r.at) for r in audit] + [
        ((r.clinician_id, r.clinician_name), r.created_at) for r in suggested
    ]:
        last[key] = max(at, last.get(key, at))
    now_shared = [
        Shared(
            clinician=account.display_name,
            sharing_now=True,
            categories=link.categories,
            since=link.since,
            last_at=max(
                (at for (who, _), at in last.items() if who == link.clinician_id), default=None
            ),
        )
        for link, account in links
    ]
    stopped = [
        Shared(clinician=name, sharing_now=False, categories=frozenset(), since=None, last_at=at)
        for (who, name), at in sorted(last.items(), key=lambda kv: (kv[1], kv[0][1]))
        if who not in linked
    ]
    # Stopped before any look or suggestion: known by the history alone.
    seen = set(last)
    for r in history:
        key = (r.clinician_id, r.clinician_name)
        if r.clinician_id not in linked and key not in seen:
            seen.add(key)
            stopped.append(Shared(r.clinician_name, False, frozenset(), None, None))
    invites = session.scalars(
        select(InviteRow).where(InviteRow.person_id == person_id).order_by(InviteRow.created_at)
    )
    return Record(
        clinicians=now_shared + stopped,
        reads=[Read(r.at, r.clinician_name, r.category, r.what) for r in audit],
        suggestions=[_assignment(r) for r in suggested],
        invites=[Invite(frozenset(r.categories), r.created_at, r.expires_at) for r in invites],
        events=[_as_event(r) for r in history],
    )
