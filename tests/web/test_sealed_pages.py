"""The web app's pages with a server key ring installed (earned.store.fields): the words
people write are sealed in the database and shown whole on the pages, and the history's
word search, done in Python when the words are sealed, pages through like the database's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from earned import episodes
from earned.store import activations, fields
from tests.support.html import page
from tests.support.server import ServerWeb
from tests.support.web import App


@pytest.fixture(autouse=True)
def ring(web: App) -> Iterator[fields.Ring]:
    """The ring the words are sealed with: server mode's own, or one installed in personal
    mode (as the CLI on a server's database has one)."""
    if isinstance(web, ServerWeb):
        yield web.ring
        return
    made = fields.Ring("k1", {"k1": os.urandom(32)})
    with fields.installed(made):
        yield made


def seed(web: App, count: int) -> list[str]:
    made: list[str] = []

    def add(s: Any) -> None:
        for n in range(count):
            a = activations.log_activation(
                session=s,
                intensity=n % 11,
                now=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
                onset=datetime(2025, 1, 1, 20, 0, tzinfo=UTC) + timedelta(days=n),
                trigger=f"moment {n}" + (" he was Late again" if n % 4 == 0 else ""),
            )
            made.append(a.id)

    web._read(add)
    return made


def ids_on(p: Any) -> list[str]:
    return [a.get("href").rsplit("/", 1)[1] for a in p.select("a") if a.has_class("history-moment")]


def test_sealed_words_show_whole_and_the_search_pages_through_them(
    web: App, unlocked: TestClient, ring: fields.Ring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(activations, "SEARCH_STEP", 7)  # several reads per page
    made = seed(web, 4 * episodes.HISTORY_PAGE + 8)  # a page and two of matches
    stored = web._read(lambda s: s.execute(text("SELECT trigger FROM activations")).scalars().all())
    assert stored and all(t.startswith(f"sealed:v1:{ring.current}:") for t in stored)
    assert not any("Late again" in t for t in stored)
    expected = [made[n] for n in reversed(range(len(made))) if n % 4 == 0]
    seen: list[str] = []
    pages = 0
    address = "/moment/history?q=late+AGAIN"
    while address:
        r = unlocked.get(address)
        assert r.status_code == 200
        p = page(r)
        seen += ids_on(p)
        pages += 1
        older = [a.get("href") for a in p.select("a") if a.get("rel") == "next"]
        address = older[0] if older else ""
    assert seen == expected and pages == 2
    shown = unlocked.get(f"/moment/{made[4]}")
    assert shown.status_code == 200 and "moment 4 he was Late again" in shown.text
