"""Persistence: encrypted SQLite (personal) or PostgreSQL (clinic), same schema.

Importing this package is cheap on purpose: the quick CLI path imports
`earned.store.sqlcipher` and `earned.store.quick`, which live here too, and must not
pay for SQLAlchemy (~0.2 s). So SQLAlchemy is imported when a Store is first made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class Store:
    """An open journal: an engine plus a transaction-per-`session()` helper."""

    def __init__(self, engine: Engine, *, schema: str | None = None) -> None:
        from earned.store import engine as engines

        self.engine = engine
        self._sessions = engines.sessions(engine)
        # Server mode: this person's journal schema (store/server). The engine is the
        # server's, shared by every person, so closing this Store leaves it open.
        self.schema = schema

    @classmethod
    def personal(cls, path: Path, data_key: bytes) -> Store:
        from earned.store import engine as engines

        return cls(engines.open_personal(path, data_key))

    @classmethod
    def url(cls, url: str) -> Store:
        from earned.store import engine as engines

        return cls(engines.open_url(url))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed if the block finishes, rolled back if it raises."""
        if self.schema is None:
            with self._sessions.begin() as session:
                yield session
            return
        from earned.store import fields
        from earned.store.schemas import quoted

        # Sealed words (store/fields.py) are bound to whose journal they are in: a token
        # copied into another person's schema does not open there.
        with fields.owner(self.schema), self._sessions.begin() as session:
            # This transaction sees this person's tables and no others: not the server's,
            # not another person's (SET LOCAL ends with the transaction, so a pooled
            # connection carries nothing over to the next person).
            session.connection().exec_driver_sql(f"SET LOCAL search_path TO {quoted(self.schema)}")
            yield session

    def close(self) -> None:
        if self.schema is None:
            self.engine.dispose()
