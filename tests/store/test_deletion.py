"""Deleting a profile (earned.store.deletion), as both the web app and the CLI do it: the owner's
passphrase first, then the terminal key agent stopped and the folder gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from earned import agent, paths
from earned.errors import EarnedError, WrongPassphrase
from earned.store import deletion
from tests.support import PASSPHRASE
from tests.support.journals import Journal


def never() -> str:
    raise AssertionError("the passphrase was asked for")


def test_deletes_the_folder_and_stops_the_key_agent(journal_with_agent: Journal) -> None:
    prof = journal_with_agent.profile
    assert agent.fetch_key(prof) == journal_with_agent.key
    deletion.delete_profile(prof, passphrase=lambda: PASSPHRASE)
    assert not prof.folder.exists()
    assert agent.fetch_key(prof) is None
    assert not agent.socket_path(prof).exists()


def test_a_wrong_passphrase_changes_nothing(journal_with_agent: Journal) -> None:
    released: list[bool] = []
    with pytest.raises(WrongPassphrase):
        deletion.delete_profile(
            journal_with_agent.profile,
            passphrase=lambda: "not mine",
            release=lambda: released.append(True),
        )
    assert released == []
    assert journal_with_agent.profile.database.is_file()
    assert agent.fetch_key(journal_with_agent.profile) == journal_with_agent.key


def test_release_runs_after_the_check_and_before_anything_is_removed(journal: Journal) -> None:
    seen: list[bool] = []
    deletion.delete_profile(
        journal.profile,
        passphrase=lambda: PASSPHRASE,
        release=lambda: seen.append(journal.profile.database.is_file()),
    )
    assert seen == [True]
    assert not journal.profile.folder.exists()


def test_works_without_a_running_agent(journal: Journal) -> None:
    assert agent.fetch_key(journal.profile) is None
    deletion.delete_profile(journal.profile, passphrase=lambda: PASSPHRASE)
    assert not journal.profile.folder.exists()


def test_a_missing_profile_is_refused_without_asking(data_dir: Path) -> None:
    prof = paths.profile("nobody")
    with pytest.raises(EarnedError) as refused:
        deletion.delete_profile(prof, passphrase=never)
    assert refused.value.exit_code == 2
    assert "There is no profile 'nobody'" in refused.value.message


def test_a_folder_without_a_key_file_goes_without_asking(data_dir: Path) -> None:
    # e.g. a set-up that stopped half way: nobody can read what is there anyway.
    prof = paths.profile("half")
    prof.ensure_folder()
    (prof.folder / "leftover").write_text("x")
    deletion.delete_profile(prof, passphrase=never)
    assert not prof.folder.exists()


def test_backups_are_not_touched(journal: Journal, data_dir: Path) -> None:
    kept = data_dir / "backups" / "journal-backup.db"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"still encrypted")
    deletion.delete_profile(journal.profile, passphrase=lambda: PASSPHRASE)
    assert kept.read_bytes() == b"still encrypted"
