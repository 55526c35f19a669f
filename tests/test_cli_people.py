"""The people ledger from the terminal (earned/cli/people.py): `earned people` to list,
add and rate, `earned rupture` to log one; the same rules as the app's pages."""

from __future__ import annotations

import pytest

from earned.store import people, personal
from tests.support import PASSPHRASE
from tests.support.cli import Run
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


def test_add_rate_and_list(journal: Journal, run: Run) -> None:
    empty = run("people")
    assert empty.code == 0 and "No one in your ledger yet" in empty.out
    added = run("people", "add", "Sam", "--role", "partner")
    assert added.code == 0, added.err
    assert "In your ledger: Sam (partner)." in added.out
    assert run("people", "add", "Maya", "--role", "friend").code == 0
    rated = run("people", "rate", "sa", "4", "5", "3", "--note", "steady week")
    assert rated.code == 0, rated.err
    assert "consistently there for you" in rated.out
    listed = run("people")
    rows = [line for line in listed.out.splitlines() if line.startswith("  ")]
    assert [r.split()[0] for r in rows] == ["Maya", "Sam"]
    assert "not rated yet" in rows[0] and "consistency 4" in rows[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["people", "add", "Jo", "--role", "boss"], "Choose one of these roles"),
        (["people", "rate", "Sam", "4", "6", "3"], "Availability runs from 1 to 5"),
        (["people", "rate", "Sam", "4", "5"], "Give three ratings"),
        (["people", "rate", "Alex", "4", "5", "3"], "No one called 'Alex'"),
        (["people", "dance"], "earned people add NAME"),
        (["rupture", "Sam", "   "], "what happened"),
        (["rupture", "Sam", "we argued", "--reached-out", "nobody"], "me, them, both, not-yet"),
    ],
)
def test_bad_input_is_refused_with_nothing_saved(
    journal: Journal, run: Run, argv: list[str], message: str
) -> None:
    assert run("people", "add", "Sam", "--role", "partner").code == 0
    result = run(*argv)
    assert result.code != 0 and message in result.err
    store, _ = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            (sam,) = people.list_people(session=s)
            assert people.ratings_of(session=s, person_id=sam.id) == []
            assert people.all_ruptures(session=s, person_id=sam.id) == []
    finally:
        store.close()


def test_a_rupture_is_logged_with_the_persons_name(journal: Journal, run: Run) -> None:
    assert run("people", "add", "Sam", "--role", "partner").code == 0
    logged = run("rupture", "sam", "we argued about the trip", "--reached-out", "me", "--repaired")
    assert logged.code == 0, logged.err
    assert "Logged a rupture with Sam" in logged.out and "repaired" in logged.out
    open_one = run("rupture", "Sam", "a cold evening", "--at", "2 hours ago")
    assert "not repaired yet" in open_one.out
    store, _ = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            (sam,) = people.list_people(session=s)
            ruptures = sorted(people.all_ruptures(session=s, person_id=sam.id),
                              key=lambda r: r.happened_at)  # fmt: skip
    finally:
        store.close()
    assert [r.what for r in ruptures] == ["a cold evening", "we argued about the trip"]
    assert ruptures[1].reached_out == "me" and ruptures[1].repaired
    assert not ruptures[0].repaired and ruptures[0].person_name == "Sam"
