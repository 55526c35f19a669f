"""The session notes list (GET /therapy/prep): newest first, a page at a time by keyset,
each note named by its session date or the day it was written."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from earned import session_prep
from earned.store import session_notes
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web


def write(web: Web, n: int) -> list[str]:
    """`n` notes, a day apart, the newest written now; their ids, oldest first."""
    store = web.store
    now = deps.now()
    made = []
    with store.session() as s:
        for i in range(n):
            note = session_notes.add_note(
                session=s,
                now=now - timedelta(days=n - i),
                since_last=f"note number {i}",
                to_bring=None,
                picked=[],
            )
            made.append(note.id)
    return made


def test_an_empty_list_invites_a_first_note(unlocked: TestClient) -> None:
    p = page(unlocked.get("/therapy/prep"))
    assert "No notes yet" in p.text
    assert p.main().select("a", href="/therapy/prep/new")


def test_notes_come_newest_first_a_page_at_a_time(web: Web, unlocked: TestClient) -> None:
    made = write(web, session_prep.PAGE + 3)
    first = page(unlocked.get("/therapy/prep"))
    links = [a.get("href") for a in first.select("a") if (a.get("href") or "").count("/") == 3]
    shown = [h for h in links if h and h.startswith("/therapy/prep/") and h != "/therapy/prep/new"]
    assert shown == [f"/therapy/prep/{i}" for i in reversed(made[-session_prep.PAGE :])]
    older = first.one("a", rel="next").get("href")
    assert older is not None and older.startswith("?before=")
    second = page(unlocked.get("/therapy/prep" + older))
    rest = [
        a.get("href")
        for a in second.select("a")
        if (a.get("href") or "").startswith("/therapy/prep/")
        and a.get("href") != "/therapy/prep/new"
    ]
    assert rest == [f"/therapy/prep/{i}" for i in reversed(made[:3])]
    assert not second.select("a", rel="next")


def test_a_note_is_named_by_its_session_and_previews_its_words(
    web: Web, unlocked: TestClient
) -> None:
    web.post(
        unlocked,
        "/therapy/prep/new",
        {"to_bring": "ask about pacing\nand more", "session_day": "2026-03-10"},
    )
    p = page(unlocked.get("/therapy/prep"))
    assert "For the session on Tue 10 Mar 2026" in p.text
    assert "ask about pacing" in p.text and "and more" not in p.text


def test_a_page_address_that_was_never_given_is_a_calm_404(unlocked: TestClient) -> None:
    r = unlocked.get("/therapy/prep?before=yesterday")
    assert r.status_code == 404
