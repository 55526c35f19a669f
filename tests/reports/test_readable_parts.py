"""The parts map in the Markdown document (earned.reports.readable._parts): each part's own
words, put-away parts marked, and how often each was the loudest, in the person's zone."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from typing import Any

from earned.reports import readable
from tests.support import T0


def document(parts: list[dict[str, Any]], moments: list[dict[str, Any]]) -> str:
    data = {
        "exported_at": T0.isoformat(),
        "assessments": [],
        "entries": [],
        "activations": moments,
        "parts": parts,
        "settings": {},
    }
    return readable.to_markdown(data, timezone(timedelta(hours=2)))


def test_each_part_with_its_words_and_the_moments_it_was_loudest_in() -> None:
    watcher = {
        "id": "a" * 32, "name": "The watcher", "protects": "me", "fears": "being left",
        "needs": None, "relations": None, "created_at": T0.isoformat(),
        "updated_at": T0.isoformat(), "archived": False,
    }  # fmt: skip
    critic = {**watcher, "id": "b" * 32, "name": "The critic", "fears": None, "archived": True}
    moments = [
        {"onset_at": (T0 + timedelta(days=d)).astimezone(UTC).isoformat(), "part_id": "a" * 32,
         "intensity": 5}
        for d in (1, 3)
    ]  # fmt: skip
    text = document([watcher, critic], moments)
    section = text.split("## Parts map", 1)[1]
    assert "- The watcher, added Mon 2 Mar 2026" in section
    assert "  - What it protects: me\n  - What it fears: being left" in section
    assert "What it needs" not in section
    # 09:30 UTC on 5 March is 11:30 at UTC+2.
    assert "The loudest part in 2 moments, most recently Thu 5 Mar 2026, 11:30" in section
    assert "- The critic (put away)" in section
    assert section.count("The loudest part in") == 1


def test_no_parts_says_so() -> None:
    assert "No parts mapped yet." in document([], [])
