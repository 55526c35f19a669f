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

    def __init__(self, engine: Engine) -> None:
        from earned.store import engine as engines

        self.engine = engine
        self._sessions = engines.sessions(engine)

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
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
