"""Reading and writing the parts map: parts, and how often each was the loudest in a
moment (activations.part_id; the choice itself is written by store.activations).

Persistence only: names, limits and the one-part-per-name rule are earned.parts'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earned import parts as rules
from earned.episodes import Activation
from earned.errors import EarnedError
from earned.parts import Part
from earned.store.activations import activation_of
from earned.store.ids import existing, new_id
from earned.store.models import ActivationRow, PartRow


def _part(row: PartRow) -> Part:
    return Part(
        id=row.id,
        name=row.name,
        protects=row.protects,
        fears=row.fears,
        needs=row.needs,
        relations=row.relations,
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived=row.archived,
    )


def active_names(*, session: Session) -> dict[str, str]:
    """{id: name} of the parts on the map (not put away), by name."""
    rows = session.execute(
        select(PartRow.id, PartRow.name).where(PartRow.archived.is_(False)).order_by(PartRow.name)
    )
    return {part_id: name for part_id, name in rows}


def _named_twice(name: str) -> EarnedError:
    return EarnedError(
        f"A part called “{name}” is already on your map. Give this one another name, or open "
        "that one to add to it."
    )


def add_part(*, session: Session, name: str | None, now: datetime, **fields: str | None) -> Part:
    """The new part; a part of the same name already on the map is refused (not merged:
    the two may hold different words, and the person decides)."""
    values = rules.check_part(name, **fields)
    if rules.same_part(values["name"], active_names(session=session)) is not None:
        raise _named_twice(values["name"])
    row = PartRow(id=new_id(), created_at=now, updated_at=now, archived=False, **values)
    session.add(row)
    session.flush()
    return _part(row)


def get_part(*, session: Session, part_id: str) -> Part:
    return _part(existing(session, PartRow, part_id, "part"))


def update_part(
    *, session: Session, part_id: str, name: str | None, now: datetime, **fields: str | None
) -> Part:
    """Every field at once (an empty one is cleared), all checked before any is changed."""
    row = existing(session, PartRow, part_id, "part")
    values = rules.check_part(name, **fields)
    if not row.archived:
        active = active_names(session=session)
        if rules.same_part(values["name"], active, besides=part_id) is not None:
            raise _named_twice(values["name"])
    for column, value in {**values, "updated_at": now}.items():
        setattr(row, column, value)
    session.flush()
    return _part(row)


def set_archived(*, session: Session, part_id: str, archived: bool, now: datetime) -> Part:
    """Put a part away (its moments keep naming it) or bring it back to the map."""
    row = existing(session, PartRow, part_id, "part")
    if row.archived == archived:
        return _part(row)
    if not archived and rules.same_part(row.name, active_names(session=session)) is not None:
        raise _named_twice(row.name)
    row.archived = archived
    row.updated_at = now
    session.flush()
    return _part(row)


def list_parts(*, session: Session, archived: bool = False) -> list[Part]:
    """The parts on the map (or those put away), by name. A map holds a handful, not
    thousands, so there is no paging here."""
    query = select(PartRow).where(PartRow.archived.is_(archived)).order_by(PartRow.name)
    return [_part(r) for r in session.scalars(query)]


def loudest_counts(*, session: Session) -> dict[str, int]:
    """{part id: moments it was the loudest in}, counted by the database in one query."""
    rows = session.execute(
        select(ActivationRow.part_id, func.count())
        .where(ActivationRow.part_id.is_not(None))
        .group_by(ActivationRow.part_id)
    )
    return {str(part_id): int(n) for part_id, n in rows}


def loudest_in(
    *, session: Session, part_id: str, limit: int = rules.RECENT_MOMENTS
) -> tuple[int, list[Activation]]:
    """How many moments this part was the loudest in, and the newest `limit` of them."""
    count = session.scalar(
        select(func.count()).select_from(ActivationRow).where(ActivationRow.part_id == part_id)
    )
    rows = session.scalars(
        select(ActivationRow)
        .where(ActivationRow.part_id == part_id)
        .order_by(ActivationRow.onset_at.desc(), ActivationRow.id.desc())
        .limit(limit)
    )
    return int(count or 0), [activation_of(r) for r in rows]


def names_by_id(*, session: Session, ids: Any) -> dict[str, str]:
    """{id: name} of the given parts, archived ones too (a moment names the part it had)."""
    wanted = [i for i in set(ids) if i]
    if not wanted:
        return {}
    rows = session.execute(select(PartRow.id, PartRow.name).where(PartRow.id.in_(wanted)))
    return {part_id: name for part_id, name in rows}
