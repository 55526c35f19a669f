"""Server mode (issue 14) in a real browser: the server-mode app served by uvicorn on the
loopback, on its own PostgreSQL database (tests/support/server.py's ServerWeb), and the
steps the server-mode browser checks share (signing in through the sign-in page)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import uvicorn
from playwright.sync_api import Page, expect

from .server import PASSWORD, ServerWeb


def serve_server(web: ServerWeb) -> Iterator[str]:
    """Run `web.app` under uvicorn in a thread on a socket bound here; yields its address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        web.app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
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


def sign_in(page: Page, url: str, name: str, *, lands: str | None = None) -> None:
    """Sign in through the sign-in page as a person would; `lands` is where it should end."""
    page.goto(url + "/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if lands is not None:
        expect(page).to_have_url(url + lands)


def every_category(prefix: str = "share_") -> dict[str, Any]:
    from earned import consent

    return {f"{prefix}{k}": "1" for k in consent.CATEGORIES}
