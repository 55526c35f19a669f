"""Reading and writing activations (in-the-moment captures and their episode timing).
Keyword-only functions over a Session, returning domain objects.

Persistence only: every limit and rule (capture, edit, peak, settle) is earned.episodes'.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from earned import episodes, parts, patterns
from earned.episodes import Activation, Pattern
from earned.errors import EarnedError
from earned.store import fields, keyset
from earned.store.ids import existing, new_id
from earned.store.models import ActivationRow, PartRow, PersonRow
from earned.store.once import add_once, earlier
from earned.tokens import check_token


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
        pattern=episodes.pattern_of(row.pattern),
        peak_at=row.peak_at,
        peak_intensity=row.peak_intensity,
        settled_at=row.settled_at,
        person_id=row.person_id,
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
    existing = earlier(session, ActivationRow, token)
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
        id=new_id(), client_token=token, created_at=now, updated_at=now, **c.columns()
    )
    return activation_of(add_once(session, row))


def activation_row(session: Session, activation_id: str) -> ActivationRow:
    return existing(session, ActivationRow, activation_id, "activation")


def get_activation(*, session: Session, activation_id: str) -> Activation:
    return activation_of(activation_row(session, activation_id))


def update_details(
    *,
    session: Session,
    activation_id: str,
    now: datetime,
    onset: datetime | None = None,
    intensity: Any = None,
    named_in_moment: bool | None = None,
    pattern: Pattern | None = None,
    **details: Any,
) -> Activation:
    """Add or change the optional details (see episodes.check_edit); None keeps a value.

    Every value is checked before any is changed, so a refused edit leaves the record as it
    was even if the caller's transaction goes on.
    """
    row = activation_row(session, activation_id)
    changes = episodes.check_edit(
        activation_of(row),
        now=now,
        onset=onset,
        intensity=intensity,
        named_in_moment=named_in_moment,
        pattern=pattern,
        **details,
    )
    for column, value in {**changes, "updated_at": now}.items():
        setattr(row, column, value)
    session.flush()
    return activation_of(row)


def link_person(
    *, session: Session, activation_id: str, person_id: str | None, now: datetime
) -> Activation:
    """Link the moment to someone in the people ledger (their name becomes its `person`
    text, see episodes.check_person_link), or unlink it (`person_id` None)."""
    row = activation_row(session, activation_id)
    name = None
    if person_id is not None:
        name = existing(session, PersonRow, person_id, "person").name
    for column, value in episodes.check_person_link(person_id, name).items():
        setattr(row, column, value)
    row.updated_at = now
    session.flush()
    return activation_of(row)


def mark_peak(
    *,
    session: Session,
    activation_id: str,
    at: datetime | None,
    now: datetime,
    intensity: Any = None,
) -> Activation:
    """Record the peak (`at` None: now); see episodes.peak_values."""
    row = activation_row(session, activation_id)
    row.peak_at, row.peak_intensity = episodes.peak_values(
        activation_of(row), at=at, now=now, intensity=intensity
    )
    row.updated_at = now
    session.flush()
    return activation_of(row)


def mark_settled(
    *, session: Session, activation_id: str, at: datetime | None, now: datetime
) -> Activation:
    """Record when it settled (`at` None: now, keeping an earlier "now"); see
    episodes.settle_time."""
    row = activation_row(session, activation_id)
    settled = episodes.settle_time(activation_of(row), at=at, now=now)
    if settled != row.settled_at:
        row.settled_at = settled
        row.updated_at = now
        session.flush()
    return activation_of(row)


def delete_activation(*, session: Session, activation_id: str) -> None:
    session.delete(activation_row(session, activation_id))
    session.flush()


def list_activations(
    *,
    session: Session,
    since: datetime | None = None,
    open_only: bool = False,
    limit: int | None = None,
) -> list[Activation]:
    """Newest first; at most `limit`. Pages pass a limit: their cost follows what they show."""
    query = select(ActivationRow).order_by(ActivationRow.onset_at.desc())
    if since is not None:
        query = query.where(ActivationRow.onset_at >= since)
    if open_only:
        query = query.where(ActivationRow.settled_at.is_(None))
    if limit is not None:
        query = query.limit(limit)
    return [activation_of(r) for r in session.scalars(query)]


def list_open(*, session: Session, now: datetime, limit: int | None = None) -> list[Activation]:
    """Episodes still waiting to be settled (episodes.OPEN_WINDOW), newest first."""
    return list_activations(
        session=session, since=episodes.open_since(now), open_only=True, limit=limit
    )


def count(*, session: Session, since: datetime | None = None, open_only: bool = False) -> int:
    """How many activations (since `since`; only open ones), counted by the database."""
    query = select(func.count()).select_from(ActivationRow)
    if since is not None:
        query = query.where(ActivationRow.onset_at >= since)
    if open_only:
        query = query.where(ActivationRow.settled_at.is_(None))
    return int(session.scalar(query) or 0)


def count_open(*, session: Session, now: datetime) -> int:
    return count(session=session, since=episodes.open_since(now), open_only=True)


def recent_tags(*, session: Session, records: int = 500, top: int = 40) -> list[str]:
    """The `top` tags of the newest `records` activations, most used first (suggestions)."""
    rows = session.execute(
        select(ActivationRow.tags).order_by(ActivationRow.onset_at.desc()).limit(records)
    )
    counts = Counter(tag for (tags,) in rows for tag in tags or [])
    return [tag for tag, _n in counts.most_common(top)]


def columns_since(
    *, session: Session, since: datetime, columns: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """(onset, then each named column's value) of every activation since `since`, oldest
    first.

    Only those columns are read, with no row objects made: the patterns page sums a year
    of these, thousands of rows, in one query.
    """
    chosen = [getattr(ActivationRow, c) for c in columns]
    rows = session.execute(
        select(ActivationRow.onset_at, *chosen)
        .where(ActivationRow.onset_at >= since)
        .order_by(ActivationRow.onset_at)
    )
    return [tuple(row) for row in rows]


def sentences_since(*, session: Session, since: datetime) -> list[tuple[datetime, Any]]:
    """(onset, pattern parts) of the activations since `since` that have a pattern
    sentence: the others (most) are left out by the database, not decoded here."""
    query = (
        select(ActivationRow.onset_at, ActivationRow.pattern)
        .where(ActivationRow.onset_at >= since)
        .where(ActivationRow.pattern.is_not(None))
        # SQLAlchemy's JSON type stores Python None as the JSON text null.
        .where(cast(ActivationRow.pattern, Text) != "null")
        .order_by(ActivationRow.onset_at)
    )
    return [(onset, raw) for onset, raw in session.execute(query)]


def top_words(
    *, session: Session, since: datetime, column: str = "emotions", most: int = 12
) -> list[tuple[str, int]]:
    """The `most` commonest words of a word-list column since `since`, counted by the
    database (SQLite's json_each, PostgreSQL's json_array_elements_text): a year of
    moments costs one aggregate query, not thousands of decoded rows."""
    listed = getattr(ActivationRow, column)
    if fields.current() is not None:
        return _top_words_in_python(session, listed, since, most)
    dialect = session.get_bind().dialect.name
    each = (
        func.json_array_elements_text(listed) if dialect == "postgresql" else func.json_each(listed)
    ).table_valued("value")
    word = each.c.value
    query = (
        select(word, func.count())
        .select_from(ActivationRow)
        .join(each, literal(True))
        .where(ActivationRow.onset_at >= since)
        .group_by(word)
        .order_by(func.count().desc(), word)
        .limit(most)
    )
    return [(str(w), int(n)) for w, n in session.execute(query)]


def _top_words_in_python(
    session: Session, listed: Any, since: datetime, most: int
) -> list[tuple[str, int]]:
    """`top_words` when the word lists are sealed (server mode, store/fields.py): the
    database cannot look inside them, so the window's lists are read as stored text,
    opened and counted here (most used first, then by the word, as the database orders
    them)."""
    table, column = ActivationRow.__tablename__, listed.key
    counts = Counter(
        word
        for (text,) in session.execute(
            select(fields.json_text(listed)).where(ActivationRow.onset_at >= since)
        )
        for word in fields.open_json_text(text, table, column) or []
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:most]


def recurring_patterns(
    *, session: Session, now: datetime, since: datetime | None = None
) -> list[patterns.Recurring]:
    """Recurring patterns of activations since `since` (all of them when None)."""
    start = since if since is not None else datetime.min.replace(tzinfo=now.tzinfo)
    rows = columns_since(session=session, since=start, columns=("pattern",))
    return patterns.recurring_from(rows, now=now)


# --- history -----------------------------------------------------------------------------------


def _listed(column: Any, word: str) -> Any:
    """`column` (a JSON list of words) holds `word`: its stored text has it in quotes.

    The same test on SQLite (JSON as text) and PostgreSQL (json keeps its text): portable,
    and the words are checked on the way in, so the quoting is always json.dumps's.
    """
    quoted = json.dumps(word)
    escaped = quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cast(column, Text).like(f"%{escaped}%", escape="\\")


def _mentions(column: Any, text: str) -> Any:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


SEARCH_STEP = 200  # moments read at a time when a search cannot be the database's


def _holds(words: list[str] | None, wanted: str) -> bool:
    """`_listed` in Python: the list has the word (in any case, as SQLite's LIKE)."""
    return any(w.lower() == wanted for w in words or [])


def _matches(row: ActivationRow, where: episodes.Filter) -> bool:
    """The tag, emotion and word-search filters of `where`, as `history` asks the
    database for them."""
    if where.tag is not None and not _holds(row.tags, where.tag.lower()):
        return False
    if where.emotion is not None and not _holds(row.emotions, where.emotion.lower()):
        return False
    if where.contains is None:
        return True
    wanted = where.contains.lower()
    words = (row.trigger, row.urge, row.action, row.person)
    return any(wanted in w.lower() for w in words if w)


def _searched_in_python(
    session: Session,
    query: Any,
    where: episodes.Filter,
    before: tuple[datetime, str] | None,
    limit: int,
) -> tuple[list[Activation], bool]:
    """`history`'s tag, emotion and word filters when the words are sealed (server mode,
    store/fields.py): the database cannot look inside them, so the moments the other
    filters keep are read newest first, SEARCH_STEP at a time, and kept when they match,
    until a page and one more are found. Costs what it reads: up to the whole history
    for a word never written."""
    found: list[ActivationRow] = []
    cursor = before
    while True:
        rows, more = keyset.newest_first(
            session, query, ActivationRow.onset_at, ActivationRow.id, cursor, SEARCH_STEP
        )
        for row in rows:
            if _matches(row, where):
                found.append(row)
                if len(found) > limit:
                    return [activation_of(r) for r in found[:limit]], True
        if not more:
            return [activation_of(r) for r in found], False
        cursor = (rows[-1].onset_at, rows[-1].id)


def history(
    *,
    session: Session,
    where: episodes.Filter,
    before: tuple[datetime, str] | None = None,
    limit: int = episodes.HISTORY_PAGE,
) -> tuple[list[Activation], bool]:
    """Moments matching `where`, newest first, `limit` at a time, and whether there are
    older ones. `before` is the (onset, id) of the last moment of the page before: each
    page costs the same however long the history (a keyset, not an offset)."""
    query = select(ActivationRow)
    if where.since is not None:
        query = query.where(ActivationRow.onset_at >= where.since)
    if where.until is not None:
        query = query.where(ActivationRow.onset_at < where.until)
    if where.person is not None:
        query = query.where(func.lower(ActivationRow.person) == where.person.lower())
    if fields.current() is not None and (where.tag or where.emotion or where.contains):
        return _searched_in_python(session, query, where, before, limit)
    if where.tag is not None:
        query = query.where(_listed(ActivationRow.tags, where.tag))
    if where.emotion is not None:
        query = query.where(_listed(ActivationRow.emotions, where.emotion))
    if where.contains is not None:
        text = where.contains
        query = query.where(
            or_(
                _mentions(ActivationRow.trigger, text),
                _mentions(ActivationRow.urge, text),
                _mentions(ActivationRow.action, text),
                _mentions(ActivationRow.person, text),
            )
        )
    rows, more = keyset.newest_first(
        session, query, ActivationRow.onset_at, ActivationRow.id, before, limit
    )
    return [activation_of(r) for r in rows], more


def find(*, session: Session, prefix: str) -> Activation:
    """The activation whose id starts with `prefix` (as `earned settle ID` takes it)."""
    from earned.store.quick import check_prefix

    start = check_prefix(prefix)
    rows = list(
        session.scalars(
            select(ActivationRow)
            .where(ActivationRow.id >= start, ActivationRow.id < start + "g")
            .order_by(ActivationRow.id)
            .limit(2)
        )
    )
    if not rows:
        raise EarnedError(f"No moment has an id starting with {start}; `earned list` shows them.")
    if len(rows) > 1:
        raise EarnedError(
            f"More than one moment has an id starting with {start}; please type a few more "
            "characters of it."
        )
    return activation_of(rows[0])


# --- the loudest part (the parts map) ----------------------------------------------------------


def loudest_part(*, session: Session, activation_id: str) -> str | None:
    """The id of the part recorded as the loudest in this moment, if any."""
    return activation_row(session, activation_id).part_id


def set_loudest_part(
    *, session: Session, activation_id: str, part_id: str | None, now: datetime
) -> str | None:
    """Record which part was the loudest (None: no part named), checked by
    parts.check_loudest against the map; an unchanged choice changes nothing."""
    row = activation_row(session, activation_id)
    on_map = session.execute(select(PartRow.id, PartRow.name).where(PartRow.archived.is_(False)))
    chosen = parts.check_loudest(part_id, {part_id: name for part_id, name in on_map}, row.part_id)
    if chosen != row.part_id:
        row.part_id = chosen
        row.updated_at = now
        session.flush()
    return chosen
