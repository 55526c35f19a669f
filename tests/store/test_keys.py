"""The key file: Argon2id + AES-GCM envelope, wrong passphrases, damage, and crash safety
of a passphrase change (a fault-injected exit and real SIGKILLs at many instants)."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from earned import paths
from earned.errors import EarnedError, WrongPassphrase
from earned.paths import Profile
from earned.store import entries, keys, personal
from tests.support import T0, child_env

OLD = "a calm harbour at dawn"
NEW = "the tide comes back in"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "journal.key"


def header(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def journal_with_an_entry(root: Path) -> Profile:
    profile = paths.profile("default", root)
    store, _key = personal.set_up(profile, OLD)
    try:
        with store.session() as s:
            entries.add_entry(session=s, kind="origin", prompt=None, body="kept safe", now=T0)
    finally:
        store.close()
    return profile


def entry_bodies(profile: Profile, passphrase: str) -> list[str]:
    store, _key = personal.unlock(profile, passphrase)
    try:
        with store.session() as s:
            return [e.body for e in entries.list_entries(session=s)]
    finally:
        store.close()


# --- round trip and format ----------------------------------------------------------------


def test_create_then_unlock_gives_the_same_data_key(key_file: Path) -> None:
    data_key = keys.create(key_file, OLD)
    assert len(data_key) == 32
    assert keys.unlock(key_file, OLD) == data_key
    assert keys.unlock(key_file, OLD) == data_key  # unlocking writes nothing, repeatable
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    raw = key_file.read_bytes()
    assert data_key not in raw
    assert data_key.hex().encode() not in raw
    assert base64.b64encode(data_key) not in raw


def test_the_file_is_argon2id_and_aes_gcm_as_documented(key_file: Path) -> None:
    """Decrypt with the libraries directly, from what the file records, not via keys.py."""
    data_key = keys.create(key_file, OLD)
    h = header(key_file)
    assert (h["format"], h["version"]) == ("earned-key", 1)
    kdf = h["kdf"]
    assert kdf["name"] == "argon2id"
    # The test profile is in force and is recorded in the file.
    assert (kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"]) == (1, 8192, 1)
    assert h["wrap"]["alg"] == "AES-256-GCM"
    wrapping = hash_secret_raw(
        OLD.encode(),
        base64.b64decode(kdf["salt"]),
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_kib"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
    )
    plain = AESGCM(wrapping).decrypt(
        base64.b64decode(h["wrap"]["nonce"]),
        base64.b64decode(h["wrap"]["ciphertext"]),
        b"earned-key-v1",
    )
    assert plain == data_key


def test_salt_nonce_and_key_are_fresh_each_time(tmp_path: Path) -> None:
    a, b = tmp_path / "a.key", tmp_path / "b.key"
    key_a, key_b = keys.create(a, OLD), keys.create(b, OLD)
    assert key_a != key_b
    ha, hb = header(a), header(b)
    assert ha["kdf"]["salt"] != hb["kdf"]["salt"]
    assert ha["wrap"]["nonce"] != hb["wrap"]["nonce"]
    assert len(base64.b64decode(ha["kdf"]["salt"])) == 16


def test_real_default_parameters_round_trip(key_file: Path) -> None:
    """The only test paying for the real Argon2id cost (64 MiB, 3 passes)."""
    assert (keys.DEFAULT_KDF.time_cost, keys.DEFAULT_KDF.memory_kib) == (3, 65536)
    assert keys.DEFAULT_KDF.parallelism == 1
    data_key = keys.create(key_file, OLD, keys.DEFAULT_KDF)
    kdf = header(key_file)["kdf"]
    assert (kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"]) == (3, 65536, 1)
    # Unlocking reads the parameters from the file, whatever the environment says.
    assert keys.unlock(key_file, OLD) == data_key
    with pytest.raises(WrongPassphrase):
        keys.unlock(key_file, OLD + ".")


def test_kdf_profile_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EARNED_KDF_PROFILE", raising=False)
    assert keys.kdf_from_env() == keys.DEFAULT_KDF
    monkeypatch.setenv("EARNED_KDF_PROFILE", "test")
    assert keys.kdf_from_env() == keys.TEST_KDF


# --- wrong passphrase ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong", ["a calm harbour at dusk", "", "A CALM HARBOUR AT DAWN", OLD + " "]
)
def test_wrong_passphrase_changes_nothing(tmp_path: Path, wrong: str) -> None:
    profile = journal_with_an_entry(tmp_path)
    before = {p.name: p.read_bytes() for p in profile.folder.iterdir()}
    assert set(before) == {"journal.db", "journal.key"}
    with pytest.raises(WrongPassphrase) as error:
        personal.unlock(profile, wrong)
    assert "does not unlock this journal" in error.value.message
    assert (error.value.exit_code, error.value.status) == (3, 401)
    after = {p.name: p.read_bytes() for p in profile.folder.iterdir()}
    assert after == before  # byte-identical, and no -wal/-shm was created
    assert entry_bodies(profile, OLD) == ["kept safe"]


# --- damaged key files --------------------------------------------------------------------


def test_missing_key_file(key_file: Path) -> None:
    with pytest.raises(EarnedError, match="has not been set up"):
        keys.unlock(key_file, OLD)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated-half"),
        pytest.param(lambda raw: raw[:-3], id="truncated-end"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: os.urandom(len(raw)), id="random-bytes"),
        pytest.param(lambda raw: b"\xff\xfe" + raw, id="not-utf8"),
    ],
)
def test_unreadable_key_file_is_a_clear_error(key_file: Path, damage: Any) -> None:
    keys.create(key_file, OLD)
    key_file.write_bytes(damage(key_file.read_bytes()))
    with pytest.raises(EarnedError) as error:
        keys.unlock(key_file, OLD)
    assert not isinstance(error.value, WrongPassphrase)
    assert "is damaged and cannot be read" in error.value.message
    assert "journal itself was not changed" in error.value.message


def _edit(change: Any) -> Any:
    def apply(h: dict[str, Any]) -> Any:
        change(h)
        return h

    return apply


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda h: [h], "is not an earned key file"),
        (lambda h: "earned-key", "is not an earned key file"),
        (_edit(lambda h: h.update(format="jrnl")), "is not an earned key file"),
        (_edit(lambda h: h.pop("format")), "is not an earned key file"),
        (_edit(lambda h: h.update(version=2)), "key-file version 2, which this version"),
        (_edit(lambda h: h.pop("version")), "key-file version None"),
        (_edit(lambda h: h.pop("kdf")), "is damaged; restore it"),
        (_edit(lambda h: h.update(kdf="argon2id")), "is damaged; restore it"),
        (_edit(lambda h: h["wrap"].pop("nonce")), "is damaged; restore it"),
        (_edit(lambda h: h["kdf"].update(salt=12345)), "is damaged; restore it"),
        (_edit(lambda h: h["kdf"].update(salt="not base64!")), "is damaged; restore it"),
        (_edit(lambda h: h["kdf"].update(salt="")), "is damaged; restore it"),
        (_edit(lambda h: h["kdf"].update(time_cost="three")), "is damaged; restore it"),
        (_edit(lambda h: h["kdf"].update(time_cost=0)), "is damaged; restore it"),
        (_edit(lambda h: h["kdf"].update(memory_kib=2**40)), "is damaged; restore it"),
        (_edit(lambda h: h["kdf"].update(parallelism=0)), "is damaged; restore it"),
        (_edit(lambda h: h["wrap"].update(nonce="AAAA")), "is damaged; restore it"),
        (_edit(lambda h: h["wrap"].update(ciphertext="AAAA")), "is damaged; restore it"),
    ],
)
def test_damaged_or_unknown_key_file_is_a_clear_error(
    key_file: Path, edit: Any, message: str
) -> None:
    keys.create(key_file, OLD)
    unchecked = header(key_file)
    unchecked.pop("check")  # as a key file from before the checksum: each check still holds
    key_file.write_text(json.dumps(edit(unchecked)), "utf-8")
    before = key_file.read_bytes()
    with pytest.raises(EarnedError, match=message) as error:
        keys.unlock(key_file, OLD)
    assert not isinstance(error.value, WrongPassphrase)
    assert key_file.read_bytes() == before


def _flip_sealed_bit(h: dict[str, Any]) -> dict[str, Any]:
    sealed = bytearray(base64.b64decode(h["wrap"]["ciphertext"]))
    sealed[5] ^= 0x01
    h["wrap"]["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    return h


def test_a_flipped_bit_in_the_sealed_key_is_named_not_a_wrong_passphrase(key_file: Path) -> None:
    """It once said "that passphrase does not unlock this journal", and the person would
    keep retyping a right passphrase. The checksum tells damage apart."""
    keys.create(key_file, OLD)
    key_file.write_text(json.dumps(_flip_sealed_bit(header(key_file))), "utf-8")
    with pytest.raises(EarnedError) as error:
        keys.unlock(key_file, OLD)
    assert not isinstance(error.value, WrongPassphrase)
    assert "checksum no longer matches" in error.value.message
    assert "journal itself was not changed" in error.value.message


def test_without_a_checksum_a_flipped_sealed_bit_can_only_fail_as_a_wrong_passphrase(
    key_file: Path,
) -> None:
    """Key files from before the checksum: GCM cannot tell tampering from a wrong
    passphrase, but either way nothing opens."""
    keys.create(key_file, OLD)
    h = _flip_sealed_bit(header(key_file))
    h.pop("check")
    key_file.write_text(json.dumps(h), "utf-8")
    with pytest.raises(WrongPassphrase):
        keys.unlock(key_file, OLD)


def test_no_single_flipped_bit_anywhere_reads_as_a_wrong_passphrase(key_file: Path) -> None:
    """Every byte of a real key file, its lowest bit flipped: the right passphrase either
    still opens it (the flip changed nothing that matters) or gets a message naming the
    file; never "that passphrase does not unlock this journal"."""
    data_key = keys.create(key_file, OLD)
    raw = key_file.read_bytes()
    outcomes: dict[str, int] = {"opens": 0, "named": 0}
    for i in range(len(raw)):
        flipped = bytearray(raw)
        flipped[i] ^= 0x01
        key_file.write_bytes(bytes(flipped))
        try:
            assert keys.unlock(key_file, OLD) == data_key
            outcomes["opens"] += 1
        except WrongPassphrase:
            pytest.fail(f"a flip at byte {i} read as a wrong passphrase")
        except EarnedError as error:
            assert key_file.name in error.message
            outcomes["named"] += 1
    assert outcomes["named"] > len(raw) * 0.9


# --- changing the passphrase --------------------------------------------------------------


def test_change_rewraps_the_same_key(key_file: Path) -> None:
    data_key = keys.create(key_file, OLD)
    salt_before = header(key_file)["kdf"]["salt"]
    keys.change(key_file, OLD, NEW)
    assert keys.unlock(key_file, NEW) == data_key
    with pytest.raises(WrongPassphrase):
        keys.unlock(key_file, OLD)
    assert header(key_file)["kdf"]["salt"] != salt_before
    assert list(key_file.parent.glob(".journal.key.*.tmp")) == []
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_change_through_the_profile_keeps_the_journal(tmp_path: Path) -> None:
    profile = journal_with_an_entry(tmp_path)
    db_before = profile.database.read_bytes()
    personal.change_passphrase(profile, OLD, NEW)
    assert profile.database.read_bytes() == db_before  # only the key file is rewritten
    assert entry_bodies(profile, NEW) == ["kept safe"]
    with pytest.raises(WrongPassphrase):
        personal.unlock(profile, OLD)


def test_change_with_the_wrong_old_passphrase_changes_nothing(key_file: Path) -> None:
    keys.create(key_file, OLD)
    before = key_file.read_bytes()
    with pytest.raises(WrongPassphrase):
        keys.change(key_file, "not the passphrase", NEW)
    assert key_file.read_bytes() == before


@pytest.mark.parametrize("new", ["short", "", "1234567"])
def test_change_to_a_too_short_passphrase_changes_nothing(key_file: Path, new: str) -> None:
    keys.create(key_file, OLD)
    before = key_file.read_bytes()
    with pytest.raises(EarnedError, match="at least 8 characters"):
        keys.change(key_file, OLD, new)
    assert key_file.read_bytes() == before


def test_a_new_passphrase_is_checked_before_anything_is_written() -> None:
    with pytest.raises(EarnedError, match="at least 8"):
        keys.create(Path("/nonexistent/never/written.key"), "short")
    with pytest.raises(EarnedError, match="guessed quickly"):
        keys.create(Path("/nonexistent/never/written.key"), "password")


# --- crash safety -------------------------------------------------------------------------

CHANGE_ONCE = """
import sys
from pathlib import Path
from earned.store import keys
keys.change(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
"""


def test_crash_between_temp_file_and_rename_keeps_the_old_passphrase(tmp_path: Path) -> None:
    profile = journal_with_an_entry(tmp_path)
    key_before = profile.key_file.read_bytes()
    db_before = profile.database.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", CHANGE_ONCE, str(profile.key_file), OLD, NEW],
        env=child_env(EARNED_FAULT="after-temp-key"),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 86, done.stderr.decode()
    # The new file was fully written and synced, but never renamed into place.
    [tmp] = profile.key_file.parent.glob(".journal.key.*.tmp")
    assert keys.unlock(tmp, NEW) == keys.unlock(profile.key_file, OLD)
    assert profile.key_file.read_bytes() == key_before
    assert profile.database.read_bytes() == db_before
    assert entry_bodies(profile, OLD) == ["kept safe"]
    with pytest.raises(WrongPassphrase):
        personal.unlock(profile, NEW)
    # The leftover temp file does not get in the way of the next change.
    personal.change_passphrase(profile, OLD, NEW)
    assert not tmp.exists()
    assert entry_bodies(profile, NEW) == ["kept safe"]


def flip_forever(path: Path, ready: Any, finished: Any) -> None:
    """Flip the passphrase back and forth as fast as possible, counting finished changes,
    until killed: a SIGKILL then lands at an arbitrary instant inside some change."""
    try:
        keys.unlock(path, OLD)
        current, other = OLD, NEW
    except WrongPassphrase:
        current, other = NEW, OLD
    ready.set()
    while True:
        keys.change(path, current, other)
        current, other = other, current
        finished.value += 1


def opens_with(profile: Profile) -> list[str]:
    works = []
    for passphrase in (OLD, NEW):
        try:
            keys.unlock(profile.key_file, passphrase)
        except WrongPassphrase:
            continue
        works.append(passphrase)
    return works


def test_sigkill_at_any_instant_leaves_exactly_one_passphrase(tmp_path: Path) -> None:
    # Forked children (the fork shares the imports already made here, so each starts in
    # milliseconds rather than the ~0.7 s a fresh interpreter needs to import the store).
    fork = multiprocessing.get_context("fork")
    profile = journal_with_an_entry(tmp_path)
    db_before = profile.database.read_bytes()
    current = OLD
    total_changes = 0
    # Fixed early kill points, then longer ones until enough changes have happened: on a
    # busy machine a change takes longer, and the test must still see kills land mid-run.
    delays = [0.0, 0.001, 0.002, 0.004, 0.007, 0.011, 0.016, 0.023, 0.031, 0.05, 0.08]
    rounds = 0
    while delays:
        delay = delays.pop(0)
        rounds += 1
        ready, finished = fork.Event(), fork.RawValue("i", 0)
        child = fork.Process(target=flip_forever, args=(profile.key_file, ready, finished))
        child.start()
        assert ready.wait(timeout=30)
        time.sleep(delay)
        child.kill()  # SIGKILL
        child.join(timeout=30)
        assert child.exitcode == -signal.SIGKILL
        total_changes += finished.value
        works = opens_with(profile)
        assert len(works) == 1, f"after {delay}s: opens with {works}"
        # Either the last change it counted is in place, or the one after it had been
        # renamed into place just before the kill (before it could be counted).
        counted = current if finished.value % 2 == 0 else (NEW if current == OLD else OLD)
        one_more = NEW if counted == OLD else OLD
        assert works[0] in (counted, one_more)
        current = works[0]
        assert profile.database.read_bytes() == db_before
        if not delays and total_changes <= 10 and rounds < 20:
            delays.append(min(2.0, max(0.1, delay * 2)))
    assert total_changes > 10  # the kills landed while changes were under way
    assert entry_bodies(profile, current) == ["kept safe"]


def test_a_key_file_asking_for_gigabytes_is_refused_before_any_work(tmp_path: Path) -> None:
    """A key file asking for 4 GiB of memory was accepted (16 s and 4.2 GB per try)."""
    import json

    key_file = tmp_path / "journal.key"
    keys.create(key_file, NEW)
    header = json.loads(key_file.read_text())
    header["kdf"]["memory_kib"] = 4 * 1024 * 1024
    header.pop("check")  # whoever edits the file can drop or recompute the checksum
    key_file.write_text(json.dumps(header))
    with pytest.raises(EarnedError, match="is damaged"):
        keys.unlock(key_file, NEW)


def test_two_changes_at_once_leave_exactly_one_new_passphrase(key_file: Path) -> None:
    """Two `earned passphrase` runs once both said they had succeeded while only one of
    the new passphrases worked: the second now waits, then is told its old passphrase no
    longer opens the journal."""
    import threading

    data_key = keys.create(key_file, OLD)
    outcomes: list[str] = []

    def change_to(new: str) -> None:
        try:
            keys.change(key_file, OLD, new)
            outcomes.append(new)
        except WrongPassphrase:
            outcomes.append("refused")

    runs = [threading.Thread(target=change_to, args=(n,)) for n in (NEW, NEW + " again")]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)
    assert sorted(outcomes, key=lambda o: o == "refused")[1] == "refused"
    [winner] = [o for o in outcomes if o != "refused"]
    assert keys.unlock(key_file, winner) == data_key
    loser = NEW + " again" if winner == NEW else NEW
    with pytest.raises(WrongPassphrase):
        keys.unlock(key_file, loser)
