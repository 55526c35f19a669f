"""Session-prep notes in the store (earned.store.session_notes), on an encrypted SQLite
file and on PostgreSQL alike: saved whole or not at all, a repeat saved once, pages
newest first, the candidates by kind, and the home page's summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from earned import session_prep
from earned.episodes import Pattern
from earned.errors import EarnedError
from earned.session_prep import Note, Picked
from earned.store import Store, activations, session_notes
from earned.store.models import SessionNoteRow

NOW = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)  # a Wednesday
PICK = Picked("activation", "a" * 32, "Mon 02 Mar · no reply · intensity 7")


def add(store: Store, now: datetime = NOW, **kw: Any) -> Note:
    kw.setdefault("since_last", "a steadier week")
    kw.setdefault("to_bring", None)
    kw.setdefault("picked", [])
    with store.session() as s:
        return session_notes.add_note(session=s, now=now, **kw)


def rows(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(SessionNoteRow)) or 0)


def test_a_note_is_saved_with_its_picked_words_and_read_back(store: Store) -> None:
    session_at = NOW + timedelta(days=2)
    note = add(store, since_last=" calmer \r\n mostly ", picked=[PICK], session_at=session_at)
    assert note.since_last == "calmer \n mostly"
    assert note.picked == (PICK,)
    assert note.session_at == session_at
    with store.session() as s:
        assert session_notes.get_note(session=s, note_id=note.id) == note
        row = s.get(SessionNoteRow, note.id)
        assert row is not None and row.picked == [PICK.stored()]


def test_a_refused_note_writes_nothing(store: Store) -> None:
    with pytest.raises(EarnedError, match="empty"):
        add(store, since_last="", picked=[])
    with pytest.raises(EarnedError, match="4,001"):
        add(store, to_bring="x" * (session_prep.MAX_TEXT + 1))
    with pytest.raises(EarnedError, match="picked twice"):
        add(store, picked=[PICK, PICK])
    assert rows(store) == 0


def test_the_same_client_token_saves_once(store: Store) -> None:
    first = add(store, client_token="tap-1")
    again = add(store, since_last="other words", client_token="tap-1")
    assert again == first
    assert rows(store) == 1


def test_an_edit_replaces_the_words_and_keeps_when_it_was_written(store: Store) -> None:
    note = add(store, picked=[PICK])
    later = NOW + timedelta(hours=3)
    with store.session() as s:
        edited = session_notes.update_note(
            session=s,
            note_id=note.id,
            now=later,
            since_last=None,
            to_bring="ask about the pace",
            picked=[],
            session_at=None,
        )
    assert (edited.since_last, edited.to_bring, edited.picked) == (None, "ask about the pace", ())
    assert (edited.created_at, edited.updated_at) == (NOW, later)
    with store.session() as s, pytest.raises(EarnedError, match="empty"):
        session_notes.update_note(
            session=s,
            note_id=note.id,
            now=later,
            since_last="",
            to_bring="",
            picked=[],
            session_at=None,
        )
    with store.session() as s:
        assert session_notes.get_note(session=s, note_id=note.id) == edited


def test_an_unknown_note_is_a_calm_404(store: Store) -> None:
    with store.session() as s, pytest.raises(EarnedError, match="does not exist") as caught:
        session_notes.get_note(session=s, note_id="f" * 32)
    assert caught.value.status == 404
    note = add(store)
    with store.session() as s:
        session_notes.delete_note(session=s, note_id=note.id)
    assert rows(store) == 0


def test_notes_come_newest_first_a_page_at_a_time(store: Store) -> None:
    made = [add(store, now=NOW + timedelta(days=n)) for n in range(5)]
    with store.session() as s:
        first, more = session_notes.notes_page(session=s, limit=2)
        assert [n.id for n in first] == [made[4].id, made[3].id] and more
        rest, more = session_notes.notes_page(
            session=s, before=(first[-1].created_at, first[-1].id), limit=3
        )
    assert [n.id for n in rest] == [made[2].id, made[1].id, made[0].id] and not more


def test_the_summary_gives_the_last_note_and_this_weeks_count(store: Store) -> None:
    zone = timezone(timedelta(hours=-5))
    with store.session() as s:
        assert session_notes.summary(session=s, now=NOW, zone=zone) == session_prep.Summary(None, 0)
    add(store, now=NOW - timedelta(days=9))  # the week before
    add(store, now=datetime(2026, 3, 2, 4, 0, tzinfo=UTC))  # Mon 04:00 UTC: Sunday 23:00 at -5
    add(store, now=NOW - timedelta(hours=1))
    with store.session() as s:
        summary = session_notes.summary(session=s, now=NOW, zone=zone)
        in_utc = session_notes.summary(session=s, now=NOW, zone=UTC)
    assert summary == session_prep.Summary(NOW - timedelta(hours=1), 1)
    assert in_utc.this_week == 2


def test_candidates_come_from_the_window_with_recurring_patterns(store: Store) -> None:
    pattern = Pattern("abandoned", "silence", "leaving", "being left", "send another text")
    with store.session() as s:
        for days in (1, 3, 20, 100):
            a = activations.log_activation(
                session=s, intensity=6, now=NOW - timedelta(days=days), trigger=f"{days} days back"
            )
            activations.update_details(session=s, activation_id=a.id, now=NOW, pattern=pattern)
        found = session_notes.candidates(
            session=s, since=NOW - timedelta(days=14), now=NOW, zone=UTC
        )
    assert list(found) == ["activation", "pattern", "ladder_attempt"]
    assert found["ladder_attempt"] == []  # no ladder yet
    assert [c.text.split(" · ")[1] for c in found["activation"]] == ["1 days back", "3 days back"]
    (recurring,) = found["pattern"]
    # Counted over the longer pattern window: three of the four moments.
    assert (
        recurring.text == "Fear of being left, and the urge to send another text (3 times so far)"
    )
    assert recurring.id == session_prep.pattern_id("being left", "send another text")


def test_ladder_tries_in_the_window_are_offered_with_their_rung(store: Store) -> None:
    from earned import ladder as ladder_rules
    from earned.store import ladder

    with store.session() as s:
        rung = ladder.add_rung(
            session=s,
            title="Wait ten minutes",
            difficulty=40,
            urge=None,
            now=NOW - timedelta(days=30),
        )
        ladder.try_attempt(
            session=s, rung_id=rung.id, predicted=70, now=NOW - timedelta(days=2),
            after=ladder_rules.check_after(30, "It passed", True),
        )  # fmt: skip
        ladder.plan_attempt(session=s, rung_id=rung.id, predicted=60, now=NOW - timedelta(days=40))
        found = session_notes.candidates(
            session=s, since=NOW - timedelta(days=14), now=NOW, zone=UTC
        )["ladder_attempt"]
    assert len(found) == 1  # the try 40 days back is outside the window
    (offered,) = found
    assert "Wait ten minutes" in offered.text and "expected 70" in offered.text
    assert "was 30" in offered.text and "went reasonably well" in offered.text
