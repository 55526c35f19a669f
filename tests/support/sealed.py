"""Helpers for the tests of server mode's sealed fields (tests/store/test_fields.py,
test_reseal.py, tests/test_cli_server_keys.py): a demo journal to import, and the raw
rows as a database administrator would read them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from earned.demo import generate
from earned.reports import export
from earned.store import Store, fields
from earned.store.models import Base
from tests.support import T0

DEMO = generate(7, T0 - timedelta(days=120), months=3)
DEMO["belief_ratings"][0]["note"] = "it felt a little less true after the call"  # none has one


def raw(store: Store, table: str, column: str) -> list[tuple[str, str | None]]:
    """(id, the stored text) of every row, read without any column type."""
    where = f'"{store.schema}".{table}' if store.schema else table  # a server's journal
    with store.engine.connect() as conn:
        found = conn.execute(text(f"SELECT id, CAST({column} AS TEXT) FROM {where} ORDER BY id"))
        return [(str(i), v) for i, v in found]


def raw_table(store: Store, table: str, *, plain_only: bool = False) -> str:
    """Everything a table holds, as the database administrator would dump it (only its
    columns that are not sealed, with `plain_only`)."""
    columns = "*"
    if plain_only:
        model = Base.metadata.tables[table]
        kept = [
            c.name
            for c in model.columns
            if not isinstance(c.type, fields.SealedText | fields.SealedJSON)
        ]
        columns = ", ".join(kept)
    with store.engine.connect() as conn:
        found = conn.execute(text(f"SELECT {columns} FROM {table}"))
        return "\n".join(repr(tuple(r)) for r in found)


def imported(store: Store) -> dict[str, Any]:
    with store.session() as s:
        export.restore(session=s, data=json.loads(json.dumps(DEMO)))
    with store.session() as s:
        return without_time(export.snapshot(session=s))


def without_time(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snap.items() if k != "exported_at"}


def words_in(value: Any) -> list[str]:
    """The strings inside a stored value (a JSON column's too), long enough to look for."""
    if isinstance(value, str):
        return [value] if len(value) >= 8 else []
    if isinstance(value, dict):
        return [w for v in value.values() for w in words_in(v)]
    if isinstance(value, list):
        return [w for v in value for w in words_in(v)]
    return []
