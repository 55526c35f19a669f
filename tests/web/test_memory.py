"""Memory around whole-journal exports (earned/web/memory.py): one built at a time, what
was freed given back, glibc kept to few arenas in the server."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from earned.reports import export
from earned.web import memory
from tests.support.web import Web


def test_an_export_is_built_holding_the_one_at_a_time_lock(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = export.snapshot

    def watched(**kwargs: Any) -> dict[str, Any]:
        seen.append(memory.one_at_a_time.locked())
        return real(**kwargs)

    monkeypatch.setattr(export, "snapshot", watched)
    r = unlocked.get("/data/export.json")
    assert r.status_code == 200 and r.content.startswith(b"{")
    assert seen == [True]
    assert not memory.one_at_a_time.locked()  # released once built


def test_glibc_takes_the_arena_limit_and_the_trim() -> None:
    assert memory.few_arenas() is True  # Debian: glibc
    memory.give_back()  # returns nothing; it must not raise
