"""What the therapist hand-off reads for one period: a few bounded queries, each reading
only the columns it needs (a three-year journal costs what the period holds).

Persistence only: the rules of the hand-off live in earned/handoff.py, the drawing in
earned/reports/handoff.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from earned import handoff as rules
from earned import patterns
from earned.assessment import Step, trajectory
from earned.patterns import Recurring
from earned.session_prep import Note
from earned.store import assessments, fields
from earned.store.models import (
    ActivationRow,
    BeliefRatingRow,
    BeliefRow,
    LadderAttemptRow,
    LadderRungRow,
    PersonRow,
    PracticeRow,
    SessionNoteRow,
)
from earned.store.session_notes import note_of


@dataclass(frozen=True)
class Moments:
    count: int
    median_intensity: float | None
    median_minutes: float | None  # onset to settled, for the settled ones
    settled: int
    words: list[tuple[str, int]]
    patterns: list[Recurring]
    written: list[tuple[str, datetime, str]]  # (id, onset, what was written), newest first


@dataclass(frozen=True)
class LadderPeriod:
    tried: list[tuple[str, str, int]]  # (rung id, title, tries done in the period)
    done: int
    went_well: int
    gaps: list[tuple[datetime, int, int]]  # (when, predicted, actual), oldest first


@dataclass(frozen=True)
class BeliefPeriod:
    id: str
    belief: str
    ratings: list[tuple[datetime, int]]  # oldest first


@dataclass(frozen=True)
class Gathered:
    start: date
    end: date
    zone: tzinfo
    steps: list[Step]  # completed results in the period (change against the one before)
    moments: Moments
    practices: list[tuple[str, int]]  # (kind, count), most first
    ladder: LadderPeriod
    beliefs: list[BeliefPeriod]
    notes: list[Note]  # oldest first
    names: list[str] = field(default_factory=list)  # people named anywhere it reads


def bounds(start: date, end: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The period as [from midnight of `start`, midnight after `end`) in the person's zone."""
    first = datetime.combine(start, time(), tzinfo=zone)
    after = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone)
    return first, after


def _feeling_words(session: Session, within: tuple[Any, ...]) -> list[tuple[str, int]]:
    """The period's commonest feeling words, most used first: counted by the database
    (json_each / json_array_elements_text), or here when the word lists are sealed
    (server mode, store/fields.py), in the same order."""
    listed = ActivationRow.emotions
    if fields.current() is not None:
        counts = Counter(
            w for (ws,) in session.execute(select(listed).where(*within)) for w in ws or []
        )
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return ranked[: rules.MOST_WORDS]
    dialect = session.get_bind().dialect.name
    each = (
        func.json_array_elements_text(listed) if dialect == "postgresql" else func.json_each(listed)
    ).table_valued("value")
    word = each.c.value
    top = session.execute(
        select(word, func.count())
        .select_from(ActivationRow)
        .join(each, literal(True))
        .where(*within)
        .group_by(word)
        .order_by(func.count().desc(), word)
        .limit(rules.MOST_WORDS)
    )
    return [(str(w), int(n)) for w, n in top]


def _moments(session: Session, lo: datetime, hi: datetime) -> Moments:
    within = (ActivationRow.onset_at >= lo, ActivationRow.onset_at < hi)
    rows = session.execute(
        select(ActivationRow.onset_at, ActivationRow.intensity, ActivationRow.settled_at).where(
            *within
        )
    ).all()
    minutes = [
        (settled - onset).total_seconds() / 60
        for onset, _i, settled in rows
        if settled is not None and settled >= onset
    ]
    top = _feeling_words(session, within)
    found = session.execute(
        select(ActivationRow.onset_at, ActivationRow.pattern)
        .where(*within, ActivationRow.pattern.is_not(None))
        .order_by(ActivationRow.onset_at)
    )
    recurring = patterns.recurring_from(((onset, raw) for onset, raw in found if raw), now=hi)[
        : rules.MOST_PATTERNS
    ]
    written = []
    for aid, onset, trigger, urge, action in session.execute(
        select(
            ActivationRow.id,
            ActivationRow.onset_at,
            ActivationRow.trigger,
            ActivationRow.urge,
            ActivationRow.action,
        )
        .where(*within)
        .order_by(ActivationRow.onset_at.desc())
        .limit(rules.MOST_ITEMS)
    ):
        said = " / ".join(t.strip() for t in (trigger, urge, action) if t and t.strip())
        if said:
            written.append((aid, onset, said))
    return Moments(
        count=len(rows),
        median_intensity=rules.median([float(i) for _o, i, _s in rows]),
        median_minutes=rules.median(minutes),
        settled=len(minutes),
        words=top,
        patterns=recurring,
        written=written,
    )


def _practices(session: Session, lo: datetime, hi: datetime) -> list[tuple[str, int]]:
    rows = session.execute(
        select(PracticeRow.kind, func.count())
        .where(PracticeRow.started_at >= lo, PracticeRow.started_at < hi)
        .group_by(PracticeRow.kind)
        .order_by(func.count().desc(), PracticeRow.kind)
    )
    return [(str(k), int(n)) for k, n in rows]


def _ladder(session: Session, lo: datetime, hi: datetime) -> LadderPeriod:
    rows = session.execute(
        select(
            LadderAttemptRow.rung_id,
            LadderRungRow.title,
            LadderAttemptRow.done_at,
            LadderAttemptRow.predicted,
            LadderAttemptRow.actual,
            LadderAttemptRow.went_well,
        )
        .join(LadderRungRow, LadderRungRow.id == LadderAttemptRow.rung_id)
        .where(LadderAttemptRow.done_at >= lo, LadderAttemptRow.done_at < hi)
        .order_by(LadderAttemptRow.done_at)
    ).all()
    tries: Counter[tuple[str, str]] = Counter((r[0], r[1]) for r in rows)
    return LadderPeriod(
        tried=[(rid, title, n) for (rid, title), n in tries.most_common()],
        done=len(rows),
        went_well=sum(1 for r in rows if r[5]),
        gaps=[(r[2], r[3], r[4]) for r in rows if r[2] is not None and r[4] is not None],
    )


def _beliefs(session: Session, lo: datetime, hi: datetime) -> list[BeliefPeriod]:
    rows = session.execute(
        select(BeliefRow.id, BeliefRow.belief, BeliefRatingRow.rated_at, BeliefRatingRow.strength)
        .join(BeliefRatingRow, BeliefRatingRow.belief_id == BeliefRow.id)
        .where(BeliefRatingRow.rated_at >= lo, BeliefRatingRow.rated_at < hi)
        .order_by(BeliefRow.created_at, BeliefRow.id, BeliefRatingRow.rated_at)
    )
    out: dict[str, BeliefPeriod] = {}
    for bid, words, when, strength in rows:
        out.setdefault(bid, BeliefPeriod(bid, words, [])).ratings.append((when, strength))
    return list(out.values())


def _notes(session: Session, lo: datetime, hi: datetime) -> list[Note]:
    rows = session.scalars(
        select(SessionNoteRow)
        .where(SessionNoteRow.created_at >= lo, SessionNoteRow.created_at < hi)
        .order_by(SessionNoteRow.created_at)
        .limit(rules.MOST_ITEMS)
    )
    return [note_of(r) for r in rows]


def _names(session: Session, lo: datetime, hi: datetime) -> list[str]:
    found: set[str] = {str(n) for n in session.scalars(select(PersonRow.name))}
    for query in (
        select(ActivationRow.person).where(
            ActivationRow.onset_at >= lo, ActivationRow.onset_at < hi
        ),
        select(LadderAttemptRow.person_name).where(
            LadderAttemptRow.done_at >= lo, LadderAttemptRow.done_at < hi
        ),
    ):
        found.update(str(n) for n in session.scalars(query.distinct()) if n)
    return sorted(found)


def gather(*, session: Session, start: date, end: date, zone: tzinfo) -> Gathered:
    """Everything the hand-off may show for the days `start`..`end` (inclusive, in `zone`)."""
    lo, hi = bounds(start, end, zone)
    done = [a for a in assessments.list_assessments(session=session) if a.completed_at]
    steps = [
        s
        for s in trajectory(done)
        if s.assessment.completed_at is not None and lo <= s.assessment.completed_at < hi
    ]
    return Gathered(
        start=start,
        end=end,
        zone=zone,
        steps=steps,
        moments=_moments(session, lo, hi),
        practices=_practices(session, lo, hi),
        ladder=_ladder(session, lo, hi),
        beliefs=_beliefs(session, lo, hi),
        notes=_notes(session, lo, hi),
        names=_names(session, lo, hi),
    )
