"""Fixtures for the web app: a fresh app per test, and browsers (TestClient) in each state.
The helpers they are built from are in tests/support/web.py, server.py and html.py.

The journal pages run on both back ends. A test that asks for `unlocked` (directly or
through `stranger`) is about what a person does in their journal, so it runs twice:
`[sqlcipher]`, personal mode on an encrypted file, and `[postgresql]`, server mode on
PostgreSQL with one person signed in (their own schema, their words sealed). `web` is then
the app of that mode, a `Web` or a `ServerWeb`, both with the interface of support.web.App.
A test about personal mode itself (setup, unlock and lock, the passphrase, backups and
restore, the personal door) carries `@pytest.mark.personal_only` and runs once, as do the
tests that never unlock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.journals import Template, pg_base_url
from tests.support.server import ServerTemplate, ServerWeb, server_template
from tests.support.web import App, Web

SQLCIPHER = "sqlcipher"
POSTGRESQL = "postgresql"
BACKENDS = [SQLCIPHER, pytest.param(POSTGRESQL, marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "unlocked" in metafunc.fixturenames and not metafunc.definition.get_closest_marker(
        "personal_only"
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The back end this test runs on (only the journal-page tests are parametrized)."""
    return str(getattr(request, "param", SQLCIPHER))


@pytest.fixture(scope="session")
def server_web_template() -> Iterator[ServerTemplate]:
    """One server database per test process with the person in it, copied by `web`."""
    pg_base_url()
    with server_template() as made:
        yield made


def _app(request: pytest.FixtureRequest, backend: str, root: Path, template: Template) -> App:
    if backend == POSTGRESQL:
        pg_base_url()  # skip or fail (EARNED_REQUIRE_ALL) before anything else without a server
        return ServerWeb(template=request.getfixturevalue("server_web_template"))
    return Web(root, template)


@pytest.fixture
def web(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, journal_template: Template
) -> Iterator[App]:
    """A fresh app: personal mode on a fresh profile folder (not set up yet), or server
    mode on a fresh database (with the person's account, nobody signed in)."""
    w = _app(request, backend, tmp_path / "one", journal_template)
    yield w
    w.close()


@pytest.fixture
def make_web(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, journal_template: Template
) -> Iterator[Callable[..., App]]:
    """Factory for extra apps of the test's mode (a second journal); options (an
    idle-locking app, a door) are personal mode's."""
    made: list[App] = []

    def make(name: str, **kwargs: Any) -> App:
        if kwargs:
            w: App = Web(tmp_path / name, journal_template, **kwargs)
        else:
            w = _app(request, backend, tmp_path / name, journal_template)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


@pytest.fixture
def client(web: App) -> TestClient:
    """A browser that has visited nothing yet (personal mode: on a journal not set up yet)."""
    return web.client()


@pytest.fixture
def unlocked(web: App) -> TestClient:
    """A browser in the person's journal, past welcome: personal mode unlocked it (set up
    with PASSPHRASE), server mode signed in as the person."""
    return web.unlocked_client()


@pytest.fixture
def stranger(web: App, unlocked: TestClient) -> TestClient:
    """A second browser without the session cookie, while the journal exists (and is open)."""
    return web.client()
