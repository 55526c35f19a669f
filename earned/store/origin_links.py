"""Reading and writing links from origin-story passages to present patterns, triggers and
beliefs.

Persistence only: what a passage must be and what can be linked are earned.origin_links's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import origin_links as rules
from earned import patterns
from earned.store import activations, fields
from earned.store import beliefs as belief_store
from earned.store.ids import existing, new_id
from earned.store.models import ActivationRow, EntryRow, OriginLinkRow

PATTERN_DAYS = 365  # the span whose recurring patterns can be linked (the patterns page's)
TRIGGER_ROWS = 500  # the newest moments whose triggers are offered
MOST_LINKS = 500  # links a page reads at once; a person makes these one by one


def _link(row: OriginLinkRow) -> rules.Link:
    return rules.Link(
        row.id, row.entry_id, row.passage, row.target_kind, row.target, row.created_at
    )


def recent_triggers(*, session: Session, records: int = TRIGGER_ROWS) -> list[str]:
    """The triggers of the newest `records` moments that have one, newest first."""
    rows = session.scalars(
        select(ActivationRow.trigger)
        .where(ActivationRow.trigger.is_not(None))
        .order_by(ActivationRow.onset_at.desc())
        .limit(records)
    )
    return [t for t in rows if t]


def offered(*, session: Session, now: datetime) -> list[rules.Target]:
    """What a passage can be linked to now: the past year's recurring patterns, recent
    triggers and the beliefs not put away. Costs what the patterns page costs."""
    sentences = activations.sentences_since(session=session, since=now - timedelta(PATTERN_DAYS))
    return rules.targets(
        recurring=patterns.recurring_from(sentences, now=now),
        triggers=recent_triggers(session=session),
        beliefs=belief_store.active_words(session=session),
    )


def add_link(
    *, session: Session, entry_id: str, passage: str | None, choice: str | None, now: datetime
) -> rules.Link:
    """A passage of an origin-story entry linked to a pattern, trigger or belief."""
    entry = existing(session, EntryRow, entry_id, "entry")
    text, kind, target = rules.check_link(
        entry_kind=entry.kind,
        entry_body=entry.body,
        passage=passage,
        choice=choice,
        offered=offered(session=session, now=now),
    )
    row = OriginLinkRow(
        id=new_id(),
        entry_id=entry.id,
        passage=text,
        target_kind=kind,
        target=target,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _link(row)


def delete_link(*, session: Session, link_id: str) -> rules.Link:
    """Remove a link (the entry and what it pointed to stay); returns what it was."""
    row = existing(session, OriginLinkRow, link_id, "link")
    gone = _link(row)
    session.delete(row)
    session.flush()
    return gone


def for_entries(*, session: Session, entry_ids: Iterable[str]) -> dict[str, list[rules.Link]]:
    """{entry id: its links, oldest first} for the entries a page shows."""
    ids = list(entry_ids)
    out: dict[str, list[rules.Link]] = defaultdict(list)
    if not ids:
        return out
    rows = session.scalars(
        select(OriginLinkRow)
        .where(OriginLinkRow.entry_id.in_(ids))
        .order_by(OriginLinkRow.created_at, OriginLinkRow.id)
        .limit(MOST_LINKS)
    )
    for row in rows:
        out[row.entry_id].append(_link(row))
    return out


def to(*, session: Session, kind: str, target: str | None = None) -> list[rules.Link]:
    """Links to one kind of thing (to one `target` of it, if given), oldest first."""
    query = select(OriginLinkRow).where(OriginLinkRow.target_kind == kind)
    if target is not None and fields.current() is not None:
        # Sealed targets (server mode, store/fields.py) cannot be compared by the
        # database: the kind's links are read in order and compared here.
        ordered = session.scalars(query.order_by(OriginLinkRow.created_at, OriginLinkRow.id))
        return [_link(r) for r in islice((r for r in ordered if r.target == target), MOST_LINKS)]
    if target is not None:
        query = query.where(OriginLinkRow.target == target)
    rows = session.scalars(
        query.order_by(OriginLinkRow.created_at, OriginLinkRow.id).limit(MOST_LINKS)
    )
    return [_link(r) for r in rows]
