"""Column names of the tables the quick CLI path reads and writes with plain SQL.

Standard library only (the quick path cannot import SQLAlchemy). tests/store/test_columns.py
compares each tuple with the SQLAlchemy model's columns, so a column added to a model
and not here (or the reverse) fails the suite instead of being silently left out.
"""

from __future__ import annotations

ACTIVATIONS: tuple[str, ...] = (
    "id",
    "client_token",
    "onset_at",
    "intensity",
    "trigger",
    "tags",
    "body",
    "emotions",
    "urge",
    "action",
    "person",
    "named_in_moment",
    "pattern",
    "peak_at",
    "peak_intensity",
    "settled_at",
    "created_at",
    "updated_at",
    "person_id",
    "part_id",
)
URGE_DELAYS: tuple[str, ...] = (
    "id",
    "client_token",
    "urge",
    "started_at",
    "ended_at",
    "outcome",
    "activation_id",
)


def select(table: str, columns: tuple[str, ...]) -> str:
    """'SELECT a, b, … FROM table ' — decode rows with dict(zip(columns, row))."""
    # Table and column names are this module's constants, never input: no injection.
    return f"SELECT {', '.join(columns)} FROM {table} "  # noqa: S608


def insert(table: str, columns: tuple[str, ...]) -> str:
    """'INSERT INTO table (a, b, …) VALUES (:a, :b, …)' for a dict of every column."""
    names, slots = ", ".join(columns), ", ".join(":" + c for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({slots})"  # noqa: S608 - as in select
