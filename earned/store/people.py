"""Reading and writing the people ledger: people, their ratings, ruptures and repairs, and
the interactions (moments and ruptures linked to a person) the weekly share is made of.

Persistence only: names, roles, the rating scale, what a rupture needs and who counts as
consistently available are earned.people's rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import delete, func, select, union_all, update
from sqlalchemy.orm import Session

from earned import people as rules
from earned.errors import EarnedError
from earned.people import Interaction, Person, Rating, Rupture
from earned.store import keyset
from earned.store.ids import existing, new_id
from earned.store.models import (
    ActivationRow,
    AssessmentRow,
    LadderAttemptRow,
    PersonRatingRow,
    PersonRow,
    RuptureRow,
)
from earned.store.once import add_once, earlier
from earned.tokens import check_token


def person_of(row: PersonRow) -> Person:
    return Person(row.id, row.name, row.role, row.note, row.created_at, row.archived)


def rating_of(row: PersonRatingRow) -> Rating:
    return Rating(
        row.person_id,
        row.rated_at,
        row.consistency,
        row.availability,
        row.safety,
        row.note,
        row.id,
    )


def rupture_of(row: RuptureRow) -> Rupture:
    return Rupture(
        row.id,
        row.person_id,
        row.person_name,
        row.happened_at,
        row.what,
        row.reached_out,
        row.repaired_at,
        row.outcome,
        row.created_at,
        row.updated_at,
    )


# --- people ------------------------------------------------------------------------------------


def _active(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(PersonRow.id, PersonRow.name).where(PersonRow.archived.is_(False))
    )
    return {person_id: name for person_id, name in rows}


def _row(session: Session, person_id: str) -> PersonRow:
    return existing(session, PersonRow, person_id, "person")


def add_person(
    *, session: Session, name: str | None, role: str | None, now: datetime, note: str | None = None
) -> Person:
    """The new person; someone of the same name already in the ledger is returned instead
    (a repeat). Every value is checked before anything is written."""
    text = rules.check_person_name(name)
    kind = rules.check_role(role)
    about = rules.check_note(note)
    same = rules.same_person(text, _active(session))
    if same is not None:
        return person_of(_row(session, same))
    row = PersonRow(id=new_id(), name=text, role=kind, note=about, created_at=now, archived=False)
    session.add(row)
    session.flush()
    return person_of(row)


def edit_person(
    *, session: Session, person_id: str, name: str | None, role: str | None, note: str | None
) -> Person:
    """Change a person's name, role and note, all checked first. Records that name them
    keep the name they were written with."""
    row = _row(session, person_id)
    text = rules.check_person_name(name)
    kind = rules.check_role(role)
    about = rules.check_note(note)
    same = rules.same_person(text, {k: v for k, v in _active(session).items() if k != person_id})
    if same is not None:
        raise EarnedError(f"Someone called {text!r} is already in your ledger.")
    row.name, row.role, row.note = text, kind, about
    session.flush()
    return person_of(row)


def remove_person(*, session: Session, person_id: str) -> Person:
    """Delete a person and their ratings. Ruptures, moments and questionnaires about them
    stay, with the name they were written with (their link becomes empty)."""
    row = _row(session, person_id)
    gone = person_of(row)
    # The database empties the links (ON DELETE SET NULL); done here as well, so rows
    # already loaded in this session agree and SQLite files opened without the foreign-key
    # pragma keep no dangling id.
    session.execute(
        update(RuptureRow).where(RuptureRow.person_id == person_id).values(person_id=None)
    )
    session.execute(
        update(ActivationRow).where(ActivationRow.person_id == person_id).values(person_id=None)
    )
    session.execute(
        update(AssessmentRow).where(AssessmentRow.person_id == person_id).values(person_id=None)
    )
    session.execute(delete(PersonRatingRow).where(PersonRatingRow.person_id == person_id))
    session.delete(row)
    session.flush()
    session.expire_all()
    return gone


def get_person(*, session: Session, person_id: str) -> Person:
    return person_of(_row(session, person_id))


def list_people(*, session: Session) -> list[Person]:
    """Everyone in the ledger, by name."""
    rows = session.scalars(
        select(PersonRow)
        .where(PersonRow.archived.is_(False))
        .order_by(func.lower(PersonRow.name), PersonRow.id)
    )
    return [person_of(r) for r in rows]


def find_person(*, session: Session, name: str) -> Person:
    """The person in the ledger with this name (case aside), or with a name beginning so
    when only one does; a calm refusal otherwise."""
    wanted = (name or "").strip().lower()
    everyone = list_people(session=session)
    exact = [p for p in everyone if p.name.lower() == wanted]
    if exact:
        return exact[0]
    starting = [p for p in everyone if wanted and p.name.lower().startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    if not starting:
        raise EarnedError(f"No one called {name!r} is in your ledger.", exit_code=1, status=404)
    names = ", ".join(p.name for p in starting)
    raise EarnedError(f"{name!r} could be any of: {names}. Please give more of the name.")


# --- ratings -----------------------------------------------------------------------------------


def rate_person(
    *,
    session: Session,
    person_id: str,
    consistency: Any,
    availability: Any,
    safety: Any,
    now: datetime,
    note: str | None = None,
    client_token: str | None = None,
) -> Rating:
    token = check_token(client_token)
    first = earlier(session, PersonRatingRow, token)
    if first is not None:
        return rating_of(first)
    _row(session, person_id)
    c, a, s = rules.check_scores(consistency, availability, safety)
    about = rules.check_note(note)
    row = PersonRatingRow(
        id=new_id(),
        client_token=token,
        person_id=person_id,
        rated_at=now,
        consistency=c,
        availability=a,
        safety=s,
        note=about,
    )
    return rating_of(add_once(session, row))


def ratings_of(*, session: Session, person_id: str, limit: int | None = None) -> list[Rating]:
    """A person's ratings, oldest first; with `limit`, only the latest that many."""
    query = (
        select(PersonRatingRow)
        .where(PersonRatingRow.person_id == person_id)
        .order_by(PersonRatingRow.rated_at.desc(), PersonRatingRow.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [rating_of(r) for r in reversed(list(session.scalars(query)))]


def standings(*, session: Session, people: list[Person]) -> dict[str, rules.Standing | None]:
    """Each person's standing, from their latest few ratings (one small query each)."""
    return {
        p.id: rules.standing(
            ratings_of(session=session, person_id=p.id, limit=rules.RECENT_RATINGS)
        )
        for p in people
    }


def ratings_by_person(
    *, session: Session, person_ids: set[str] | None = None
) -> dict[str, list[Rating]]:
    """Ratings, oldest first, per person (only `person_ids` when given)."""
    query = select(PersonRatingRow).order_by(PersonRatingRow.rated_at, PersonRatingRow.id)
    if person_ids is not None:
        if not person_ids:
            return {}
        query = query.where(PersonRatingRow.person_id.in_(sorted(person_ids)))
    out: dict[str, list[Rating]] = {}
    for row in session.scalars(query):
        out.setdefault(row.person_id, []).append(rating_of(row))
    return out


def ratings_since(*, session: Session, since: datetime) -> list[Rating]:
    rows = session.scalars(
        select(PersonRatingRow)
        .where(PersonRatingRow.rated_at >= since)
        .order_by(PersonRatingRow.rated_at, PersonRatingRow.id)
    )
    return [rating_of(r) for r in rows]


# --- ruptures ----------------------------------------------------------------------------------


def log_rupture(
    *,
    session: Session,
    person_id: str,
    what: str | None,
    now: datetime,
    happened_at: datetime | None = None,
    reached_out: str | None = None,
    repaired_at: datetime | None = None,
    outcome: str | None = None,
    client_token: str | None = None,
) -> Rupture:
    """A rupture with someone in the ledger (their name kept on it), repaired or not yet."""
    token = check_token(client_token)
    first = earlier(session, RuptureRow, token)
    if first is not None:
        return rupture_of(first)
    person = _row(session, person_id)
    text = rules.check_what(what)
    who = rules.check_reached_out(reached_out)
    how = rules.check_outcome(outcome)
    happened = happened_at or now
    rules.check_rupture_times(happened, repaired_at, now=now)
    row = RuptureRow(
        id=new_id(),
        client_token=token,
        person_id=person.id,
        person_name=person.name,
        happened_at=happened,
        what=text,
        reached_out=who,
        repaired_at=repaired_at,
        outcome=how,
        created_at=now,
        updated_at=now,
    )
    return rupture_of(add_once(session, row))


def _rupture_row(session: Session, rupture_id: str) -> RuptureRow:
    return existing(session, RuptureRow, rupture_id, "rupture")


def get_rupture(*, session: Session, rupture_id: str) -> Rupture:
    return rupture_of(_rupture_row(session, rupture_id))


def update_rupture(
    *,
    session: Session,
    rupture_id: str,
    now: datetime,
    what: str | None,
    reached_out: str | None,
    repaired_at: datetime | None,
    outcome: str | None,
) -> Rupture:
    """Change what happened, who reached out, when it was repaired (None: not yet) and how
    it went; everything checked before anything changes."""
    row = _rupture_row(session, rupture_id)
    text = rules.check_what(what)
    who = rules.check_reached_out(reached_out)
    how = rules.check_outcome(outcome)
    rules.check_rupture_times(row.happened_at, repaired_at, now=now)
    row.what, row.reached_out, row.repaired_at, row.outcome = text, who, repaired_at, how
    row.updated_at = now
    session.flush()
    return rupture_of(row)


def delete_rupture(*, session: Session, rupture_id: str) -> None:
    session.delete(_rupture_row(session, rupture_id))
    session.flush()


def ruptures_of(
    *,
    session: Session,
    person_id: str,
    limit: int,
    before: tuple[datetime, str] | None = None,
) -> tuple[list[Rupture], bool]:
    """A page of a person's ruptures, newest first, and whether older ones remain."""
    rows, more = keyset.newest_first(
        session,
        select(RuptureRow).where(RuptureRow.person_id == person_id),
        RuptureRow.happened_at,
        RuptureRow.id,
        before,
        limit,
    )
    return [rupture_of(r) for r in rows], more


def all_ruptures(*, session: Session, person_id: str) -> list[Rupture]:
    rows = session.scalars(select(RuptureRow).where(RuptureRow.person_id == person_id))
    return [rupture_of(r) for r in rows]


# --- interactions ------------------------------------------------------------------------------


def moments_with(*, session: Session, person_id: str) -> int:
    """How many moments (activations) are linked to this person."""
    found = session.scalar(
        select(func.count()).select_from(ActivationRow).where(ActivationRow.person_id == person_id)
    )
    return int(found or 0)


def interactions_since(*, session: Session, since: datetime) -> list[Interaction]:
    """(time, person id) of every moment, rupture and ladder try linked to a person since
    `since`, in one statement; earned.people.weekly_share takes any such pairs."""
    linked = union_all(
        *(
            select(when, person).where(person.is_not(None), when >= since)
            for when, person in (
                (ActivationRow.onset_at, ActivationRow.person_id),
                (RuptureRow.happened_at, RuptureRow.person_id),
                (LadderAttemptRow.planned_at, LadderAttemptRow.person_id),
            )
        )
    )
    return [(when, pid) for when, pid in session.execute(linked) if pid is not None]


def weekly_share(
    *,
    session: Session,
    now: datetime,
    weeks: int,
    zone: tzinfo | None = None,
    more: list[Interaction] | None = None,
) -> list[rules.WeekShare]:
    """The share of interactions with consistently available people, per week, for the
    last `weeks` weeks (this week last). `more` adds other interactions with a person
    (ladder attempts: (time, person id)). Reads only those weeks' links and the ratings
    of the people in them."""
    today = now.astimezone(zone).date() if zone else now.date()
    first = rules.week_start(today) - timedelta(weeks=weeks - 1)
    # A day early: a Monday in the person's zone can begin on Sunday in UTC.
    since = datetime.combine(first - timedelta(days=1), time(0), tzinfo=UTC)
    pairs = interactions_since(session=session, since=since) + list(more or [])
    ratings = ratings_by_person(session=session, person_ids={pid for _when, pid in pairs})
    return rules.weekly_share(pairs, ratings, today=today, weeks=weeks, zone=zone)


def ratings_this_week(*, session: Session, now: datetime, zone: tzinfo | None = None) -> int:
    """How many ratings were given this week (Monday start, in `zone`)."""
    today = now.astimezone(zone).date() if zone else now.date()
    since = datetime.combine(rules.week_start(today) - timedelta(days=1), time(0), tzinfo=UTC)
    return rules.ratings_in_week(
        ratings_since(session=session, since=since), today=today, zone=zone
    )
