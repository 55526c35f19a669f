"""Session prep from the terminal (earned/cli/prep.py): `earned prep` lists notes newest
first, `earned prep new` numbers the candidates and picks by --pick, `earned prep show N`
prints a note whole; the same rules as the app's pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned import content
from earned.store import personal, session_notes
from tests.support import PASSPHRASE
from tests.support.cli import Run
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


def logged(run: Run, *argv: str) -> None:
    result = run("log", *argv)
    assert result.code == 0, result.err


def stored(journal: Journal) -> list[session_notes.Note]:
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            notes, _more = session_notes.notes_page(session=s, limit=50)
    finally:
        store.close()
    return notes


def test_new_numbers_the_candidates_and_picks_by_number(journal: Journal, run: Run) -> None:
    now = datetime.now(UTC)
    logged(run, "7", "he went quiet", "--at", (now - timedelta(days=2)).isoformat())
    logged(run, "5", "a long meeting", "--at", (now - timedelta(days=1)).isoformat())
    logged(run, "3", "weeks ago", "--at", (now - timedelta(days=30)).isoformat())
    made = run(
        "prep", "new", "--pick", "2", "--since-last", "a steadier week", "--bring", "pacing",
        "--session", "2030-03-10 17:30",
    )  # fmt: skip
    assert made.code == 0, made.err
    listing = made.out.split("Saved.")[0]
    assert "    1  " in listing and "a long meeting" in listing.split("    2  ")[0]
    assert "he went quiet" in listing.split("    2  ")[1]
    assert "weeks ago" not in listing
    (note,) = stored(journal)
    assert [p.kind for p in note.picked] == ["activation"]
    assert "he went quiet" in note.picked[0].text
    assert (note.since_last, note.to_bring) == ("a steadier week", "pacing")
    assert note.session_at is not None and note.session_at.astimezone().year == 2030
    # The saved note is printed whole.
    assert "For the session on Sun 10 Mar 2030, 17:30" in made.out
    assert "  - " in made.out and "he went quiet" in made.out.split("Saved.")[1]


@pytest.mark.usefixtures("journal")
def test_a_number_not_listed_or_an_empty_note_saves_nothing(run: Run) -> None:
    logged(run, "6", "no reply")
    bad = run("prep", "new", "--pick", "1,4", "--bring", "x")
    assert bad.code == 2 and "'4' is not one of the numbers listed (from 1 to 1)" in bad.err
    empty = run("prep", "new")
    assert empty.code != 0 and "The note is empty" in empty.err
    long = run("prep", "new", "--bring", "b" * 4001)
    assert long.code != 0 and "4,001 characters" in long.err
    assert run("prep").out.startswith("No session notes yet.")


def test_list_and_show(journal: Journal, run: Run) -> None:
    assert run("prep", "new", "--since-last", "first\nsecond line").code == 0
    assert run("prep", "new", "--bring", "ask about the pace", "--pick", "").code == 0
    listed = run("prep")
    assert listed.code == 0, listed.err
    rows = [line for line in listed.out.splitlines() if line.startswith("    ")]
    assert len(rows) == 2
    assert rows[0].split()[0] == "1" and "ask about the pace" in rows[0]
    assert "first" in rows[1]
    shown = run("prep", "show", "2")
    assert shown.code == 0, shown.err
    assert "What came up since last time\n  first\n  second line" in shown.out
    assert "(nothing picked)" in shown.out
    for bad in ("3", "zero", ""):
        missing = run("prep", "show", *([bad] if bad else []))
        assert missing.code == 2, bad
    assert "no note number 3" in run("prep", "show", "3").err


@pytest.mark.usefixtures("journal")
def test_the_same_token_saves_one_note(journal: Journal, run: Run) -> None:
    for _ in range(2):
        assert run("prep", "new", "--bring", "x", "--token", "tap-1").code == 0
    assert len(stored(journal)) == 1


@pytest.mark.usefixtures("journal")
def test_worrying_words_are_saved_and_bring_the_crisis_lines(run: Run) -> None:
    made = run("prep", "new", "--since-last", "some nights I want to die")
    assert made.code == 0
    assert "want to die" in made.out
    assert content.load("crisis")["care"]["title"] in made.err


@pytest.mark.usefixtures("journal")
def test_words_can_come_from_standard_input(run: Run) -> None:
    made = run("prep", "new", "--bring", "-", stdin="kept out of the shell history\n")
    assert made.code == 0, made.err
    assert "kept out of the shell history" in made.out
