"""A personal journal on disk: set up, unlock, damage, backup, concurrent writers and
a killed process, all on real SQLCipher files."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from earned import paths
from earned.errors import EarnedError
from earned.paths import Profile
from earned.store import entries as entry_store
from earned.store import personal, sqlcipher
from tests.support import PASSPHRASE, T0, child_env
from tests.support.journals import Journal, contents, fill


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return paths.profile("default", tmp_path / "data")


# --- set up and unlock --------------------------------------------------------------------


def test_set_up_then_unlock(profile: Profile) -> None:
    store, key = personal.set_up(profile, PASSPHRASE)
    fill(store, 3)
    expected = contents(store)
    store.close()
    assert stat.S_IMODE(profile.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(profile.key_file.stat().st_mode) == 0o600
    # The file on disk is encrypted: no SQLite header, no text from the entries.
    raw = profile.database.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert b"entry 1" not in raw and b"words" not in raw
    again, key_again = personal.unlock(profile, PASSPHRASE)
    try:
        assert key_again == key
        assert contents(again) == expected
    finally:
        again.close()


def test_set_up_refuses_to_overwrite(profile: Profile) -> None:
    store, _key = personal.set_up(profile, PASSPHRASE)
    fill(store, 2)
    store.close()
    before = {p.name: p.read_bytes() for p in profile.folder.iterdir()}
    with pytest.raises(EarnedError, match="A journal already exists in"):
        personal.set_up(profile, "another passphrase entirely")
    assert {p.name: p.read_bytes() for p in profile.folder.iterdir()} == before
    # Also when only the database is there (the key file was lost or moved): said as such.
    profile.key_file.unlink()
    with pytest.raises(EarnedError, match=r"its key file \(journal\.key\) is missing"):
        personal.set_up(profile, "another passphrase entirely")
    assert profile.database.read_bytes() == before["journal.db"]
    assert not profile.key_file.exists()


def test_set_up_with_a_short_passphrase_creates_nothing(profile: Profile) -> None:
    with pytest.raises(EarnedError, match="at least 8 characters"):
        personal.set_up(profile, "short")
    assert not profile.folder.exists()


def test_unlock_without_a_journal(profile: Profile) -> None:
    with pytest.raises(EarnedError) as error:
        personal.unlock(profile, PASSPHRASE)
    assert "There is no journal in" in error.value.message
    assert "earned init" in error.value.message
    assert error.value.exit_code == 2
    assert not profile.folder.exists()


def test_unlock_with_the_journal_file_missing_does_not_make_an_empty_one(
    profile: Profile,
) -> None:
    store, _key = personal.set_up(profile, PASSPHRASE)
    fill(store, 1)
    store.close()
    profile.database.rename(profile.folder / "moved-away.db")
    with pytest.raises(EarnedError) as error:
        personal.unlock(profile, PASSPHRASE)
    assert "journal file journal.db is missing" in error.value.message
    assert "Nothing was created" in error.value.message
    assert not profile.database.exists()


# --- damage -------------------------------------------------------------------------------


def damaged_journal(profile: Profile, damage: str) -> bytes:
    store, _key = personal.set_up(profile, PASSPHRASE)
    fill(store, 80, size=60)  # ~40 KB of text, many pages
    store.close()
    raw = bytearray(profile.database.read_bytes())
    assert len(raw) > 20 * 4096
    if damage == "middle":
        middle = len(raw) // 2
        raw[middle : middle + 64] = os.urandom(64)
    elif damage == "first-page":
        raw[100:164] = os.urandom(64)
    elif damage == "random-file":
        raw = bytearray(os.urandom(len(raw)))
    elif damage == "truncated":
        raw = raw[: len(raw) // 2 + 1000]
    elif damage == "text-file":
        raw = bytearray(b"these are not the bytes of a journal\n" * 100)
    profile.database.write_bytes(bytes(raw))
    return bytes(raw)


@pytest.mark.parametrize(
    "damage", ["middle", "first-page", "random-file", "truncated", "text-file"]
)
def test_a_damaged_journal_is_a_clear_error_and_is_left_alone(
    profile: Profile, damage: str
) -> None:
    before = damaged_journal(profile, damage)
    with pytest.raises(EarnedError) as error:
        personal.unlock(profile, PASSPHRASE)
    message = error.value.message
    assert message.startswith("The journal file journal.db cannot be read: it is damaged")
    assert "Nothing was changed" in message and "backup" in message
    assert error.value.exit_code == 4
    assert profile.database.read_bytes() == before
    # Damage only the full check finds (connect reads page 1 alone) leaves its marker, so
    # the quick path refuses too; the journal and its key are untouched either way.
    marker = ["journal.db.needs-restore"] if damage == "middle" else []
    assert sorted(p.name for p in profile.folder.iterdir()) == [
        "journal.db",
        *marker,
        "journal.key",
    ]


def test_the_wrong_data_key_reads_as_damage_without_writing(profile: Profile) -> None:
    store, _key = personal.set_up(profile, PASSPHRASE)
    store.close()
    before = profile.database.read_bytes()
    with pytest.raises(EarnedError, match="cannot be read"):
        personal.open_with_key(profile, os.urandom(32))
    with pytest.raises(EarnedError, match="cannot be read"):
        sqlcipher.connect(profile.database, os.urandom(32))
    assert profile.database.read_bytes() == before


# --- several processes --------------------------------------------------------------------

WRITER = """
import os, sys, time
from datetime import UTC, datetime
from pathlib import Path
from earned.store import Store, assessments, entries as entry_store, settings
path, tag, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
store = Store.personal(path, bytes.fromhex(os.environ["TEST_DATA_KEY"]))
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
for i in range(200):
    with store.session() as s:
        entry_store.add_entry(session=s, kind="origin", prompt=None, body=f"{tag} {i}",
                       now=datetime.now(UTC))
store.close()
print("done", flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing(profile: Profile, tmp_path: Path) -> None:
    store, key = personal.set_up(profile, PASSPHRASE)
    store.close()
    go = tmp_path / "go"
    env = child_env(TEST_DATA_KEY=key.hex())
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(profile.database), tag, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("left", "right")
    ]
    try:
        for w in writers:
            assert w.stdout is not None
            assert w.stdout.readline().strip() == "ready", w.communicate()[1]
        go.touch()  # both start their 200 transactions together
        results = [w.communicate(timeout=120) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
    for w, (out, err) in zip(writers, results, strict=True):
        assert w.returncode == 0, err
        assert out.strip() == "done"
        assert "locked" not in err.lower()
    again, _key = personal.unlock(profile, PASSPHRASE)
    try:
        bodies = contents(again)[0]
    finally:
        again.close()
    assert len(bodies) == 400
    assert sorted(bodies) == sorted(
        [f"left {i}" for i in range(200)] + [f"right {i}" for i in range(200)]
    )


KILLED = """
import os, sys, time
from datetime import UTC, datetime
from pathlib import Path
from earned.store import Store, assessments, entries as entry_store, settings
store = Store.personal(Path(sys.argv[1]), bytes.fromhex(os.environ["TEST_DATA_KEY"]))
with store.session() as s:
    e = entry_store.add_entry(session=s, kind="origin", prompt=None, body="committed",
                       now=datetime.now(UTC))
print(e.id, flush=True)
with store.session() as s:
    entry_store.add_entry(session=s, kind="origin", prompt=None, body="never committed",
                   now=datetime.now(UTC))
    print("pending", flush=True)
    time.sleep(600)
"""


def test_a_committed_write_survives_sigkill(profile: Profile) -> None:
    store, key = personal.set_up(profile, PASSPHRASE)
    store.close()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(profile.database)],
        env=child_env(TEST_DATA_KEY=key.hex()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        committed_id = child.stdout.readline().strip()
        assert len(committed_id) == 32, child.communicate()[1]
        assert child.stdout.readline().strip() == "pending"
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    # The commit is only in the write-ahead log: nothing had checkpointed it.
    assert profile.database.with_name("journal.db-wal").stat().st_size > 0
    again, _key = personal.unlock(profile, PASSPHRASE)
    try:
        with again.session() as s:
            entries = entry_store.list_entries(session=s)
            assert [e.body for e in entries] == ["committed"]
            assert entries[0].id == committed_id
            assert abs(entries[0].created_at - datetime.now(UTC)) < timedelta(minutes=5)
        # And the journal is writable again: the dead process's lock is gone.
        with again.session() as s:
            entry_store.add_entry(session=s, kind="origin", prompt=None, body="after", now=T0)
    finally:
        again.close()


def test_an_empty_journal_file_is_damage_not_a_new_journal(journal: Journal) -> None:
    """A zero-byte journal.db beside its key file was opened as a new, empty journal: the
    history vanished and new writes went into the empty file. Every way in now refuses
    and writes nothing."""
    from earned.store import quick

    journal.profile.database.write_bytes(b"")
    for stale in ("journal.db-wal", "journal.db-shm"):
        journal.profile.folder.joinpath(stale).unlink(missing_ok=True)
    with pytest.raises(EarnedError, match="is empty, although its key file is here"):
        personal.open_with_key(journal.profile, journal.key)
    with pytest.raises(EarnedError, match="is empty"):
        personal.unlock(journal.profile, PASSPHRASE)
    with pytest.raises(EarnedError, match="is empty"):
        quick.open_journal(journal.profile, journal.key)
    assert journal.profile.database.stat().st_size == 0
    assert sorted(p.name for p in journal.profile.folder.iterdir()) == [
        "journal.db",
        "journal.key",
    ]
