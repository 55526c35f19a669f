"""Reading and writing session-prep notes, and gathering what a person may pick to bring.

Persistence only: the limits, the picked list's shape and the candidates' window are
earned.session_prep's. Candidates are gathered kind by kind (GATHERERS); a new kind of
record to bring is one more function of (session, since, now, zone) -> candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import session_prep as rules
from earned.session_prep import Candidate, Note, Picked, Summary
from earned.store import activations, keyset, ladder
from earned.store.ids import existing, new_id
from earned.store.models import SessionNoteRow
from earned.store.once import add_once, earlier
from earned.tokens import check_token

Gatherer = Callable[[Session, datetime, datetime, tzinfo], list[Candidate]]


def note_of(row: SessionNoteRow) -> Note:
    return Note(
        id=row.id,
        session_at=row.session_at,
        since_last=row.since_last,
        to_bring=row.to_bring,
        picked=rules.picked_of(row.picked),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def add_note(
    *,
    session: Session,
    now: datetime,
    since_last: str | None,
    to_bring: str | None,
    picked: Sequence[Picked],
    session_at: datetime | None = None,
    client_token: str | None = None,
) -> Note:
    """A new note, checked whole before anything is written; a repeat of the same client
    token returns the first note unchanged."""
    token = check_token(client_token)
    first = earlier(session, SessionNoteRow, token)
    if first is not None:
        return note_of(first)
    since, bring, items = rules.check_note(since_last=since_last, to_bring=to_bring, picked=picked)
    row = SessionNoteRow(
        id=new_id(),
        client_token=token,
        session_at=rules.check_session_at(session_at),
        since_last=since,
        to_bring=bring,
        picked=[p.stored() for p in items],
        created_at=now,
        updated_at=now,
    )
    return note_of(add_once(session, row))


def _row(session: Session, note_id: str) -> SessionNoteRow:
    return existing(session, SessionNoteRow, note_id, "session note")


def get_note(*, session: Session, note_id: str) -> Note:
    return note_of(_row(session, note_id))


def update_note(
    *,
    session: Session,
    note_id: str,
    now: datetime,
    since_last: str | None,
    to_bring: str | None,
    picked: Sequence[Picked],
    session_at: datetime | None,
) -> Note:
    row = _row(session, note_id)
    since, bring, items = rules.check_note(since_last=since_last, to_bring=to_bring, picked=picked)
    row.session_at = rules.check_session_at(session_at)
    row.since_last = since
    row.to_bring = bring
    row.picked = [p.stored() for p in items]
    row.updated_at = now
    session.flush()
    return note_of(row)


def delete_note(*, session: Session, note_id: str) -> None:
    session.delete(_row(session, note_id))
    session.flush()


def notes_page(
    *,
    session: Session,
    before: tuple[datetime, str] | None = None,
    limit: int = rules.PAGE,
) -> tuple[list[Note], bool]:
    """Notes newest first (by when they were written), `limit` at a time, and whether there
    are older ones; `before` is the (created_at, id) of the last note of the page before."""
    rows, more = keyset.newest_first(
        session, select(SessionNoteRow), SessionNoteRow.created_at, SessionNoteRow.id, before, limit
    )
    return [note_of(r) for r in rows], more


def last_note_at(*, session: Session) -> datetime | None:
    """When the newest note was written (one indexed read)."""
    return session.scalar(select(func.max(SessionNoteRow.created_at)))


def summary(*, session: Session, now: datetime, zone: tzinfo) -> Summary:
    """For the roadmap home: the last note's time, and the notes written this week (from
    Monday on the person's clock). Two indexed reads, whatever the history."""
    start = rules.week_start(now, zone)
    this_week = session.scalar(
        select(func.count()).select_from(SessionNoteRow).where(SessionNoteRow.created_at >= start)
    )
    return Summary(last_at=last_note_at(session=session), this_week=int(this_week or 0))


# --- candidates ---------------------------------------------------------------------------------


def _activations(session: Session, since: datetime, now: datetime, zone: tzinfo) -> list[Candidate]:
    found = activations.list_activations(session=session, since=since, limit=rules.MOST_ACTIVATIONS)
    return rules.activation_candidates((a for a in found if a.onset_at <= now), zone)


def _patterns(session: Session, since: datetime, now: datetime, zone: tzinfo) -> list[Candidate]:
    # Recurring patterns are counted over a longer stretch than the window: a pattern is
    # what keeps coming back, and a fortnight may hold it only once.
    recurring = activations.recurring_patterns(
        session=session, now=now, since=min(since, now - rules.PATTERN_WINDOW)
    )
    return rules.pattern_candidates(recurring)


def _ladder_attempts(
    session: Session, since: datetime, now: datetime, zone: tzinfo
) -> list[Candidate]:
    found = ladder.recent_attempts(session=session, since=since, now=now, limit=rules.MOST_ATTEMPTS)
    return rules.attempt_candidates(found, zone)


# Each kind's gatherer, in the order a page offers them.
GATHERERS: dict[str, Gatherer] = {
    "activation": _activations,
    "pattern": _patterns,
    "ladder_attempt": _ladder_attempts,
}


def candidates(
    *, session: Session, since: datetime, now: datetime, zone: tzinfo
) -> dict[str, list[Candidate]]:
    """What may be picked, by kind: each gatherer's candidates from `since` to `now`."""
    return {kind: gather(session, since, now, zone) for kind, gather in GATHERERS.items()}
