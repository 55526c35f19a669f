"""Reading and writing core beliefs and their ratings.

Persistence only: limits, strengths and the re-rating schedule are earned.beliefs's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import beliefs as rules
from earned import origin_links
from earned.errors import EarnedError
from earned.store.ids import existing, new_id
from earned.store.models import BeliefRatingRow, BeliefRow, EntryRow
from earned.store.once import add_once, earlier
from earned.tokens import check_token


def _belief(row: BeliefRow) -> rules.Belief:
    return rules.Belief(
        id=row.id,
        belief=row.belief,
        origin=row.origin,
        origin_entry_id=row.origin_entry_id,
        evidence_for=row.evidence_for,
        evidence_against=row.evidence_against,
        alternative=row.alternative,
        rerate_days=row.rerate_days,
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived=row.archived,
    )


def _rating(row: BeliefRatingRow) -> rules.Rating:
    return rules.Rating(
        id=row.id,
        belief_id=row.belief_id,
        rated_at=row.rated_at,
        strength=row.strength,
        alternative_strength=row.alternative_strength,
        note=row.note,
    )


def _row(session: Session, belief_id: str) -> BeliefRow:
    return existing(session, BeliefRow, belief_id, "belief")


def _check_origin_entry(session: Session, entry_id: str | None) -> None:
    if entry_id is None:
        return
    entry = session.get(EntryRow, entry_id)
    if entry is None or entry.kind != origin_links.ORIGIN_KIND:
        raise EarnedError(
            "That origin-story entry is not in your journal (it may have been deleted); "
            "choose another or none."
        )


def _apply(row: BeliefRow, details: rules.Details) -> None:
    row.belief = details.belief
    row.origin = details.origin
    row.origin_entry_id = details.origin_entry_id
    row.evidence_for = details.evidence_for
    row.evidence_against = details.evidence_against
    row.alternative = details.alternative
    row.rerate_days = details.rerate_days


def add_belief(
    *,
    session: Session,
    details: rules.Details,
    strength: object,
    alternative_strength: object = None,
    now: datetime,
    client_token: str | None = None,
) -> rules.Belief:
    """A new belief with its first rating. The repeat-guard token goes on that rating, so
    a double submit returns the belief the first one made."""
    token = check_token(client_token)
    first = earlier(session, BeliefRatingRow, token)
    if first is not None:
        return _belief(_row(session, first.belief_id))
    rated, alternative, _note = rules.check_rating(strength, alternative_strength)
    _check_origin_entry(session, details.origin_entry_id)
    row = BeliefRow(id=new_id(), created_at=now, updated_at=now, archived=False)
    _apply(row, details)
    session.add(row)
    session.flush()
    rating = BeliefRatingRow(
        id=new_id(),
        client_token=token,
        belief_id=row.id,
        rated_at=now,
        strength=rated,
        alternative_strength=alternative,
    )
    kept = add_once(session, rating)
    if kept is not rating:  # the same token committed meanwhile: keep only that belief
        session.delete(row)
        session.flush()
        return _belief(_row(session, kept.belief_id))
    return _belief(row)


def update_belief(
    *, session: Session, belief_id: str, details: rules.Details, now: datetime
) -> rules.Belief:
    row = _row(session, belief_id)
    _check_origin_entry(session, details.origin_entry_id)
    _apply(row, details)
    row.updated_at = now
    session.flush()
    return _belief(row)


def set_archived(*, session: Session, belief_id: str, archived: bool, now: datetime) -> None:
    """Put a belief away (off the list and the re-rating schedule), or bring it back."""
    row = _row(session, belief_id)
    if row.archived != archived:
        row.archived = archived
        row.updated_at = now
        session.flush()


def rate(
    *,
    session: Session,
    belief_id: str,
    strength: object,
    alternative_strength: object = None,
    note: str | None = None,
    now: datetime,
    client_token: str | None = None,
) -> rules.Rating:
    """A re-rating of the belief; a repeat with the same token returns the first."""
    token = check_token(client_token)
    first = earlier(session, BeliefRatingRow, token)
    if first is not None:
        return _rating(first)
    _row(session, belief_id)
    rated, alternative, text = rules.check_rating(strength, alternative_strength, note)
    row = BeliefRatingRow(
        id=new_id(),
        client_token=token,
        belief_id=belief_id,
        rated_at=now,
        strength=rated,
        alternative_strength=alternative,
        note=text,
    )
    return _rating(add_once(session, row))


def get_belief(*, session: Session, belief_id: str) -> rules.Belief:
    return _belief(_row(session, belief_id))


def find(*, session: Session, prefix: str) -> rules.Belief:
    """The belief whose id starts with `prefix` (as the CLI takes it)."""
    from earned.store.quick import check_prefix

    start = check_prefix(prefix)
    rows = list(
        session.scalars(
            select(BeliefRow)
            .where(BeliefRow.id >= start, BeliefRow.id < start + "g")
            .order_by(BeliefRow.id)
            .limit(2)
        )
    )
    if not rows:
        raise EarnedError(f"No belief has an id starting with {start}; `earned belief` lists them.")
    if len(rows) > 1:
        raise EarnedError(
            f"More than one belief has an id starting with {start}; please type a few more "
            "characters of it."
        )
    return _belief(rows[0])


def ratings(
    *, session: Session, belief_id: str, most: int = rules.RATINGS_SHOWN
) -> list[rules.Rating]:
    """The belief's newest `most` ratings, oldest first, with its very first rating ahead
    of them if it is older (so "since the first rating" stays true on a long history)."""
    newest = list(
        session.scalars(
            select(BeliefRatingRow)
            .where(BeliefRatingRow.belief_id == belief_id)
            .order_by(BeliefRatingRow.rated_at.desc(), BeliefRatingRow.id.desc())
            .limit(most)
        )
    )
    newest.reverse()
    if len(newest) == most:
        first = session.scalars(
            select(BeliefRatingRow)
            .where(BeliefRatingRow.belief_id == belief_id)
            .order_by(BeliefRatingRow.rated_at, BeliefRatingRow.id)
            .limit(1)
        ).first()
        if first is not None and first.id != newest[0].id:
            newest.insert(0, first)
    return [_rating(r) for r in newest]


@dataclass(frozen=True)
class Listed:
    """A belief on the list: its latest rating (None before one) and whether a re-rating
    is due by the person's own schedule."""

    belief: rules.Belief
    latest: rules.Rating | None
    due: bool


def _latest(session: Session, belief_ids: list[str]) -> dict[str, rules.Rating]:
    """The newest rating of each of these beliefs, in one query."""
    if not belief_ids:
        return {}
    last = (
        select(BeliefRatingRow.belief_id, func.max(BeliefRatingRow.rated_at).label("at"))
        .where(BeliefRatingRow.belief_id.in_(belief_ids))
        .group_by(BeliefRatingRow.belief_id)
        .subquery()
    )
    rows = session.scalars(
        select(BeliefRatingRow)
        .join(
            last,
            (BeliefRatingRow.belief_id == last.c.belief_id)
            & (BeliefRatingRow.rated_at == last.c.at),
        )
        .order_by(BeliefRatingRow.id)
    )
    return {r.belief_id: _rating(r) for r in rows}


def list_beliefs(
    *, session: Session, now: datetime, archived: bool = False, most: int = rules.PAGE
) -> tuple[list[Listed], bool]:
    """Beliefs (active, or those put away), most recently changed first, `most` at a time,
    each with its latest rating; and whether there are more."""
    rows = list(
        session.scalars(
            select(BeliefRow)
            .where(BeliefRow.archived.is_(archived))
            .order_by(BeliefRow.updated_at.desc(), BeliefRow.id.desc())
            .limit(most + 1)
        )
    )
    shown = [_belief(r) for r in rows[:most]]
    latest = _latest(session, [b.id for b in shown])

    def listed(b: rules.Belief) -> Listed:
        last = latest.get(b.id)
        due = rules.is_due(b, last.rated_at if last else None, now=now)
        return Listed(b, last, due)

    return [listed(b) for b in shown], len(rows) > most


def active_words(*, session: Session) -> dict[str, str]:
    """{id: belief} of every belief not put away (what a passage can be linked to)."""
    rows = session.execute(
        select(BeliefRow.id, BeliefRow.belief)
        .where(BeliefRow.archived.is_(False))
        .order_by(BeliefRow.created_at, BeliefRow.id)
    )
    return {belief_id: text for belief_id, text in rows}


def words_of(*, session: Session, belief_ids: list[str]) -> dict[str, str]:
    """{id: belief} of these beliefs, put away or not."""
    if not belief_ids:
        return {}
    rows = session.execute(
        select(BeliefRow.id, BeliefRow.belief).where(BeliefRow.id.in_(belief_ids))
    )
    return {belief_id: text for belief_id, text in rows}


# --- for the roadmap home ------------------------------------------------------------------


def rerating_due(*, session: Session, now: datetime) -> list[rules.Due]:
    """Beliefs whose re-rating is due by the person's own schedule, the one waiting longest
    first (earned.beliefs.rerating_due): an invitation, with no count of days late."""
    rows = [
        _belief(r)
        for r in session.scalars(
            select(BeliefRow)
            .where(BeliefRow.archived.is_(False))
            .where(BeliefRow.rerate_days.is_not(None))
        )
    ]
    latest = _latest(session, [b.id for b in rows])
    return rules.rerating_due(
        ((b, latest[b.id].rated_at if b.id in latest else None) for b in rows), now=now
    )


def ratings_this_week(*, session: Session, now: datetime, zone: tzinfo) -> int:
    """How many ratings (any belief) were made since Monday began in `zone`."""
    since = rules.week_began(now, zone)
    count = session.scalar(
        select(func.count()).select_from(BeliefRatingRow).where(BeliefRatingRow.rated_at >= since)
    )
    return int(count or 0)


# --- origin-story entries a belief may name --------------------------------------------------


@dataclass(frozen=True)
class OriginChoice:
    id: str
    created_at: datetime
    opening: str  # the entry's first words, to recognise it by


OPENING = 60  # characters of an entry shown to choose it by
ORIGIN_CHOICES = 50  # the newest origin-story entries offered


def origin_choices(
    *, session: Session, also: str | None = None, most: int = ORIGIN_CHOICES
) -> list[OriginChoice]:
    """The newest origin-story entries to choose a belief's origin from (and `also`, the
    one it names now, if older)."""
    rows = list(
        session.scalars(
            select(EntryRow)
            .where(EntryRow.kind == origin_links.ORIGIN_KIND)
            .order_by(EntryRow.created_at.desc(), EntryRow.id.desc())
            .limit(most)
        )
    )
    if also is not None and all(r.id != also for r in rows):
        named = session.get(EntryRow, also)
        if named is not None:
            rows.append(named)

    def opening(body: str) -> str:
        flat = " ".join(body.split())
        return flat if len(flat) <= OPENING else flat[: OPENING - 1] + "…"

    return [OriginChoice(r.id, r.created_at, opening(r.body)) for r in rows]


# --- for calendar reminders (earned.reminders) -----------------------------------------------


def scheduled(*, session: Session, most: int = 200) -> list[tuple[rules.Belief, datetime | None]]:
    """Beliefs not put away that have a re-rating schedule, the oldest first, `most` at
    most, each with when it was last rated (None if never)."""
    rows = [
        _belief(r)
        for r in session.scalars(
            select(BeliefRow)
            .where(BeliefRow.archived.is_(False))
            .where(BeliefRow.rerate_days.is_not(None))
            .order_by(BeliefRow.created_at, BeliefRow.id)
            .limit(most)
        )
    ]
    latest = _latest(session, [b.id for b in rows])
    return [(b, latest[b.id].rated_at if b.id in latest else None) for b in rows]
