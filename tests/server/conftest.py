"""Server mode fixtures: `srv`, a fresh server-mode app on its own PostgreSQL database, and
`server`, the server store alone (migrated, no app) on one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from earned.store.server import Server
from tests.support.journals import fresh_pg_database
from tests.support.server import ServerWeb


@pytest.fixture
def srv() -> Iterator[ServerWeb]:
    w = ServerWeb()
    yield w
    w.close()


@pytest.fixture
def server() -> Iterator[Server]:
    with fresh_pg_database(kind="server") as url:
        opened = Server.open(url, pool_size=2)
        yield opened
        opened.close()
