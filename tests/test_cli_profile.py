"""The journal and its key from the terminal (earned/cli/profile.py): `earned init`,
`passphrase` and `demo`. `unlock` and `lock` are tested with the agent in
tests/test_agent.py."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from earned.cli import common, profile
from tests.support import PASSPHRASE
from tests.support.cli import Run, call, secret
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    return secret(tmp_path, PASSPHRASE)


# --- init ----------------------------------------------------------------------------------


def test_init_creates_the_journal_and_warns(
    data_dir: Path, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = call(capsys, "init", pw=pw)
    assert result.code == 0, result.err
    folder = data_dir / "profiles" / "default"
    assert str(folder) in result.out
    assert "Passphrase strength: strong" in result.out
    assert "cannot be recovered" in result.out
    assert (folder / "journal.key").exists()

    again = call(capsys, "init", pw=pw)
    assert again.code == 1
    assert "already exists" in again.err


def test_init_asks_twice_and_a_mismatch_creates_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["one calm morning", "one calm mourning"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    monkeypatch.setattr(common, "has_terminal", lambda: True)
    result = call(capsys, "init")
    assert result.code == 1
    assert "do not match" in result.err
    assert not (data_dir / "profiles" / "default" / "journal.key").exists()

    typed = iter(["one calm morning", "one calm morning"])
    assert call(capsys, "init").code == 0


def test_init_rejects_a_short_passphrase(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = call(capsys, "init", pw=secret(tmp_path, "short", "short"))
    assert result.code == 1
    assert "at least 8" in result.err
    assert not (data_dir / "profiles" / "default").exists()


# --- passphrase ----------------------------------------------------------------------------


def test_passphrase_change(
    journal: Journal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = secret(tmp_path, "a new lantern on the hill", "new")
    wrong = secret(tmp_path, "not the passphrase", "wrong")
    key_file = journal.profile.key_file
    key_before = key_file.read_bytes()

    refused = call(capsys, "passphrase", "--new-passphrase-file", str(new), pw=wrong)
    assert refused.code == 3
    assert key_file.read_bytes() == key_before

    changed = call(capsys, "passphrase", "--new-passphrase-file", str(new), pw=journal.pw)
    assert changed.code == 0, changed.err
    assert "changed" in changed.out

    assert call(capsys, "results", pw=journal.pw).code == 3
    assert call(capsys, "results", pw=new).code == 0


def test_passphrase_change_prompts_for_the_new_one(
    journal: Journal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed = iter(["a new lantern on the hill", "a new lantern on the hill"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    monkeypatch.setattr(common, "has_terminal", lambda: True)
    assert call(capsys, "passphrase", pw=journal.pw).code == 0
    new = secret(tmp_path, "a new lantern on the hill", "n")
    assert call(capsys, "results", pw=new).code == 0


# --- demo ----------------------------------------------------------------------------------


def test_demo(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = call(capsys, "demo", profile="ignored")
    assert made.code == 0, made.err
    assert "demo-passphrase" in made.out
    assert "earned --profile demo serve" in made.out
    assert not (data_dir / "profiles" / "ignored").exists()

    demo_pw = secret(tmp_path, profile.DEMO_PASSPHRASE, "demo")
    data = json.loads(call(capsys, "results", "--json", profile="demo", pw=demo_pw).out)
    assert len(data["trajectory"]) >= 10
    assert data["overall"]["anxiety"]["verdict"] == "reliable improvement"
    entries = json.loads(call(capsys, "export", profile="demo", pw=demo_pw).out)["entries"]
    assert len(entries) >= 35
    assert max(e["created_at"] for e in entries) <= common.now().isoformat()

    again = call(capsys, "demo")
    assert again.code == 1
    assert "already exists" in again.err and "--force" in again.err

    marker = data_dir / "profiles" / "demo" / "marker"
    marker.write_text("x")
    forced = call(capsys, "demo", "--force")
    assert forced.code == 0
    assert not marker.exists()


def test_no_terminal_and_no_passphrase_says_how_to_give_one(journal: Journal) -> None:
    """Piped or scheduled, with no terminal: not a GetPassWarning and echoed typing, but
    a clear message naming the two ways to pass a passphrase."""
    env = {k: v for k, v in os.environ.items() if k != "EARNED_PASSPHRASE"}
    done = subprocess.run(
        [sys.executable, "-m", "earned", "results"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # no controlling terminal, as under cron
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "no terminal to type it in" in done.stderr
    assert "--passphrase-file" in done.stderr and "EARNED_PASSPHRASE" in done.stderr
    assert "GetPassWarning" not in done.stderr


def test_a_missing_key_file_is_named_in_the_terminal(journal: Journal, run: Run) -> None:
    journal.profile.key_file.unlink()
    for argv in (("results",), ("init",)):
        result = run(*argv)
        assert result.code == 4, argv
        assert "its key file (journal.key) is missing" in result.err
    assert journal.profile.database.exists()
