"""Re-sealing every sealed value of a database under the current server key, and counting
which key each value is sealed with (earned/store/fields.py seals; `earned server
rotate-key` calls these).

Batched: each batch is one column's next `rows` values (in id order) and runs in its own
transaction, so a killed rotation loses at most one uncommitted batch, and running it
again resumes: values already under the current key are skipped by the database, values
under an older key still open while the ring holds it. A value changed by someone else
between the read and the write is left as it is (the write names the old stored text),
and a later run picks it up if it still needs it.

Nothing here names a schema: it works on whatever session it is given (the lead's server
calls it once per person's schema).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, Text, and_, cast, func, select, update
from sqlalchemy.orm import Session

from earned.errors import EarnedError
from earned.store import fields
from earned.store.models import Base

BATCH_ROWS = 500


@dataclass(frozen=True)
class Sealed:
    """One sealed column: its table, the column, and whether it is a JSON column."""

    table: Table
    column: Column[Any]
    json: bool

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"

    def raw(self) -> ColumnElement[str]:
        """The stored text itself, without the column type's processing."""
        return cast(self.column, Text)

    def prefix(self, key_id: str = "") -> str:
        """How a stored token (under `key_id`, if given) begins: in a JSON column the
        token is a JSON string, so its text begins with a quote."""
        start = f"{fields.PREFIX}{key_id}:" if key_id else fields.PREFIX
        return f'"{start}' if self.json else start

    def stored(self) -> ColumnElement[bool]:
        """A value is stored (SQL NULL and, in a JSON column, the JSON null are not)."""
        present = self.column.is_not(None)
        return and_(present, self.raw() != "null") if self.json else present


def sealed_columns() -> list[Sealed]:
    """Every column of the models typed SealedText or SealedJSON, tables in order."""
    found: list[Sealed] = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, fields.SealedText | fields.SealedJSON):
                found.append(Sealed(table, column, isinstance(column.type, fields.SealedJSON)))
    return found


def _ring() -> fields.Ring:
    ring = fields.current()
    if ring is None:
        raise EarnedError("No server key ring is installed, so nothing can be re-sealed.")
    return ring


def reseal_batch(
    session: Session, sealed: Sealed, *, after: str = "", rows: int = BATCH_ROWS
) -> tuple[int, str | None]:
    """Re-seal under the current key up to `rows` values of `sealed` with ids after
    `after` that are not under it yet (plain values are sealed too). Returns how many
    were written and the id to continue after, or None when the column is done."""
    ring = _ring()
    pk = sealed.table.c.id
    found = session.execute(
        select(pk, sealed.column, sealed.raw())
        .where(pk > after, sealed.stored(), ~sealed.raw().startswith(sealed.prefix(ring.current)))
        .order_by(pk)
        .limit(rows)
    ).all()
    written = 0
    for row_id, words, raw in found:
        done = session.execute(
            update(sealed.table)
            .where(pk == row_id, sealed.raw() == raw)
            .values({sealed.column.name: words})
        )
        written += done.rowcount  # type: ignore[attr-defined]
    return written, (str(found[-1][0]) if len(found) == rows else None)


@dataclass
class Resealed:
    """What a re-sealing wrote, column by column."""

    written: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.written.values())


def reseal(
    begin: Callable[[], AbstractContextManager[Session]],
    *,
    rows: int = BATCH_ROWS,
    after_batch: Callable[[Resealed], None] | None = None,
) -> Resealed:
    """Re-seal every sealed value under the installed ring's current key, one batch per
    transaction (`begin()` opens one, e.g. `store.session`). `after_batch` is called
    after each committed batch (progress; the tests stop a rotation there)."""
    _ring()
    out = Resealed()
    for sealed in sealed_columns():
        after: str | None = ""
        while after is not None:
            with begin() as session:
                written, after = reseal_batch(session, sealed, after=after, rows=rows)
            out.written[sealed.name] = out.written.get(sealed.name, 0) + written
            if after_batch is not None:
                after_batch(out)
    return out


@dataclass(frozen=True)
class Usage:
    """Stored values of the sealed columns: how many under each key id, how many not
    sealed at all (written before a ring was installed), how many under ids not in the
    ring."""

    by_key: dict[str, int]
    plain: int
    unknown: int

    def under(self, key_ids: Iterable[str]) -> int:
        return sum(self.by_key.get(k, 0) for k in key_ids)


def usage(session: Session, ring: fields.Ring) -> Usage:
    """Count the sealed columns' values by key, by the database (one count per column and
    key: no value is read or opened)."""
    by_key = dict.fromkeys(ring.keys, 0)
    plain = unknown = 0
    for sealed in sealed_columns():
        sealed_now = sealed.raw().startswith(sealed.prefix())
        counts = [func.count().filter(sealed.raw().startswith(sealed.prefix(k))) for k in by_key]
        row = session.execute(
            select(func.count().filter(sealed_now), func.count().filter(~sealed_now), *counts)
            .select_from(sealed.table)
            .where(sealed.stored())
        ).one()
        known = 0
        for key_id, n in zip(by_key, row[2:], strict=True):
            by_key[key_id] += int(n)
            known += int(n)
        plain += int(row[1])
        unknown += int(row[0]) - known
    return Usage(by_key, plain, unknown)
