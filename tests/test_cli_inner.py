"""The inner practices from the terminal (earned/cli/inner.py): `earned parts` lists and
adds parts with the map's own rules; `earned practise` logs a secure-figure visualisation
or a self-compassion break; worrying words bring the crisis lines on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from earned import compassion_break, secure_figure
from earned.store import Store, parts, personal, practices
from tests.support.cli import Run
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


@contextmanager
def opened(journal: Journal) -> Iterator[Store]:
    store = personal.open_with_key(journal.profile, journal.key)
    try:
        yield store
    finally:
        store.close()


def test_an_empty_map_says_how_to_add(journal: Journal, run: Run) -> None:
    result = run("parts")
    assert result.code == 0, result.err
    assert "earned parts add NAME" in result.out


def test_add_then_list_parts(journal: Journal, run: Run) -> None:
    added = run("parts", "add", "the watcher", "--protects", "me", "--fears", "being left",
                "--needs", "reassurance", "--relations", "argues with the quiet one")  # fmt: skip
    assert added.code == 0, added.err
    assert "Added “the watcher”" in added.out
    assert run("parts", "add", "the quiet one").code == 0
    listed = run("parts")
    assert listed.code == 0
    lines = listed.out.splitlines()
    assert lines[0] == "Your parts map:"
    names = [ln.strip() for ln in lines if ln.startswith("  ") and not ln.startswith("    ")]
    assert names == ["the quiet one", "the watcher"]
    assert "What it fears: being left" in listed.out
    with opened(journal) as store, store.session() as s:
        [watcher] = [p for p in parts.list_parts(session=s) if p.name == "the watcher"]
    assert (watcher.protects, watcher.needs) == ("me", "reassurance")


def test_parts_put_away_are_listed_with_all(journal: Journal, run: Run) -> None:
    run("parts", "add", "the critic")
    with opened(journal) as store, store.session() as s:
        [critic] = parts.list_parts(session=s)
        parts.set_archived(session=s, part_id=critic.id, archived=True, now=critic.created_at)
    assert "the critic" not in run("parts").out
    assert "the critic (put away)" in run("parts", "--all").out


@pytest.mark.parametrize(
    ("argv", "message", "code"),
    [
        (("parts", "add"), "Give the part a name", 2),
        (("parts", "add", "   "), "Give the part a name", 1),
        (("parts", "add", "x", "--needs", "n" * 1001), "under 1,000", 1),
        (("parts", "list", "extra"), "To add a part", 2),
    ],
)
def test_bad_parts_are_refused_with_nothing_saved(
    journal: Journal, run: Run, argv: tuple[str, ...], message: str, code: int
) -> None:
    result = run(*argv)
    assert result.code == code and message in result.err
    with opened(journal) as store, store.session() as s:
        assert parts.list_parts(session=s) == []


def test_one_part_per_name(journal: Journal, run: Run) -> None:
    assert run("parts", "add", "the watcher").code == 0
    again = run("parts", "add", "The Watcher")
    assert again.code == 1 and "already on your map" in again.err


@pytest.mark.parametrize(
    ("kind", "default"),
    [
        ("secure-figure", secure_figure.DEFAULT_MINUTES),
        ("compassion-break", compassion_break.DEFAULT_MINUTES),
    ],
)
def test_practise_logs_the_kind_with_its_default_length(
    journal: Journal, run: Run, kind: str, default: int
) -> None:
    result = run("practise", kind)
    assert result.code == 0, result.err
    assert "Logged:" in result.out and f"{default} minutes" in result.out
    with opened(journal) as store, store.session() as s:
        found = practices.recent_of_kinds(session=s, kinds=(kind,), limit=5)
    assert [(k, secs, note) for k, _when, secs, note in found] == [(kind, default * 60, None)]


def test_practise_with_minutes_and_a_note(journal: Journal, run: Run) -> None:
    result = run("practise", "secure-figure", "--minutes", "7", "--note", "the oak again")
    assert result.code == 0 and result.err == "", result.err
    with opened(journal) as store, store.session() as s:
        found = practices.recent_of_kinds(session=s, kinds=("secure-figure",), limit=5)
    assert [(secs, note) for _k, _when, secs, note in found] == [(420, "the oak again")]


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (("practise", "secure-figure", "--minutes", "0"), 1),
        (("practise", "secure-figure", "--minutes", "300"), 1),
        (("practise", "compassion-break", "--note", "n" * 2001), 1),
    ],
)
def test_practise_refuses_what_the_rules_refuse(
    journal: Journal, run: Run, argv: tuple[str, ...], code: int
) -> None:
    assert run(*argv).code == code
    with opened(journal) as store, store.session() as s:
        assert (
            practices.count_of_kinds(
                session=s, kinds=("secure-figure", "compassion-break"), since=LONG_AGO
            )
            == 0
        )


def test_practise_knows_only_the_inner_practices(journal: Journal, run: Run) -> None:
    with pytest.raises(SystemExit) as stopped:
        run("practise", "breathing-box")
    assert stopped.value.code == 2


def test_worrying_words_bring_the_crisis_lines(journal: Journal, run: Run) -> None:
    result = run("practise", "compassion-break", "--note", "I want to die")
    assert result.code == 0
    assert "988" in result.err
    part = run("parts", "add", "the hurt one", "--fears", "I want to die")
    assert part.code == 0 and "988" in part.err
    calm = run("parts", "add", "the calm one")
    assert "988" not in calm.err
