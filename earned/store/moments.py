"""Reading and writing in-the-moment records: activations, urge-delay timers, practices,
self-soothing tools. Keyword-only functions over a Session, returning domain objects.

Writes that a person may submit twice (a double tap, a retried request) take a
`client_token`; a second call with the same token returns the first record unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earned import episodes, patterns, regulation, urges
from earned.episodes import Activation, Pattern
from earned.errors import EarnedError
from earned.store.models import ActivationRow, PracticeRow, ToolRow, ToolUseRow, UrgeDelayRow
from earned.store.repo import new_id, not_found
from earned.urges import UrgeDelay

MAX_TOKEN = 64


def _token(token: str | None) -> str | None:
    if token is None or token == "":
        return None
    if len(token) > MAX_TOKEN:
        raise EarnedError("That form was malformed; please reload the page.")
    return token


Tokened = TypeVar("Tokened", ActivationRow, UrgeDelayRow, PracticeRow, ToolUseRow)


def _add_once(session: Session, row: Tokened) -> Tokened:
    """Insert `row`; if another transaction committed the same client token meanwhile (two
    tabs, or a retried request, submitting at once), return that record instead.

    The look-up before the insert catches a repeat that has already been committed; this
    catches one still in flight: on PostgreSQL the second insert waits for the first
    transaction and then fails on the unique token. (SQLite's writers queue at BEGIN, so
    there the look-up already sees the first.) A savepoint keeps the caller's transaction
    usable after that failure.
    """
    if row.client_token is None:
        session.add(row)
        session.flush()
        return row
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        model = type(row)
        first = session.scalars(select(model).where(model.client_token == row.client_token))
        existing = first.first()
        if existing is None:
            raise
        return existing
    return row


def _pattern(raw: dict[str, str] | None) -> Pattern | None:
    if not raw:
        return None
    return Pattern(**{k: raw.get(k, "") for k in Pattern.__dataclass_fields__})


def activation_of(row: ActivationRow) -> Activation:
    return Activation(
        id=row.id,
        onset_at=row.onset_at,
        intensity=row.intensity,
        trigger=row.trigger,
        tags=list(row.tags or []),
        body=list(row.body or []),
        emotions=list(row.emotions or []),
        urge=row.urge,
        action=row.action,
        person=row.person,
        named_in_moment=row.named_in_moment,
        pattern=_pattern(row.pattern),
        peak_at=row.peak_at,
        peak_intensity=row.peak_intensity,
        settled_at=row.settled_at,
    )


# --- activations ---------------------------------------------------------------------------


def log_activation(
    *,
    session: Session,
    intensity: Any,
    now: datetime,
    onset: datetime | None = None,
    trigger: str | None = None,
    emotions: list[str] | None = None,
    urge: str | None = None,
    tags: list[str] | None = None,
    client_token: str | None = None,
) -> Activation:
    """The quick capture: intensity is all that is needed; the rest may come later."""
    token = _token(client_token)
    if token is not None:
        existing = session.scalars(
            select(ActivationRow).where(ActivationRow.client_token == token)
        ).first()
        if existing is not None:
            return activation_of(existing)
    c = episodes.check_capture(
        intensity=intensity,
        now=now,
        onset=onset,
        trigger=trigger,
        emotions=emotions,
        urge=urge,
        tags=tags,
    )
    row = ActivationRow(
        id=new_id(),
        client_token=token,
        onset_at=c.onset_at,
        intensity=c.intensity,
        trigger=c.trigger,
        tags=c.tags,
        body=[],
        emotions=c.emotions,
        urge=c.urge,
        action=None,
        person=None,
        named_in_moment=None,
        pattern=None,
        created_at=now,
        updated_at=now,
    )
    return activation_of(_add_once(session, row))


def _activation_row(session: Session, activation_id: str) -> ActivationRow:
    row = session.get(ActivationRow, activation_id)
    if row is None:
        raise not_found("activation")
    return row


def get_activation(*, session: Session, activation_id: str) -> Activation:
    return activation_of(_activation_row(session, activation_id))


def update_details(
    *,
    session: Session,
    activation_id: str,
    now: datetime,
    onset: datetime | None = None,
    intensity: Any = None,
    trigger: str | None = None,
    tags: list[str] | None = None,
    body: list[str] | None = None,
    emotions: list[str] | None = None,
    urge: str | None = None,
    action: str | None = None,
    person: str | None = None,
    named_in_moment: bool | None = None,
    pattern: Pattern | None = None,
) -> Activation:
    """Add or change the optional details; arguments left as None keep their value.

    Every value is checked before any is changed, so a refused edit leaves the record as it
    was even if the caller's transaction goes on.
    """
    row = _activation_row(session, activation_id)
    new_onset = onset or row.onset_at
    episodes.check_times(onset=new_onset, now=now, peak=row.peak_at, settled=row.settled_at)
    changes: dict[str, Any] = {"onset_at": new_onset, "updated_at": now}
    if intensity is not None:
        changes["intensity"] = episodes.check_intensity(intensity)
    if trigger is not None:
        changes["trigger"] = episodes.check_text(trigger, "trigger")
    if tags is not None:
        changes["tags"] = episodes.check_list(tags, "tags")
    if body is not None:
        changes["body"] = episodes.check_list(body, "body areas", episodes.BODY_KEYS)
    if emotions is not None:
        changes["emotions"] = episodes.check_list(emotions, "emotion words")
    if urge is not None:
        changes["urge"] = episodes.check_text(urge, "urge")
    if action is not None:
        changes["action"] = episodes.check_text(action, "note on what you did")
    if person is not None:
        changes["person"] = episodes.check_text(person, "name", 120)
    if named_in_moment is not None:
        changes["named_in_moment"] = named_in_moment
    if pattern is not None:
        parts = {
            k: episodes.check_text(getattr(pattern, k), "pattern sentence", 200) or ""
            for k in Pattern.__dataclass_fields__
        }
        changes["pattern"] = parts if any(parts.values()) else None
    for column, value in changes.items():
        setattr(row, column, value)
    session.flush()
    return activation_of(row)


def mark_peak(
    *, session: Session, activation_id: str, at: datetime, now: datetime, intensity: Any = None
) -> Activation:
    row = _activation_row(session, activation_id)
    episodes.check_times(onset=row.onset_at, now=now, peak=at, settled=row.settled_at)
    # Checked before anything changes: a refused peak leaves the record as it was.
    peak_intensity = (
        row.peak_intensity if intensity is None else episodes.check_intensity(intensity)
    )
    row.peak_at = at
    row.peak_intensity = peak_intensity
    row.updated_at = now
    session.flush()
    return activation_of(row)


def mark_settled(
    *, session: Session, activation_id: str, at: datetime, now: datetime
) -> Activation:
    row = _activation_row(session, activation_id)
    episodes.check_times(onset=row.onset_at, now=now, peak=row.peak_at, settled=at)
    row.settled_at = at
    row.updated_at = now
    session.flush()
    return activation_of(row)


def delete_activation(*, session: Session, activation_id: str) -> None:
    session.delete(_activation_row(session, activation_id))
    session.flush()


def list_activations(
    *, session: Session, since: datetime | None = None, open_only: bool = False
) -> list[Activation]:
    """Newest first."""
    query = select(ActivationRow).order_by(ActivationRow.onset_at.desc())
    if since is not None:
        query = query.where(ActivationRow.onset_at >= since)
    if open_only:
        query = query.where(ActivationRow.settled_at.is_(None))
    return [activation_of(r) for r in session.scalars(query)]


def recurring_patterns(*, session: Session, now: datetime) -> list[patterns.Recurring]:
    return patterns.recurring(list_activations(session=session), now=now)


# --- urge-delay timers -----------------------------------------------------------------------


def _urge_of(row: UrgeDelayRow) -> UrgeDelay:
    return UrgeDelay(row.id, row.urge, row.started_at, row.ended_at, row.outcome, row.activation_id)


def start_urge(
    *,
    session: Session,
    urge: str,
    now: datetime,
    activation_id: str | None = None,
    client_token: str | None = None,
) -> UrgeDelay:
    token = _token(client_token)
    if token is not None:
        existing = session.scalars(
            select(UrgeDelayRow).where(UrgeDelayRow.client_token == token)
        ).first()
        if existing is not None:
            return _urge_of(existing)
    text = episodes.check_text(urge, "urge")
    if not text:
        raise EarnedError("What is the urge? A few words are enough, e.g. 'text them again'.")
    if activation_id is not None:
        _activation_row(session, activation_id)
    row = UrgeDelayRow(
        id=new_id(), client_token=token, urge=text, started_at=now, activation_id=activation_id
    )
    return _urge_of(_add_once(session, row))


def _urge_row(session: Session, urge_id: str) -> UrgeDelayRow:
    row = session.get(UrgeDelayRow, urge_id)
    if row is None:
        raise not_found("urge timer")
    return row


def get_urge(*, session: Session, urge_id: str) -> UrgeDelay:
    return _urge_of(_urge_row(session, urge_id))


def end_urge(*, session: Session, urge_id: str, outcome: str, now: datetime) -> UrgeDelay:
    """Stop the timer. Ending an already-ended timer returns it unchanged (double tap)."""
    row = _urge_row(session, urge_id)
    if row.ended_at is not None:
        return _urge_of(row)
    row.outcome = urges.check_outcome(outcome)
    row.ended_at = max(now, row.started_at)
    session.flush()
    return _urge_of(row)


def list_urges(*, session: Session, running_only: bool = False) -> list[UrgeDelay]:
    query = select(UrgeDelayRow).order_by(UrgeDelayRow.started_at.desc())
    if running_only:
        query = query.where(UrgeDelayRow.ended_at.is_(None))
    return [_urge_of(r) for r in session.scalars(query)]


# --- practices ---------------------------------------------------------------------------------


def log_practice(
    *,
    session: Session,
    kind: str,
    seconds: int,
    now: datetime,
    note: str | None = None,
    client_token: str | None = None,
) -> str:
    token = _token(client_token)
    if token is not None:
        existing = session.scalars(
            select(PracticeRow).where(PracticeRow.client_token == token)
        ).first()
        if existing is not None:
            return existing.id
    regulation.check_practice(kind, seconds)
    row = PracticeRow(
        id=new_id(),
        client_token=token,
        kind=kind,
        started_at=now,
        seconds=seconds,
        note=episodes.check_text(note, "note", 2000),
    )
    return _add_once(session, row).id


def practice_times(
    *, session: Session, since: datetime | None = None
) -> list[tuple[str, datetime, int]]:
    """(kind, when, seconds) of each practice, newest first."""
    query = select(PracticeRow).order_by(PracticeRow.started_at.desc())
    if since is not None:
        query = query.where(PracticeRow.started_at >= since)
    return [(r.kind, r.started_at, r.seconds) for r in session.scalars(query)]


# --- self-soothing toolkit ---------------------------------------------------------------------


def add_tool(*, session: Session, name: str, now: datetime) -> str:
    text = episodes.check_text(name, "tool name", 120)
    if not text:
        raise EarnedError("Give the tool a short name, e.g. 'cold water on my wrists'.")
    for row in session.scalars(select(ToolRow).where(ToolRow.archived.is_(False))):
        if row.name.lower() == text.lower():
            return row.id
    row = ToolRow(id=new_id(), name=text, created_at=now, archived=False)
    session.add(row)
    session.flush()
    return row.id


def archive_tool(*, session: Session, tool_id: str) -> None:
    row = session.get(ToolRow, tool_id)
    if row is None:
        raise not_found("tool")
    row.archived = True
    session.flush()


def record_tool_use(
    *,
    session: Session,
    tool_id: str,
    before: Any,
    after: Any,
    now: datetime,
    client_token: str | None = None,
) -> None:
    token = _token(client_token)
    if (
        token is not None
        and session.scalars(select(ToolUseRow).where(ToolUseRow.client_token == token)).first()
    ):
        return
    if session.get(ToolRow, tool_id) is None:
        raise not_found("tool")
    row = ToolUseRow(
        id=new_id(),
        client_token=token,
        tool_id=tool_id,
        used_at=now,
        before=episodes.check_intensity(before),
        after=episodes.check_intensity(after),
    )
    _add_once(session, row)


def toolkit(*, session: Session) -> list[regulation.ToolRank]:
    tools = {
        r.id: r.name for r in session.scalars(select(ToolRow).where(ToolRow.archived.is_(False)))
    }
    uses = [
        regulation.ToolUse(u.tool_id, u.before, u.after, u.used_at)
        for u in session.scalars(select(ToolUseRow))
    ]
    return regulation.rank_tools(tools, uses)
