"""Real-browser fixtures: the app served by uvicorn on the loopback, Debian's Chromium kept
off the network, per-page request and console recorders, and axe-core for accessibility.

Each test gets its own server and profile folder (starting one costs a few milliseconds),
so journeys never see each other's journal. Chromium is launched once per session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request

from earned import paths
from earned.store import personal, repo
from earned.web.app import create_app
from tests.conftest import PASSPHRASE, ROOT, require

CHROMIUM = Path("/usr/bin/chromium")
# From /work/shared/MACHINE-NOTES.md: the last flag stops Chromium's own DNS look-ups.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
ARTIFACTS = ROOT / "test-artifacts"
AXE_VERSION = "4.11"
AXE_CACHE = ARTIFACTS / ".axe"  # test-artifacts/ is git-ignored


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ARGS}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- the app ------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    profile: paths.Profile


def _serve(profile: paths.Profile) -> Iterator[Server]:
    """Run create_app(profile) under uvicorn in a thread on a socket bound here (no port race)."""
    app = create_app(profile)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(f"{url}/help", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Server(url, profile)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.vault.close()
        sock.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A fresh, empty profile: the first visit leads to the setup page."""
    yield from _serve(paths.profile("b", tmp_path))


@pytest.fixture
def ready_server(tmp_path: Path) -> Iterator[Server]:
    """A profile already set up with PASSPHRASE and past onboarding, currently locked."""
    prof = paths.profile("b", tmp_path)
    store, _key = personal.set_up(prof, PASSPHRASE)
    try:
        with store.session() as s:
            repo.set_setting(session=s, key="onboarded", value="yes")
    finally:
        store.close()
    yield from _serve(prof)


# --- pages that record what they do -------------------------------------------------------


@dataclass
class Recorder:
    """Everything the pages of one context requested or logged."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console_errors.append(f"{message.type}: {message.text}")

    def on_page_error(self, error: Exception) -> None:
        self.page_errors.append(str(error))

    def off_loopback(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith("data:") and urlsplit(url).hostname != "127.0.0.1"
        ]

    def csp_violations(self) -> list[str]:
        return [m for m in self.console_errors if "Content Security Policy" in m]

    def check(self) -> None:
        assert self.requests, "no requests were recorded"
        assert self.off_loopback() == [], "the browser asked for something off the loopback"
        assert self.csp_violations() == []
        assert self.page_errors == []


class Pages:
    """Opens pages, each in its own context, and remembers what each one did."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.opened: list[tuple[BrowserContext, Recorder]] = []

    def open(self, **context_args: Any) -> Page:
        """A page in a new context (kwargs go to browser.new_context), recording as it goes."""
        context = self.browser.new_context(**context_args)
        context.set_default_timeout(5_000)
        recorder = Recorder()
        context.on("request", recorder.on_request)
        context.on("console", recorder.on_console)
        context.on("weberror", lambda e: recorder.on_page_error(e.error))
        self.opened.append((context, recorder))
        return context.new_page()

    def recorder(self, page: Page) -> Recorder:
        return next(r for c, r in self.opened if c is page.context)


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


def _fetch_axe() -> Path | None:
    """axe.min.js from `npm pack axe-core@4.11`, cached in test-artifacts/.axe."""
    cached = AXE_CACHE / f"axe-core-{AXE_VERSION}" / "axe.min.js"
    if cached.exists():
        return cached
    npm = shutil.which("npm")
    if npm is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                timeout=60,
                cwd=tmp,
                env={**os.environ, "npm_config_update_notifier": "false"},
            )
        except (OSError, subprocess.SubprocessError):
            return None
        archives = list(Path(tmp).glob("axe-core-*.tgz"))
        if len(archives) != 1:
            return None
        with tarfile.open(archives[0]) as tar:
            member = tar.extractfile("package/axe.min.js")
            if member is None:
                return None
            source = member.read()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(source)
    return cached


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = _fetch_axe()
    require(path is not None, f"axe-core@{AXE_VERSION} could not be fetched with npm")
    assert path is not None
    return path.read_text(encoding="utf-8")
