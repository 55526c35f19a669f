"""Core beliefs from the terminal (earned/cli/beliefs.py): `earned belief` lists them,
`earned belief add` writes one down with its first rating, `earned belief rate` re-rates
one, with the app's rules and words; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from earned import beliefs as rules
from earned.store import beliefs as belief_store
from earned.store import personal
from earned.store.models import BeliefRow
from tests.support import PASSPHRASE
from tests.support.cli import Run
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")
CARE = "You matter, and you don't have to hold this alone"


def flat(text: str) -> str:
    """Printed words as one line (say() wraps them to the terminal)."""
    return " ".join(text.split())


def stored(j: Journal) -> list[tuple[rules.Belief, list[rules.Rating]]]:
    store, _key = personal.unlock(j.profile, PASSPHRASE)
    try:
        with store.session() as s:
            found = [belief_store.get_belief(session=s, belief_id=r.id) for r in s.query(BeliefRow)]
            return [(b, belief_store.ratings(session=s, belief_id=b.id)) for b in found]
    finally:
        store.close()


def test_add_then_rate_then_list(journal: Journal, run: Run) -> None:
    added = run("belief", "add", "I am too much for people.", "--strength", "80", "--every", "14")
    assert added.code == 0, added.err
    assert "at 80 of 100" in added.out and "every 14 days" in flat(added.out)
    [(b, [first])] = stored(journal)
    assert (b.belief, b.rerate_days, first.strength) == ("I am too much for people.", 14, 80)
    assert b.id[:8] in added.out

    rated = run("belief", "rate", b.id[:8], "65", "--alternative", "40", "--note", "a good talk")
    assert rated.code == 0, rated.err
    assert "80 then, 65 now (15 points lower)" in flat(rated.out)
    [(_b, ratings)] = stored(journal)
    assert [(r.strength, r.alternative_strength, r.note) for r in ratings] == [
        (80, None, None),
        (65, 40, "a good talk"),
    ]

    listed = run("belief")
    assert listed.code == 0, listed.err
    assert b.id[:8] in listed.out and "I am too much for people." in listed.out
    assert "65 of 100, partly true" in listed.out
    assert "re-rating is due" not in listed.out


def test_the_list_says_gently_when_a_re_rating_is_due(journal: Journal, run: Run) -> None:
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            from datetime import UTC, datetime

            belief_store.add_belief(
                session=s,
                details=rules.check_details(belief="People leave.", rerate_days="7"),
                strength=70,
                now=datetime.now(UTC) - timedelta(days=30),
            )
    finally:
        store.close()
    listed = run("belief")
    assert "a re-rating is due, whenever you're ready" in flat(listed.out)
    assert "late" not in listed.out.lower() and "missed" not in listed.out.lower()


@pytest.mark.usefixtures("journal")
def test_an_empty_list_says_how_to_begin(run: Run) -> None:
    r = run("belief")
    assert r.code == 0 and "No beliefs written yet" in r.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["belief", "add", "I am too much.", "--strength", "101"], "101 is outside"),
        (["belief", "add", "I am too much.", "--strength", "x"], "whole number"),
        (["belief", "add", "   ", "--strength", "50"], "Write the belief"),
        (["belief", "add", "b" * 301, "--strength", "50"], "301 characters"),
        (["belief", "add", "ok", "--strength", "50", "--every", "400"], "every 1 to 365"),
        (["belief", "add", "no strength given"], "earned belief add"),
        (["belief", "add", "one", "two", "--strength", "5"], "earned belief add"),
        (["belief", "rate", "abcdef12"], "earned belief rate"),
        (["belief", "rate", "abcdef12", "50"], "No belief has an id"),
        (["belief", "--strength", "5"], "earned belief add"),
    ],
)
def test_bad_input_is_refused_in_words_and_saves_nothing(
    journal: Journal, run: Run, argv: list[str], message: str
) -> None:
    r = run(*argv)
    assert r.code != 0
    assert message in r.err, r.err
    assert stored(journal) == []


def test_a_bad_rating_saves_nothing(journal: Journal, run: Run) -> None:
    run("belief", "add", "People leave.", "--strength", "70")
    [(b, _)] = stored(journal)
    r = run("belief", "rate", b.id[:8], "70", "--alternative", "-3")
    assert r.code != 0 and "-3 is outside" in r.err
    [(_b, ratings)] = stored(journal)
    assert len(ratings) == 1


def test_words_that_suggest_danger_are_saved_and_bring_the_lines(
    journal: Journal, run: Run
) -> None:
    r = run("belief", "add", "I want to kill myself when people leave.", "--strength", "90")
    assert r.code == 0, r.err
    assert CARE in r.err and "findahelpline.com" in r.err
    assert len(stored(journal)) == 1
    quiet = run("belief", "add", "People leave.", "--strength", "60")
    assert CARE not in quiet.err


@pytest.mark.usefixtures("journal")
def test_an_unknown_action_is_a_usage_error(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run("belief", "extra")
    assert stopped.value.code == 2
    assert "invalid choice: 'extra'" in capsys.readouterr().err
