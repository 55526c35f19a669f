"""Reading and writing activations (in-the-moment captures and their episode timing).
Keyword-only functions over a Session, returning domain objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import episodes, patterns
from earned.episodes import Activation, Pattern
from earned.store.models import ActivationRow
from earned.store.once import add_once
from earned.store.repo import new_id, not_found
from earned.tokens import check_token


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
    token = check_token(client_token)
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
    return activation_of(add_once(session, row))


def activation_row(session: Session, activation_id: str) -> ActivationRow:
    row = session.get(ActivationRow, activation_id)
    if row is None:
        raise not_found("activation")
    return row


def get_activation(*, session: Session, activation_id: str) -> Activation:
    return activation_of(activation_row(session, activation_id))


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
    row = activation_row(session, activation_id)
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
    row = activation_row(session, activation_id)
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
    row = activation_row(session, activation_id)
    episodes.check_times(onset=row.onset_at, now=now, peak=row.peak_at, settled=at)
    row.settled_at = at
    row.updated_at = now
    session.flush()
    return activation_of(row)


def delete_activation(*, session: Session, activation_id: str) -> None:
    session.delete(activation_row(session, activation_id))
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
