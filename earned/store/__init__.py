"""Persistence: encrypted SQLite (personal) or PostgreSQL (clinic), same schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from earned.store import engine as engines


class Store:
    """An open journal: an engine plus a transaction-per-`session()` helper."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = engines.sessions(engine)

    @classmethod
    def personal(cls, path: Path, data_key: bytes) -> Store:
        return cls(engines.open_personal(path, data_key))

    @classmethod
    def url(cls, url: str) -> Store:
        return cls(engines.open_url(url))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed if the block finishes, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
