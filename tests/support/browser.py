"""Real-browser helpers: the app served by uvicorn on the loopback, Debian's Chromium kept
off the network, pages that record their requests and console, axe-core, and the steps
several journeys share."""

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
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, expect

from earned import paths
from earned.web.app import create_app

from . import PASSPHRASE, ROOT

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


DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "reduced_motion": "reduce",
}


# --- the app -------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    profile: paths.Profile


def serve_app(app: Any) -> Generator[str, None, None]:
    """Run `app` under uvicorn in a thread on a socket bound here (no port race); yields
    its address once it answers. Personal mode (serve) and server mode
    (server_browser.serve_server) both start theirs this way."""
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
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve(profile: paths.Profile) -> Iterator[Server]:
    """Run create_app(profile) under uvicorn in a thread (serve_app)."""
    app = create_app(profile)
    running = serve_app(app)
    try:
        yield Server(next(running), profile)
    finally:
        running.close()  # the server stops first, then the journal it had open closes
        app.state.vault.close()


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


# --- axe-core ------------------------------------------------------------------------------


def fetch_axe() -> Path | None:
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
    # Test processes run side by side (pytest-xdist) and may fetch at the same time: each
    # writes its own temporary file and renames it into place, so no reader ever sees a
    # half-written script.
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
    partial.write_bytes(source)
    os.replace(partial, cached)
    return cached


def axe_check(page: Page, axe_source: str, where: str) -> None:
    """Run axe-core on the page in light and dark mode; fail on serious or critical findings.

    The script goes in through the DevTools protocol (page.evaluate), which the page's CSP
    does not govern, so no policy is loosened for the check.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(axe_source)
    found: list[str] = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.impact} ${v.id}: ${v.help} at ${
                    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`)"""
        )
        found += [f"{where} ({scheme}): {v}" for v in violations]
    page.emulate_media(color_scheme="light")
    assert found == []


# --- steps several journeys share ------------------------------------------------------------


def focused(page: Page) -> dict[str, str]:
    """What has keyboard focus: tag, type, name, value, checked and text."""
    found: dict[str, str] = page.evaluate(
        """() => { const e = document.activeElement; return {
            tag: e.tagName.toLowerCase(), type: e.type || "", name: e.name || "",
            value: e.value || "", checked: String(!!e.checked), text: e.textContent.trim() }; }"""
    )
    return found


def unlock(page: Page, server: Server) -> None:
    page.goto(server.url + "/")
    expect(page).to_have_url(server.url + "/unlock")
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Unlock").click()
    expect(page).to_have_url(server.url + "/")


def controlled(page: Page) -> None:
    """Wait until the service worker has installed the shell and is active, then load the
    page again: a page loaded after that is the worker's (the first one may stay outside
    it, as in any browser; clients.claim() does not always reach it)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
