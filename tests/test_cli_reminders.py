"""`earned reminders`: the calendar file of /reminders from the terminal, through the full
store, with the same rules and words as the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from earned import beliefs, zones
from earned.cli import common
from earned.store import beliefs as belief_store
from earned.store import personal, settings
from tests.support import PASSPHRASE
from tests.support.cli import call
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")
NOW = datetime(
    2026, 3, 25, 9, 0, tzinfo=UTC
)  # a Wednesday, four days before Europe's clocks change
WORDS = "Nobody stays for long."


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "now", lambda: NOW)
    import earned.cli.reminders as module

    monkeypatch.setattr(module, "now", lambda: NOW)


def prepare(journal: Journal, *, rerate_days: int | None = 14) -> str:
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            settings.set_setting(session=s, key=zones.SETTING, value="Europe/Madrid")
            made = belief_store.add_belief(
                session=s,
                details=beliefs.check_details(belief=WORDS, rerate_days=rerate_days),
                strength=80,
                now=NOW - timedelta(days=20),
            )
    finally:
        store.close()
    return made.id


def test_reminders_writes_a_private_file_with_the_practice_and_the_belief(
    journal: Journal, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    belief_id = prepare(journal)
    out = tmp_path / "earned-reminders.ics"
    done = call(
        capsys,
        "reminders",
        "--practice",
        "secure-figure",
        "--days",
        "sun,thu",
        "--at",
        "20:45",
        "--output",
        str(out),
        pw=journal.pw,
    )
    assert done.code == 0, done.err
    assert f"Wrote {out}: 2 reminders." in done.out
    assert "--belief-words" in done.out
    assert out.stat().st_mode & 0o777 == 0o600
    cal = Calendar.from_ical(out.read_bytes())
    found = {str(ev["uid"]): ev for ev in cal.walk("VEVENT")}
    assert set(found) == {f"belief-{belief_id}@earned.local", "practice-secure-figure@earned.local"}
    practice = found["practice-secure-figure@earned.local"]
    assert "DTSTART;TZID=Europe/Madrid:20260326T204500" in practice.to_ical().decode()
    assert practice["rrule"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH,SU"
    assert str(found[f"belief-{belief_id}@earned.local"]["summary"]) == (
        "earned: a belief to re-rate"
    )
    assert WORDS not in out.read_text()


def test_belief_words_on_standard_output(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    prepare(journal)
    done = call(capsys, "reminders", "--belief-words", pw=journal.pw)
    assert done.code == 0, done.err
    (event,) = Calendar.from_ical(done.out).walk("VEVENT")
    assert str(event["summary"]) == f'earned: re-rate "{WORDS}"'
    assert event["rrule"].to_ical() == b"FREQ=DAILY;INTERVAL=14"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--practice", "jogging", "--days", "mon"], "Choose one of these practices"),
        (["--practice", "breathing", "--days", "someday"], "is not a day of the week"),
        (["--practice", "breathing"], "at least one day"),
        (["--practice", "breathing", "--days", "mon", "--at", "7pm"], "e.g. 08:30"),
        (["--days", "mon"], "go with --practice"),
    ],
)
def test_choices_that_cannot_be_read_write_nothing(
    journal: Journal,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    argv: list[str],
    said: str,
) -> None:
    out = tmp_path / "r.ics"
    done = call(capsys, "reminders", *argv, "--output", str(out), pw=journal.pw)
    assert done.code == 1
    assert said in done.err
    assert not out.exists()


def test_nothing_to_remind_of_writes_nothing(
    journal: Journal, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    prepare(journal, rerate_days=None)
    out = tmp_path / "r.ics"
    done = call(capsys, "reminders", "--output", str(out), pw=journal.pw)
    assert done.code == 1
    assert "nothing to put in a calendar" in done.err
    assert not out.exists()
