"""`earned ladder` (earned/cli/ladder.py): the list with evidence and where to go next, adding
a rung, a try in one line, plan now and note later, an urge timer counted on its rung,
and clear refusals with nothing saved."""

from __future__ import annotations

import re

import pytest

from earned import ladder as rules
from earned.store import ladder, personal, urge_timers
from earned.store.models import LadderAttemptRow
from tests.support import PASSPHRASE
from tests.support.cli import Run, raw
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


def ok(run: Run, *argv: str) -> str:
    result = run(*argv)
    assert result.code == 0, result.err
    return result.out


def rows(journal: Journal) -> list[tuple[object, ...]]:
    return raw(
        journal,
        "SELECT predicted, actual, went_well, feared, happened, person_name, done_at IS NULL "
        "FROM ladder_attempts ORDER BY planned_at",
    )


def test_an_empty_ladder_says_how_to_begin(journal: Journal, run: Run) -> None:
    out = ok(run, "ladder")
    assert "No rungs yet" in out and "earned ladder add" in out


def test_a_try_in_one_line_grows_the_evidence_until_the_next_rung_is_suggested(
    journal: Journal, run: Run
) -> None:
    assert "Rung 1" in ok(run, "ladder", "add", "Share one more thing", "--difficulty", "55")
    added = ok(run, "ladder", "add", "Ask Sam for a lift", "--difficulty", "30")
    assert "Rung 1" in added  # the easier one goes first
    out = ok(
        run, "ladder", "try", "1", "--predicted", "60", "--actual", "30", "--went-well",
        "--fear", "he says no", "--happened", "he said yes", "--with", "Sam",
    )  # fmt: skip
    assert "expected 60, was 30" in out and "1 time it went reasonably well" in out
    assert rows(journal) == [(60, 30, 1, "he says no", "he said yes", "Sam", 0)]
    listed = ok(run, "ladder")
    assert "1 of 3" in listed and "← next" not in listed
    ok(run, "ladder", "try", "1", "--predicted", "50", "--actual", "60", "--harder")
    for _ in range(rules.EVIDENCE_TO_CLIMB - 1):
        ok(run, "ladder", "try", "1", "--predicted", "40", "--actual", "20", "--went-well")
    listed = ok(run, "ladder")
    (next_line,) = [line for line in listed.splitlines() if "← next" in line]
    assert "Share one more thing" in next_line
    assert "the next rung up is “Share one more thing”" in " ".join(listed.split())
    assert "3 times it went reasonably well" in listed


def test_plan_now_and_note_how_it_went_later(journal: Journal, run: Run) -> None:
    ok(run, "ladder", "add", "Ask Sam for a lift", "--difficulty", "30")
    rung_id = str(raw(journal, "SELECT id FROM ladder_rungs")[0][0])
    planned = ok(run, "ladder", "try", rung_id[:6], "--predicted", "70", "--fear", "a no")
    assert "expecting 70 out of 100" in planned and "earned ladder done" in planned
    assert rows(journal) == [(70, None, None, "a no", None, None, 1)]
    assert "has a try planned" in ok(run, "ladder")
    done = ok(run, "ladder", "done", "1", "--actual", "25", "--went-well", "--happened", "fine")
    assert "expected 70, was 25" in done
    assert rows(journal) == [(70, 25, 1, "a no", "fine", None, 0)]
    again = run("ladder", "done", "1", "--actual", "25", "--went-well")
    assert again.code == 1 and "no planned try waiting" in again.err


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["try", "1"], 2, "Give --predicted N"),
        (["try", "1", "--predicted", "60", "--actual", "30"], 2, "--went-well or --harder"),
        (["try", "1", "--predicted", "160"], 1, "A number from 0"),
        (
            [
                "try",
                "1",
                "--predicted",
                "6",
                "--actual",
                "3",
                "--went-well",
                "--happened",
                "h" * (rules.MAX_HAPPENED + 1),
            ],
            1,
            "what happened",
        ),
        (["try", "7", "--predicted", "6"], 1, "There is no rung 7"),
        (["try", "zz", "--predicted", "6"], 1, "is not a rung"),
        (["done", "1", "--actual", "3"], 2, "--went-well or --harder"),
        (["add", "", "--difficulty", "3"], 1, "What is the step"),
        (["add", "x", "--difficulty", "high"], 1, "A number from 0"),
    ],
)
def test_refusals_are_clear_and_save_nothing(
    journal: Journal, run: Run, argv: list[str], code: int, message: str
) -> None:
    ok(run, "ladder", "add", "Ask Sam for a lift", "--difficulty", "30")
    result = run("ladder", *argv)
    assert result.code == code
    assert message in result.err
    assert raw(journal, "SELECT count(*) FROM ladder_attempts") == [(0,)]
    assert raw(journal, "SELECT count(*) FROM ladder_rungs") == [(1,)]


def test_a_repeat_token_saves_one_try(journal: Journal, run: Run) -> None:
    ok(run, "ladder", "add", "Ask Sam for a lift", "--difficulty", "30")
    for _ in range(2):
        ok(run, "ladder", "try", "1", "--predicted", "60", "--token", "t-1")
    assert raw(journal, "SELECT count(*) FROM ladder_attempts") == [(1,)]


def test_a_finished_urge_timer_is_counted_on_its_rung(journal: Journal, run: Run) -> None:
    from datetime import UTC, datetime, timedelta

    ok(run, "ladder", "add", "Wait before the text", "--difficulty", "40", "--urge",
       "send a reassurance text")  # fmt: skip
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    start = datetime.now(UTC) - timedelta(hours=1)
    try:
        with store.session() as s:
            timer = urge_timers.start_urge(session=s, urge="Send a reassurance text!", now=start)
            urge_timers.end_urge(
                session=s, urge_id=timer.id, outcome="passed", now=start + timedelta(minutes=9)
            )
    finally:
        store.close()
    listed = ok(run, "ladder")
    assert "1 finished urge timer matches rung 1" in listed
    out = ok(run, "ladder", "try", "1", "--timer", timer.id[:8], "--actual", "20")
    assert "expected 40, was 20; it went reasonably well" in " ".join(out.split())
    ((linked, predicted, well),) = raw(
        journal, "SELECT urge_delay_id, predicted, went_well FROM ladder_attempts"
    )
    assert (linked, predicted, well) == (timer.id, 40, 1)
    assert "urge timer" not in ok(run, "ladder")
    assert re.search(r"timer", run("ladder", "try", "1", "--timer", "abc", "--actual", "2").err)


def test_the_store_and_the_cli_agree_on_the_order(journal: Journal, run: Run) -> None:
    for title, difficulty in (("c", "70"), ("a", "10"), ("b", "40")):
        ok(run, "ladder", "add", title, "--difficulty", difficulty)
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            listed = [r.title for r in ladder.rungs(session=s)]
    finally:
        store.close()
    shown = [
        line.split()[3] for line in ok(run, "ladder").splitlines() if re.match(r"\s+\d ", line)
    ]
    assert listed == shown == ["a", "b", "c"]
    assert LadderAttemptRow.__tablename__ == "ladder_attempts"
