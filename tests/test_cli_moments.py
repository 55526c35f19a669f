"""Past moments from the terminal (earned/cli/moments.py): `earned list` with its filters,
`earned edit` checked like the app's edit, `earned delete` only when confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned.store import activations, personal
from tests.support.cli import Run, raw, short_id
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


def logged(run: Run, *argv: str) -> str:
    result = run("log", *argv)
    assert result.code == 0, result.err
    return short_id(result.out)


def test_list_shows_the_newest_first_and_filters(journal: Journal, run: Run) -> None:
    now = datetime.now(UTC)
    old = logged(run, "4", "the meeting ran late", "--tag", "work", "--at",
                 (now - timedelta(days=40)).isoformat())  # fmt: skip
    mid = logged(run, "6", "no reply all evening", "--emotion", "lonely", "--at",
                 (now - timedelta(days=3)).isoformat())  # fmt: skip
    new = logged(run, "8", "he was late again", "--tag", "work")
    everything = run("list")
    assert everything.code == 0, everything.err
    order = [line.split()[0] for line in everything.out.splitlines() if line.startswith("  ")]
    assert order == [new, mid, old]
    assert "intensity  8" in everything.out and "#work" in everything.out
    late = run("list", "--contains", "LATE")
    assert [new, old] == [ln.split()[0] for ln in late.out.splitlines() if ln.startswith("  ")]
    recent = run("list", "--from", (now - timedelta(days=5)).date().isoformat(), "--tag", "work")
    assert recent.out.count("\n  ") == 1 and new in recent.out
    lonely = run("list", "--emotion", "Lonely")
    assert mid in lonely.out and new not in lonely.out
    two = run("list", "-n", "2")
    assert old not in two.out and "older ones" in two.out
    none = run("list", "--contains", "elephant")
    assert none.out.strip() == "No moment matches that."


@pytest.mark.usefixtures("journal")
def test_a_list_with_a_date_in_another_year_keeps_its_columns(run: Run) -> None:
    now = datetime.now(UTC)
    logged(run, "5", "this morning", "--at", (now - timedelta(minutes=5)).isoformat())
    logged(run, "6", "long ago", "--at", (now - timedelta(days=400)).isoformat())
    listed = run("list", "--from", "2000-01-01")
    assert listed.code == 0, listed.err
    rows = [line for line in listed.out.splitlines() if "intensity" in line]
    assert len(rows) == 2
    assert str((now - timedelta(days=400)).astimezone().year) in rows[1]
    assert len({row.index("intensity") for row in rows}) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-n", "0"], "-n is a number from 1 to 500"),
        (["--from", "2026-03-10", "--to", "2026-03-01"], "comes before its start"),
        (["--from", "last week"], "not a time earned understands"),
        (["--contains", "x" * 101], "101 characters"),
    ],
)
def test_list_refuses_bad_filters(
    journal: Journal, run: Run, argv: list[str], message: str
) -> None:
    result = run("list", *argv)
    assert result.code != 0 and message in result.err


def test_edit_changes_only_what_is_given_and_checks_it(journal: Journal, run: Run) -> None:
    moment = logged(run, "5", "first words", "--tag", "home")
    edited = run("edit", moment, "--trigger", "better words", "--emotion", "hurt")
    assert edited.code == 0, edited.err
    assert "better words" in edited.out and "hurt" in edited.out
    refused = run("edit", moment, "--intensity", "12", "--trigger", "never saved")
    assert refused.code == 1 and "12 is outside that" in refused.err
    nothing = run("edit", moment)
    assert nothing.code == 2 and "Nothing to change" in nothing.err
    store = personal.open_with_key(journal.profile, journal.key)
    try:
        with store.session() as s:
            [a] = activations.list_activations(session=s)
    finally:
        store.close()
    assert (a.trigger, a.emotions, a.tags, a.intensity) == ("better words", ["hurt"], ["home"], 5)


def test_delete_asks_first_then_removes_one(journal: Journal, run: Run) -> None:
    keep = logged(run, "3", "keep me")
    drop = logged(run, "7", "remove me")
    asked = run("delete", drop)
    assert asked.code == 2 and "--yes-i-am-sure" in asked.err
    assert raw(journal, "SELECT count(*) FROM activations") == [(2,)]
    done = run("delete", drop, "--yes-i-am-sure")
    assert done.code == 0, done.err
    assert [r[0][:8] for r in raw(journal, "SELECT id FROM activations")] == [keep]
    gone = run("delete", drop, "--yes-i-am-sure")
    assert gone.code == 1 and "No moment has an id starting with" in gone.err
