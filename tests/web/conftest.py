"""Fixtures for the web app: a fresh app per test on a temporary profile, and browsers
(TestClient) in each state. The helpers they are built from are in tests/support/web.py
and tests/support/html.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.journals import Template
from tests.support.web import Web


@pytest.fixture
def web(tmp_path: Path, journal_template: Template) -> Iterator[Web]:
    """A fresh app on a fresh profile folder (not set up yet)."""
    w = Web(tmp_path / "one", journal_template)
    yield w
    w.close()


@pytest.fixture
def make_web(tmp_path: Path, journal_template: Template) -> Iterator[Callable[..., Web]]:
    """Factory for extra apps (a second journal, an idle-locking app)."""
    made: list[Web] = []

    def make(name: str, **kwargs: Any) -> Web:
        w = Web(tmp_path / name, journal_template, **kwargs)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


@pytest.fixture
def client(web: Web) -> TestClient:
    """A browser that has visited nothing yet, on a journal not yet set up."""
    return web.client()


@pytest.fixture
def unlocked(web: Web) -> TestClient:
    """A browser that has unlocked the journal (set up with PASSPHRASE) and passed welcome."""
    return web.unlocked_client()


@pytest.fixture
def stranger(web: Web, unlocked: TestClient) -> TestClient:
    """A second browser without the session cookie, while the journal exists (and is open)."""
    return web.client()
