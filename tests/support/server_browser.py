"""Server mode (issue 14) in a real browser: the server-mode app served by uvicorn on the
loopback, on its own PostgreSQL database (tests/support/server.py's ServerWeb), and the
steps the server-mode browser checks share (signing in through the sign-in page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playwright.sync_api import Page, expect

from .browser import serve_app
from .server import PASSWORD, ServerWeb


def serve_server(web: ServerWeb) -> Iterator[str]:
    """Run `web.app` under uvicorn in a thread on the loopback; yields its address."""
    yield from serve_app(web.app)


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
