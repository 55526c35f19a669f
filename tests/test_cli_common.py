"""What every command shares (earned/cli/common.py): where the passphrase comes from, the
chosen profile, times given with --at and text made safe for a terminal."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earned.cli import common
from earned.errors import EarnedError
from tests.support import PASSPHRASE
from tests.support.cli import call, count, demo_export, earned, on_terminal, secret
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


# --- passphrases and profiles --------------------------------------------------------------


def test_passphrase_from_environment(
    journal: Journal, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EARNED_PASSPHRASE", PASSPHRASE)
    assert call(capsys, "results").code == 0


def test_wrong_passphrase_is_a_clear_message_and_exit_3(
    journal: Journal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = secret(tmp_path, "not the passphrase", "wrong")
    result = call(capsys, "results", pw=wrong)
    assert result.code == 3
    assert "does not unlock" in result.err

    done = earned("--passphrase-file", str(wrong), "export")
    assert done.returncode == 3
    assert "does not unlock" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_an_unreadable_or_empty_passphrase_file_is_a_clear_message(
    journal: Journal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = call(capsys, "results", pw=secret(tmp_path, "", "empty"))
    assert empty.code == 1 and "is empty" in empty.err
    missing = call(capsys, "results", pw=tmp_path / "nowhere")
    assert missing.code == 1 and "Cannot read the passphrase file" in missing.err


def test_a_read_only_command_does_not_say_nothing_was_changed(
    journal: Journal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = secret(tmp_path, "not the passphrase", "wrong")
    for reading in (["results"], ["open"], ["list"], ["export"]):
        result = call(capsys, *reading, pw=wrong)
        assert result.code == 3, reading
        assert result.err == (
            "earned: That passphrase does not unlock this journal. Please try again.\n"
        ), reading
    for writing in (["log", "5"], ["import", str(demo_export(tmp_path))]):
        result = call(capsys, *writing, pw=wrong)
        assert result.code == 3, writing
        assert "does not unlock this journal. Nothing was changed;" in result.err, writing
    assert count(journal) == 0


def test_a_passphrase_from_a_file_or_the_environment_gets_one_try(
    journal: Journal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(common, "has_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or "wrong")
    monkeypatch.setattr("sys.stdin", _Tty())
    result = call(capsys, "results", pw=secret(tmp_path, "not the passphrase", "wrong"))
    assert result.code == 3 and "try again (" not in result.err
    monkeypatch.setenv("EARNED_PASSPHRASE", "not the passphrase either")
    result = call(capsys, "results")
    assert result.code == 3 and "try again (" not in result.err
    assert asked == []


def test_without_a_terminal_on_standard_input_a_prompt_gets_one_try(
    journal: Journal, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script piping into earned, with a terminal still around for getpass: asking again
    could wait for ever, so one try."""
    asked: list[str] = []
    monkeypatch.setattr(common, "has_terminal", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or "wrong")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    result = call(capsys, "results")
    assert result.code == 3
    assert asked == ["Passphrase: "]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_wrong_passphrase_typed_at_the_prompt_is_asked_again_three_times_in_all(
    journal: Journal,
) -> None:
    done = on_terminal(
        "results",
        replies=[("Passphrase:", "first"), ("Passphrase:", "second"), ("Passphrase:", "third")],
    )
    assert done.code == 3, done.shown
    assert done.shown.count("Passphrase:") == 3
    assert "try again (2 of 3)" in done.shown and "try again (3 of 3)" in done.shown
    assert done.shown.rstrip().endswith(
        "earned: That passphrase does not unlock this journal. Please try again."
    )
    assert "Nothing was changed" not in done.shown


def test_the_right_passphrase_on_a_later_try_goes_ahead(journal: Journal) -> None:
    done = on_terminal(
        "log", "6", "late again", replies=[("Passphrase:", "first"), ("Passphrase:", PASSPHRASE)]
    )
    assert done.code == 0, done.shown
    assert "try again (2 of 3)" in done.shown and "(3 of 3)" not in done.shown
    assert "Logged: intensity 6" in done.shown
    assert count(journal) == 1


def test_a_writing_command_says_nothing_was_changed_after_three_tries(journal: Journal) -> None:
    done = on_terminal(
        "log", "6", replies=[("Passphrase:", "a"), ("Passphrase:", "b"), ("Passphrase:", "c")]
    )
    assert done.code == 3, done.shown
    assert "does not unlock this journal. Nothing was changed; please try again." in done.shown
    assert count(journal) == 0


def test_delete_everything_asks_again_at_the_prompt(journal: Journal) -> None:
    done = on_terminal(
        "delete-everything",
        "--yes-i-am-sure",
        replies=[("Passphrase:", "not it"), ("Passphrase:", PASSPHRASE)],
    )
    assert done.code == 0, done.shown
    assert "try again (2 of 3)" in done.shown
    assert not journal.profile.folder.exists()


def test_a_passphrase_in_the_environment_is_not_asked_again_on_a_terminal(
    journal: Journal,
) -> None:
    done = on_terminal("results", replies=[], EARNED_PASSPHRASE="not the passphrase")
    assert done.code == 3, done.shown
    assert "Passphrase:" not in done.shown and "try again (" not in done.shown


@pytest.mark.usefixtures("data_dir")
def test_missing_journal_says_how_to_create_one(capsys: pytest.CaptureFixture[str]) -> None:
    result = call(capsys, "results", profile="nobody")
    assert result.code == 2
    assert "earned --profile nobody init" in result.err


@pytest.mark.usefixtures("data_dir")
def test_bad_profile_name(capsys: pytest.CaptureFixture[str]) -> None:
    result = call(capsys, "results", profile="Not Valid")
    assert result.code == 1
    assert "profile name" in result.err


# --- times and text ------------------------------------------------------------------------


def test_parse_at() -> None:
    local = datetime.now().astimezone().tzinfo
    now = datetime(2026, 3, 2, 15, 0, tzinfo=local)
    assert common.parse_at("14:05", now) == datetime(2026, 3, 2, 14, 5, tzinfo=local)
    assert common.parse_at(" 9:30 ", now) == datetime(2026, 3, 2, 9, 30, tzinfo=local)
    assert common.parse_at("2026-03-01T23:40", now) == datetime(2026, 3, 1, 23, 40, tzinfo=local)
    assert common.parse_at("2026-03-01 23:40+02:00", now) == datetime(
        2026, 3, 1, 21, 40, tzinfo=UTC
    )
    assert common.parse_at("yesterday 23:40", now) == datetime(2026, 3, 1, 23, 40, tzinfo=local)
    with pytest.raises(EarnedError, match="For yesterday, say so: yesterday 23:59"):
        common.parse_at("23:59", now)
    assert common.parse_at("2026-03-03 09:00", now, future=True) > now  # `list --to` a day ahead
    for bad in ("", "14h05", "24:00", "2026-13-01"):
        with pytest.raises(EarnedError, match="not a time"):
            common.parse_at(bad, now)


def test_the_help_gives_the_times_earned_understands() -> None:
    from earned import times

    assert common.AT_EXAMPLES == times.EXAMPLES
    local = datetime.now().astimezone().tzinfo
    now = datetime(2026, 3, 2, 23, 0, tzinfo=local)
    for example in common.AT_EXAMPLES.split(", "):
        assert common.parse_at(example, now) <= now, example


def test_log_at_yesterday_on_the_command_line(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    result = call(capsys, "log", "4", "--at", "yesterday 14:00", pw=journal.pw)
    assert result.code == 0, result.err
    assert "intensity 4 at yesterday 14:00" in result.out
    wrong = call(capsys, "log", "4", "--at", "tomorrow 9:00", pw=journal.pw)
    assert wrong.code == 1 and "is not a time earned understands" in wrong.err
    assert count(journal) == 1


def test_when_names_today_yesterday_and_older_days() -> None:
    local = datetime.now().astimezone().tzinfo
    now = datetime(2026, 3, 2, 15, 0, tzinfo=local)
    assert common.when(datetime(2026, 3, 2, 14, 5, tzinfo=local), now) == "14:05"
    assert common.when(datetime(2026, 3, 1, 23, 40, tzinfo=local), now) == "yesterday 23:40"
    assert common.when(datetime(2026, 2, 23, 9, 0, tzinfo=local), now) == "Mon 23 Feb 09:00"
    assert common.when(datetime(2025, 2, 23, 9, 0, tzinfo=local), now) == "Sun 23 Feb 2025 09:00"


def test_plain_removes_control_characters_and_shortens() -> None:
    assert common.plain("he said \x1b[31mred\x1b[0m things") == "he said  [31mred [0m things"
    assert common.plain(None) == ""
    assert common.plain("x" * 61) == "x" * 59 + "…"


def test_output_never_prints_control_characters(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(capsys, "log", "4", "he said \x1b[31mred\x1b[0m things").code == 0
    out = call(capsys, "open").out
    assert "\x1b" not in out
    assert "he said  [31mred [0m things" in out
