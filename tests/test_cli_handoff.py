"""`earned handoff`: the hand-off PDF from the terminal, written readable by its owner
only and never over another file; bad dates and sections refused with a clear message."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from earned import handoff as rules
from earned.cli import common
from earned.store import activations, people, personal
from tests.support import PASSPHRASE
from tests.support.cli import call
from tests.support.journals import Journal
from tests.support.pdf import text_of

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "now", lambda: NOW)
    import earned.cli.handoff as module

    monkeypatch.setattr(module, "now", lambda: NOW)


def a_week(journal: Journal) -> None:
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            people.add_person(session=s, name="Robin Hale", role="partner", now=NOW)
            for day in range(7):
                activations.log_activation(
                    session=s,
                    intensity=4 + day % 3,
                    now=NOW - timedelta(days=day, hours=2),
                    trigger=f"Robin Hale was late, day {day}",
                    emotions=["uneasy"],
                )
    finally:
        store.close()


def test_writes_the_chosen_sections_with_initials(
    journal: Journal, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a_week(journal)
    out = tmp_path / "summary.pdf"
    args = ("--from", "2026-05-20", "--to", "2026-06-01", "--sections", "moments,note")
    done = call(
        capsys,
        "handoff",
        *args,
        "--initials",
        "--written",
        "--note",
        "Robin Hale asked me to bring this.",
        "--output",
        str(out),
        pw=journal.pw,
    )
    assert done.code == 0, done.err
    said = " ".join(done.out.split())  # say() wraps to the terminal
    assert "From 20 May 2026 to 1 Jun 2026" in said and "summary.pdf" in said
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = text_of(out.read_bytes(), tmp_path)
    assert "Moments logged 7" in text
    assert "R. H. was late, day 3" in text and "R. H. asked me to bring this." in text
    assert "Robin" not in text and "Hale" not in text
    assert rules.words()["sections"]["results"] not in text
    again = call(capsys, "handoff", "--output", str(out), pw=journal.pw)
    assert again.code == 1 and "already there" in again.err


def test_the_default_is_four_weeks_of_every_section_without_the_moments_words(
    journal: Journal,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a_week(journal)
    monkeypatch.chdir(tmp_path)
    done = call(capsys, "handoff", pw=journal.pw)
    assert done.code == 0, done.err
    made = tmp_path / "earned-handoff-20260505-20260601.pdf"
    text = text_of(made.read_bytes(), tmp_path)
    for key in rules.SECTIONS:
        assert rules.words()["sections"][key] in text
    assert "was late" not in text and "Robin Hale" not in text


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--from", "soon"), "year-month-day"),
        (("--from", "2026-06-01", "--to", "2026-05-01"), "comes before"),
        (("--to", "2026-07-01"), "today at the latest"),
        (("--sections", "results,dreams"), "no section called dreams"),
        (("--note", "x" * (rules.MAX_NOTE + 1)), "keep it under"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    journal: Journal,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    argv: tuple[str, ...],
    said: str,
) -> None:
    out = tmp_path / "x.pdf"
    done = call(capsys, "handoff", *argv, "--output", str(out), pw=journal.pw)
    assert done.code == 1 and said in done.err
    assert not out.exists()
