"""Reading and writing the exposure ladder: rungs and the attempts on them.

Persistence only: the limits, the order of the rungs, what counts as evidence, when the
next rung is suggested and which urge timer matches which rung are earned.ladder's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import ladder as rules
from earned import people
from earned.errors import EarnedError
from earned.ladder import Attempt, Rung
from earned.store.ids import existing, new_id, not_found
from earned.store.keyset import newest_first
from earned.store.models import LadderAttemptRow, LadderRungRow, PersonRow, UrgeDelayRow
from earned.store.once import add_once, earlier
from earned.store.urge_timers import get_urge
from earned.tokens import check_token
from earned.urges import UrgeDelay

ATTEMPTS_PAGE = 20  # attempts shown on a rung's page at a time
CHART_POINTS = 120  # the latest results drawn on a rung's chart
TIMERS_LOOKED_AT = 200  # recent finished, uncounted timers searched for a rung's urge
WEEK = timedelta(days=7)


def _rung_of(row: LadderRungRow) -> Rung:
    return Rung(
        row.id,
        row.title,
        row.pattern,
        row.template,
        row.difficulty,
        row.urge,
        row.created_at,
        row.archived,
    )


def _attempt_of(row: LadderAttemptRow) -> Attempt:
    return Attempt(
        row.id,
        row.rung_id,
        row.planned_at,
        row.predicted,
        row.feared,
        row.done_at,
        row.actual,
        row.happened,
        row.went_well,
        row.person_name,
        row.urge_delay_id,
        row.updated_at,
    )


def _rung_row(session: Session, rung_id: str) -> LadderRungRow:
    return existing(session, LadderRungRow, rung_id, "rung")


def _attempt_row(session: Session, attempt_id: str) -> LadderAttemptRow:
    return existing(session, LadderAttemptRow, attempt_id, "attempt")


# --- rungs ---------------------------------------------------------------------------------


def _same_rung(session: Session, title: str) -> LadderRungRow | None:
    """An unarchived rung with this title (case aside): adding it again is a repeat."""
    rows = session.scalars(select(LadderRungRow).where(LadderRungRow.archived.is_(False)))
    return next((r for r in rows if r.title.casefold() == title.casefold()), None)


def _add(session: Session, fields: rules.RungFields, now: datetime) -> Rung:
    same = _same_rung(session, fields.title)
    if same is not None:
        return _rung_of(same)
    row = LadderRungRow(
        id=new_id(),
        title=fields.title,
        pattern=fields.pattern,
        template=fields.template,
        difficulty=fields.difficulty,
        urge=fields.urge,
        created_at=now,
        archived=False,
    )
    session.add(row)
    session.flush()
    return _rung_of(row)


def add_rung(
    *, session: Session, title: str | None, difficulty: object, urge: str | None, now: datetime
) -> Rung:
    """A rung of the person's own; an unarchived rung with the same title is returned
    instead (a double submit adds one)."""
    return _add(session, rules.check_rung(title=title, difficulty=difficulty, urge=urge), now)


def add_from_template(*, session: Session, key: str, now: datetime) -> Rung:
    return _add(session, rules.from_template(key), now)


def edit_rung(
    *,
    session: Session,
    rung_id: str,
    title: str | None,
    difficulty: object,
    urge: str | None,
) -> Rung:
    """Change a rung's words, difficulty or urge; every field is checked first."""
    row = _rung_row(session, rung_id)
    fields = rules.check_rung(
        title=title, difficulty=difficulty, urge=urge, pattern=row.pattern, template=row.template
    )
    row.title, row.difficulty, row.urge = fields.title, fields.difficulty, fields.urge
    session.flush()
    return _rung_of(row)


def archive_rung(*, session: Session, rung_id: str) -> None:
    _rung_row(session, rung_id).archived = True
    session.flush()


def get_rung(*, session: Session, rung_id: str) -> Rung:
    return _rung_of(_rung_row(session, rung_id))


def rungs(*, session: Session, archived: bool = False) -> list[Rung]:
    """The unarchived rungs (or every rung), easiest first."""
    query = select(LadderRungRow)
    if not archived:
        query = query.where(LadderRungRow.archived.is_(False))
    return rules.ordered(_rung_of(r) for r in session.scalars(query))


def find_rung(*, session: Session, ref: str) -> Rung:
    """The rung `earned ladder try RUNG` names: its number in the list, or an id prefix."""
    found = rules.rung_ref(ref)
    if isinstance(found, int):
        listed = rungs(session=session)
        if found > len(listed):
            raise EarnedError(
                f"There is no rung {found}: your ladder has {len(listed)}; `earned ladder` "
                "lists them."
            )
        return listed[found - 1]
    rows = list(
        session.scalars(
            select(LadderRungRow)
            .where(LadderRungRow.id >= found, LadderRungRow.id < found + "g")
            .order_by(LadderRungRow.id)
            .limit(2)
        )
    )
    if not rows:
        raise EarnedError(f"No rung has an id starting with {found}; `earned ladder` lists them.")
    if len(rows) > 1:
        raise EarnedError(
            f"More than one rung has an id starting with {found}; please type a few more "
            "characters of it."
        )
    return _rung_of(rows[0])


# --- attempts ------------------------------------------------------------------------------


def plan_attempt(
    *,
    session: Session,
    rung_id: str,
    predicted: object,
    now: datetime,
    feared: str | None = None,
    person_name: str | None = None,
    person_id: str | None = None,
    client_token: str | None = None,
) -> Attempt:
    """The half before: the guess, saved now; the result is recorded later."""
    return try_attempt(
        session=session,
        rung_id=rung_id,
        predicted=predicted,
        now=now,
        feared=feared,
        person_name=person_name,
        person_id=person_id,
        client_token=client_token,
    )


def try_attempt(
    *,
    session: Session,
    rung_id: str,
    predicted: object,
    now: datetime,
    feared: str | None = None,
    person_name: str | None = None,
    person_id: str | None = None,
    after: rules.After | None = None,
    urge_delay_id: str | None = None,
    planned_at: datetime | None = None,
    client_token: str | None = None,
) -> Attempt:
    """An attempt: the guess, and with `after` its result too (both halves at once). A
    repeat with the same client token returns the first attempt unchanged.

    `person_id` names someone in the people ledger: their name is kept as `person_name`
    (so the try stays readable if they are later removed) in place of typed words."""
    token = check_token(client_token)
    first = earlier(session, LadderAttemptRow, token)
    if first is not None:
        return _attempt_of(first)
    _rung_row(session, rung_id)
    if person_id:
        person_name = existing(session, PersonRow, person_id, "person").name
    before = rules.check_before(predicted, feared, person_name)
    if not person_id and before.person_name:
        # A name typed (or chosen from the ledger's suggestions) that is someone in the
        # people ledger links the try to them, as a moment's person does.
        ledger = {r.id: r.name for r in session.scalars(select(PersonRow))}
        person_id = people.same_person(before.person_name, ledger)
    planned = planned_at or now
    row = LadderAttemptRow(
        id=new_id(),
        client_token=token,
        rung_id=rung_id,
        planned_at=planned,
        predicted=before.predicted,
        feared=before.feared,
        person_id=person_id or None,
        person_name=before.person_name,
        urge_delay_id=urge_delay_id,
        updated_at=now,
    )
    if after is not None:
        row.done_at = rules.done_time(planned, now)
        row.actual, row.happened, row.went_well = after.actual, after.happened, after.went_well
    return _attempt_of(add_once(session, row))


def record_after(
    *,
    session: Session,
    attempt_id: str,
    actual: object,
    happened: str | None,
    went_well: object,
    now: datetime,
) -> Attempt:
    """The half after (or a correction of it): checked in full before anything changes.
    The time done is kept from the first record."""
    row = _attempt_row(session, attempt_id)
    after = rules.check_after(actual, happened, went_well)
    if row.done_at is None:
        row.done_at = rules.done_time(row.planned_at, now)
    row.actual, row.happened, row.went_well = after.actual, after.happened, after.went_well
    row.updated_at = now
    session.flush()
    return _attempt_of(row)


def get_attempt(*, session: Session, attempt_id: str) -> Attempt:
    return _attempt_of(_attempt_row(session, attempt_id))


def latest_open(*, session: Session, rung_id: str) -> Attempt | None:
    """The rung's latest attempt planned and not yet done, if any."""
    row = session.scalars(
        select(LadderAttemptRow)
        .where(LadderAttemptRow.rung_id == rung_id, LadderAttemptRow.done_at.is_(None))
        .order_by(LadderAttemptRow.planned_at.desc(), LadderAttemptRow.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _attempt_of(row)


def attempts_page(
    *,
    session: Session,
    rung_id: str,
    before: tuple[datetime, str] | None = None,
    limit: int = ATTEMPTS_PAGE,
) -> tuple[list[Attempt], bool]:
    """A rung's attempts newest first (by when they were planned), a page at a time."""
    query = select(LadderAttemptRow).where(LadderAttemptRow.rung_id == rung_id)
    rows, more = newest_first(
        session, query, LadderAttemptRow.planned_at, LadderAttemptRow.id, before, limit
    )
    return [_attempt_of(r) for r in rows], more


# --- the ladder as a whole -----------------------------------------------------------------


def evidence(*, session: Session) -> dict[str, int]:
    """Per rung, the attempts that went reasonably well (rules.evidence, counted in SQL)."""
    query = (
        select(LadderAttemptRow.rung_id, func.count())
        .where(LadderAttemptRow.went_well.is_(True))
        .group_by(LadderAttemptRow.rung_id)
    )
    return {rung_id: count for rung_id, count in session.execute(query)}


def tries(*, session: Session) -> dict[str, int]:
    """Per rung, every attempt (planned or done)."""
    query = select(LadderAttemptRow.rung_id, func.count()).group_by(LadderAttemptRow.rung_id)
    return {rung_id: count for rung_id, count in session.execute(query)}


def last_tried(*, session: Session) -> str | None:
    """The rung of the most recently planned attempt."""
    return session.scalars(
        select(LadderAttemptRow.rung_id)
        .order_by(LadderAttemptRow.planned_at.desc(), LadderAttemptRow.id.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class Ladder:
    rungs: list[Rung]  # unarchived, easiest first
    evidence: dict[str, int]
    tries: dict[str, int]
    climb: rules.Climb


def ladder(*, session: Session) -> Ladder:
    """Everything the ladder page and `earned ladder` show: a few grouped counts, however
    many attempts there are."""
    listed = rungs(session=session)
    counts = evidence(session=session)
    return Ladder(
        listed,
        counts,
        tries(session=session),
        rules.climb(listed, counts, last_tried(session=session)),
    )


def gap_points(
    *,
    session: Session,
    rung_id: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[rules.GapPoint]:
    """Attempts with a guess and a result, oldest first (one rung's, or all; the latest
    `limit`), reading only the three columns the chart needs."""
    query = select(
        LadderAttemptRow.done_at, LadderAttemptRow.predicted, LadderAttemptRow.actual
    ).where(LadderAttemptRow.done_at.is_not(None), LadderAttemptRow.actual.is_not(None))
    if rung_id is not None:
        query = query.where(LadderAttemptRow.rung_id == rung_id)
    if since is not None:
        query = query.where(LadderAttemptRow.done_at >= since)
    query = query.order_by(LadderAttemptRow.done_at.desc())
    if limit is not None:
        query = query.limit(limit)
    points = [
        rules.GapPoint(done, predicted, actual, predicted - actual)
        for done, predicted, actual in session.execute(query)
        if done is not None and actual is not None
    ]
    return points[::-1]


def this_week(*, session: Session, now: datetime) -> int:
    """Attempts recorded as done in the last seven days (for the roadmap home)."""
    query = select(func.count()).where(LadderAttemptRow.done_at >= now - WEEK)
    return int(session.scalar(query) or 0)


# --- urge timers as attempts -----------------------------------------------------------------


def _uncounted_timers(session: Session, limit: int) -> list[UrgeDelay]:
    counted = select(LadderAttemptRow.urge_delay_id).where(
        LadderAttemptRow.urge_delay_id.is_not(None)
    )
    rows = session.scalars(
        select(UrgeDelayRow)
        .where(UrgeDelayRow.ended_at.is_not(None), UrgeDelayRow.id.not_in(counted))
        .order_by(UrgeDelayRow.started_at.desc())
        .limit(limit)
    )
    return [
        UrgeDelay(r.id, r.urge, r.started_at, r.ended_at, r.outcome, r.activation_id) for r in rows
    ]


def matching_timers(*, session: Session, rung_id: str, limit: int = 5) -> list[UrgeDelay]:
    """Recent finished timers not yet counted whose urge counts toward this rung
    (rules.rung_for_timer: the most specific unarchived rung takes a timer)."""
    listed = rungs(session=session)
    found = []
    for timer in _uncounted_timers(session, TIMERS_LOOKED_AT):
        chosen = rules.rung_for_timer(listed, timer)
        if chosen is not None and chosen.id == rung_id:
            found.append(timer)
            if len(found) == limit:
                break
    return found


def count_timer(
    *,
    session: Session,
    rung_id: str,
    urge_delay_id: str,
    predicted: object,
    actual: object,
    now: datetime,
    went_well: object | None = None,
    client_token: str | None = None,
) -> Attempt:
    """Count a finished urge timer as an attempt on its rung, when the person confirms it:
    planned when the timer started, done when it ended; went reasonably well if it was
    waited out or passed, unless the person says otherwise. A timer counts once."""
    token = check_token(client_token)
    first = earlier(session, LadderAttemptRow, token)
    if first is not None:
        return _attempt_of(first)
    rung = get_rung(session=session, rung_id=rung_id)
    timer = get_urge(session=session, urge_id=urge_delay_id)
    if timer.running or timer.ended_at is None:
        raise EarnedError("That urge timer is still running; end it first, then count it.")
    if not rules.urge_matches(rung.urge, timer.urge):
        raise EarnedError("That urge timer's urge is not this rung's, so it was not counted.")
    taken = session.scalars(
        select(LadderAttemptRow).where(LadderAttemptRow.urge_delay_id == urge_delay_id).limit(1)
    ).first()
    if taken is not None:
        return _attempt_of(taken)
    well = rules.timer_went_well(timer) if went_well in (None, "") else went_well
    after = rules.check_after(actual, None, well)
    made = try_attempt(
        session=session,
        rung_id=rung_id,
        predicted=predicted,
        now=now,
        after=after,
        urge_delay_id=timer.id,
        planned_at=timer.started_at,
        client_token=token,
    )
    row = _attempt_row(session, made.id)
    row.done_at = timer.ended_at  # the result is the timer's, not the moment it was counted
    session.flush()
    return _attempt_of(row)


def rung_of_attempt(*, session: Session, attempt_id: str, rung_id: str) -> Attempt:
    """The attempt, which must be on `rung_id` (an address naming another rung's attempt
    is answered as not found)."""
    found = get_attempt(session=session, attempt_id=attempt_id)
    if found.rung_id != rung_id:
        raise not_found("attempt")
    return found


def recent_attempts(
    *, session: Session, since: datetime, now: datetime, limit: int
) -> list[tuple[str, Attempt]]:
    """(rung title, try) of the tries planned from `since` to `now`, newest first: what
    session prep offers to bring (one indexed range, `limit` rows)."""
    rows = session.execute(
        select(LadderRungRow.title, LadderAttemptRow)
        .join(LadderRungRow, LadderRungRow.id == LadderAttemptRow.rung_id)
        .where(LadderAttemptRow.planned_at >= since, LadderAttemptRow.planned_at <= now)
        .order_by(LadderAttemptRow.planned_at.desc(), LadderAttemptRow.id.desc())
        .limit(limit)
    )
    return [(title, _attempt_of(row)) for title, row in rows]
