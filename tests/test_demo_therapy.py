"""The demo person's session prep (earned/demo/therapy.py): a note before each of six
fortnightly sessions, each picking from the person's own log with the words as the app
copies them, and none of it changing the rest of the demo."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from earned import demo, session_prep
from earned.demo.therapy import SESSIONS, _activation
from earned.reports import tables
from tests.support import T0


@pytest.mark.parametrize("seed", [0, 7])
def test_notes_come_before_fortnightly_sessions_and_pick_from_the_log(seed: int) -> None:
    data = demo.generate(seed, T0)
    notes = data["session_notes"]
    assert len(notes) == SESSIONS
    sessions = [datetime.fromisoformat(n["session_at"]) for n in notes]
    assert all(b - a == timedelta(days=14) for a, b in itertools.pairwise(sessions))
    assert sessions[-1] <= datetime.fromisoformat(data["exported_at"])
    moments = {a["id"]: a for a in data["activations"]}
    table = next(t for t in tables.TABLES if t.key == "session_notes")
    for note, session in zip(notes, sessions, strict=True):
        written = datetime.fromisoformat(note["created_at"])
        assert timedelta(0) < session - written <= timedelta(days=1)
        assert note["since_last"] and note["picked"]
        assert tables._normalise(table, note) == note  # exactly as an import keeps it
        for item in note["picked"]:
            if item["kind"] == "activation":
                a = moments[item["id"]]
                assert datetime.fromisoformat(a["onset_at"]) < written
                assert item["text"] == session_prep.describe_activation(_activation(a), UTC)
            else:
                assert item["kind"] == "pattern" and item["text"].startswith("Fear of ")


def test_the_notes_leave_the_rest_of_the_demo_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    with_notes = demo.generate(4, T0)
    assert demo.generate(4, T0) == with_notes
    monkeypatch.setattr(demo, "session_notes", lambda *_args: [])
    without = demo.generate(4, T0)
    assert without["session_notes"] == []
    assert {**with_notes, "session_notes": []} == without
