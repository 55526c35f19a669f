"""Server mode fixtures: `srv`, a fresh server-mode app on its own PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import ServerWeb


@pytest.fixture
def srv() -> Iterator[ServerWeb]:
    w = ServerWeb()
    yield w
    w.close()
