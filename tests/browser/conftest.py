"""Real-browser fixtures: the app served by uvicorn on the loopback, Debian's Chromium kept
off the network, per-page request and console recorders, and axe-core for accessibility.
The helpers behind them are in tests/support/browser.py.

Each test gets its own server and profile folder (starting one costs a few milliseconds),
so journeys never see each other's journal. Chromium is launched once per session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from earned import onboarding, paths
from earned.store import personal, settings
from tests.support import require
from tests.support.browser import (
    ARGS,
    ARTIFACTS,
    AXE_VERSION,
    CHROMIUM,
    Pages,
    Server,
    fetch_axe,
    serve,
)
from tests.support.journals import Template, copy_journal


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ARGS}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- the app ------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A fresh, empty profile: the first visit leads to the setup page."""
    yield from serve(paths.profile("b", tmp_path))


@pytest.fixture
def ready_server(tmp_path: Path, journal_template: Template) -> Iterator[Server]:
    """A profile already set up with PASSPHRASE and past onboarding, currently locked."""
    prof = paths.profile("b", tmp_path)
    store = personal.open_with_key(prof, copy_journal(journal_template, prof))
    try:
        with store.session() as s:
            settings.set_setting(session=s, key=onboarding.SETTING, value=onboarding.DONE)
    finally:
        store.close()
    yield from serve(prof)


# --- pages that record what they do -------------------------------------------------------


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    """At the end of the test, every request of every page opened must have stayed on
    127.0.0.1 (or been a data: URL), with no CSP violation and no uncaught script error."""
    opened = Pages(browser)
    yield opened
    for context, _ in opened.opened:
        context.close()
    for _, recorder in opened.opened:
        recorder.check()


# --- axe-core ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = fetch_axe()
    require(path is not None, f"axe-core@{AXE_VERSION} could not be fetched with npm")
    assert path is not None
    return path.read_text(encoding="utf-8")
