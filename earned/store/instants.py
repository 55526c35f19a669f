"""Stored times read as POSIX seconds, for the readers that put years of records into
weeks: a float per row instead of a timezone-aware datetime that is then turned into a
local date (most of /progress' and the roadmap's time on the load bench's journals).

PostgreSQL computes the seconds itself (EXTRACT(EPOCH …), exact to the microsecond);
SQLite stores naive UTC text, which Python parses exactly (SQLite's own date functions
keep only milliseconds, and a record at a local midnight must stay in its week).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

_ZERO = datetime(1970, 1, 1)


class seconds_of(FunctionElement[Any]):
    """A time column as the driver gives it for seconds() (no type processing)."""

    name = "seconds_of"
    inherit_cache = True


@compiles(seconds_of)
def _as_stored(element: seconds_of, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(seconds_of, "postgresql")
def _as_epoch(element: seconds_of, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS DOUBLE PRECISION)"


def seconds(value: Any) -> float:
    """A seconds_of() value as POSIX seconds."""
    if isinstance(value, float):
        return value
    if isinstance(value, str):  # SQLite: naive UTC text
        return (datetime.fromisoformat(value) - _ZERO).total_seconds()
    raise TypeError(f"not a stored time: {type(value).__name__}")
