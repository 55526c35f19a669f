"""Backups on real SQLCipher files: the format (manifest, version, checksums), restore and
its refusals, automatic daily backups and how they are thinned, and delete-everything."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earned import paths
from earned.errors import EarnedError
from earned.paths import Profile
from earned.store import Store, backups, deletion, personal
from earned.store import entries as entry_store
from tests.support import PASSPHRASE, T0
from tests.support.journals import contents, fill


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return paths.profile("default", tmp_path / "data")


@pytest.fixture
def made(profile: Profile, tmp_path: Path) -> tuple[Path, tuple[object, ...]]:
    """A journal with a little of everything, backed up; (the backup, what it holds)."""
    store, key = personal.set_up(profile, PASSPHRASE)
    try:
        fill(store, 5)
        expected = contents(store)
        target = backups.write(profile, key, tmp_path / "bk", now=T0)
    finally:
        store.close()
    return target, expected


def members(backup: Path) -> dict[str, bytes]:
    with tarfile.open(backup) as tar:
        out = {}
        for m in tar.getmembers():
            f = tar.extractfile(m)
            assert f is not None
            out[m.name] = f.read()
        return out


def rewrite(backup: Path, files: dict[str, bytes]) -> None:
    with tarfile.open(backup, "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def add_entry(profile: Profile, body: str) -> None:
    store, _key = personal.unlock(profile, PASSPHRASE)
    try:
        with store.session() as s:
            entry_store.add_entry(session=s, kind="origin", prompt=None, body=body, now=T0)
    finally:
        store.close()


# --- the format -----------------------------------------------------------------------------


def test_a_backup_names_its_format_version_and_checksums(
    made: tuple[Path, object], profile: Profile
) -> None:
    target, _ = made
    assert target.name == "earned-default-20260302-093000.tar"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temp left
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    files = members(target)
    with tarfile.open(target) as tar:
        assert tar.getnames()[0] == "manifest.json"  # read first, before the big file
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "earned backup"
    assert manifest["version"] == backups.VERSION == 1
    assert manifest["made"] == "2026-03-02T09:30:00+00:00"
    assert manifest["profile"] == "default"
    assert manifest["schema"]  # the revision the copy was at
    for name in ("journal.db", "journal.key"):
        assert manifest["files"][name] == {
            "bytes": len(files[name]),
            "sha256": hashlib.sha256(files[name]).hexdigest(),
        }
    assert files["journal.key"] == profile.key_file.read_bytes()
    # Still encrypted, and nothing from the entries in the clear.
    assert not files["journal.db"].startswith(b"SQLite format 3")
    assert b"entry 1" not in files["journal.db"] and b"entry 1" not in files["manifest.json"]


def test_the_copy_holds_what_was_committed_while_the_store_was_open(
    profile: Profile, tmp_path: Path
) -> None:
    store, key = personal.set_up(profile, PASSPHRASE)
    try:
        fill(store, 5)
        expected = contents(store)
        assert profile.database.with_name("journal.db-wal").exists()  # commits still in the WAL
        target = backups.write(profile, key, tmp_path / "bk", now=T0)
    finally:
        store.close()
    other = paths.profile("other", tmp_path / "elsewhere")
    backups.restore(other, target, PASSPHRASE)
    copy = Store.personal(other.database, key)
    try:
        assert contents(copy) == expected
    finally:
        copy.close()


# --- restore ------------------------------------------------------------------------------


def test_back_up_change_restore_compare(
    made: tuple[Path, tuple[object, ...]], profile: Profile
) -> None:
    target, expected = made
    add_entry(profile, "written after the backup")
    kept = backups.restore(profile, target, PASSPHRASE, now=T0 + timedelta(days=1))
    store, _key = personal.unlock(profile, PASSPHRASE)
    try:
        assert contents(store) == expected
    finally:
        store.close()
    # The journal that was there is kept beside it, whole.
    assert kept == profile.folder.with_name("default.before-restore-20260303-093000")
    aside = paths.profile("aside", profile.folder.parent.parent)
    os.replace(kept, aside.folder)
    store, _key = personal.unlock(aside, PASSPHRASE)
    try:
        bodies = contents(store)[0]
        assert "written after the backup" in bodies
    finally:
        store.close()


def test_a_format_0_backup_from_before_the_manifest_still_restores(
    made: tuple[Path, tuple[object, ...]], profile: Profile
) -> None:
    target, expected = made
    files = members(target)
    del files["manifest.json"]
    rewrite(target, files)
    add_entry(profile, "later")
    backups.restore(profile, target, PASSPHRASE)
    store, _key = personal.unlock(profile, PASSPHRASE)
    try:
        assert contents(store) == expected
    finally:
        store.close()


def _flip_in_db(files: dict[str, bytes]) -> None:
    db = bytearray(files["journal.db"])
    db[len(db) // 2] ^= 0x01
    files["journal.db"] = bytes(db)


def _newer(files: dict[str, bytes]) -> None:
    manifest = json.loads(files["manifest.json"])
    manifest["version"] = 99
    files["manifest.json"] = json.dumps(manifest).encode()


def _extra(files: dict[str, bytes]) -> None:
    files["notes.txt"] = b"hello"


def _garbled_manifest(files: dict[str, bytes]) -> None:
    files["manifest.json"] = b"{not json"


def _legacy_flipped(files: dict[str, bytes]) -> None:
    del files["manifest.json"]
    _flip_in_db(files)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (_flip_in_db, "checksum differs"),
        (_newer, "made by a newer version of earned"),
        (_extra, "does not hold exactly a journal and its key file"),
        (_garbled_manifest, "its manifest cannot be read"),
        # Without a manifest only the page check vouches for the copy, and it catches this.
        (_legacy_flipped, "does not pass its integrity check"),
    ],
)
def test_a_damaged_backup_is_refused_with_nothing_replaced(
    made: tuple[Path, object], profile: Profile, damage: object, said: str
) -> None:
    target, _ = made
    files = members(target)
    damage(files)  # type: ignore[operator]
    rewrite(target, files)
    before = {p.name: p.read_bytes() for p in profile.folder.iterdir()}
    with pytest.raises(EarnedError, match=said) as refused:
        backups.restore(profile, target, PASSPHRASE)
    assert "Nothing was replaced" in refused.value.message
    assert {p.name: p.read_bytes() for p in profile.folder.iterdir()} == before
    assert sorted(p.name for p in profile.folder.parent.iterdir()) == ["default"]


@pytest.mark.parametrize("where", ["empty", "header", "database", "key file"])
def test_a_cut_short_or_empty_backup_file_is_refused(
    made: tuple[Path, object], profile: Profile, where: str
) -> None:
    target, _ = made
    with tarfile.open(target) as tar:
        starts = {m.name: m.offset_data for m in tar.getmembers()}
    cut = {
        "empty": 0,
        "header": 100,
        "database": starts["journal.db"] + 5000,
        "key file": starts["journal.key"] + 10,
    }[where]
    target.write_bytes(target.read_bytes()[:cut])
    with pytest.raises(EarnedError, match="Nothing was replaced"):
        backups.restore(profile, target, PASSPHRASE)
    assert sorted(p.name for p in profile.folder.parent.iterdir()) == ["default"]


def test_restore_with_another_passphrase_replaces_nothing(
    made: tuple[Path, object], profile: Profile
) -> None:
    target, _ = made
    with pytest.raises(EarnedError, match="passphrase the journal had when the backup was made"):
        backups.restore(profile, target, "not the passphrase at all")
    assert sorted(p.name for p in profile.folder.parent.iterdir()) == ["default"]


# --- automatic backups --------------------------------------------------------------------


def test_unlock_makes_one_automatic_backup_a_day(profile: Profile) -> None:
    store, _key = personal.set_up(profile, PASSPHRASE)
    fill(store, 2)
    store.close()
    assert backups.listed(profile) == []  # setting up makes none: there is nothing yet
    personal.unlock(profile, PASSPHRASE)[0].close()
    personal.unlock(profile, PASSPHRASE)[0].close()
    [first] = backups.listed(profile)
    assert first.automatic and first.path.parent == backups.automatic_folder(profile)
    assert stat.S_IMODE(first.path.parent.stat().st_mode) == 0o700
    # A day later (the clock moved by renaming the first: unlock reads the real clock).
    older = first.path.with_name(f"earned-default-{(T0 - timedelta(days=1)):%Y%m%d-%H%M%S}.tar")
    os.replace(first.path, older)
    personal.unlock(profile, PASSPHRASE)[0].close()
    assert [b.path for b in backups.listed(profile)][1:] == [older]
    assert len(backups.listed(profile)) == 2


def test_automatic_backups_are_thinned_and_manual_ones_never_touched(
    profile: Profile, tmp_path: Path
) -> None:
    store, key = personal.set_up(profile, PASSPHRASE)
    store.close()
    manual = backups.write(profile, key, backups.folder(profile), now=T0 - timedelta(days=400))
    for day in range(60):
        assert backups.automatic(profile, key, now=T0 + timedelta(days=day)) is not None
    automatic = [b.made for b in backups.listed(profile) if b.automatic]
    assert len(automatic) == backups.KEEP_DAILY + backups.KEEP_WEEKLY
    newest = T0 + timedelta(days=59)
    assert automatic[: backups.KEEP_DAILY] == [
        newest - timedelta(days=d) for d in range(backups.KEEP_DAILY)
    ]
    assert manual.exists()
    # Not due again the same day.
    assert backups.automatic(profile, key, now=newest + timedelta(hours=3)) is None


def test_an_automatic_backup_that_cannot_be_written_never_stands_in_the_way(
    profile: Profile,
) -> None:
    store, _key = personal.set_up(profile, PASSPHRASE)
    fill(store, 1)
    store.close()
    backups.folder(profile).mkdir(parents=True)
    backups.automatic_folder(profile).write_text("a file where the folder goes")
    store, _key = personal.unlock(profile, PASSPHRASE)  # unlocks all the same
    store.close()
    assert backups.listed(profile) == []


def test_an_automatic_backup_is_skipped_while_another_process_writes_one(
    profile: Profile,
) -> None:
    import fcntl

    store, key = personal.set_up(profile, PASSPHRASE)
    store.close()
    where = backups.automatic_folder(profile)
    where.mkdir(parents=True)
    with open(where / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert backups.automatic(profile, key, now=T0) is None
    assert backups.automatic(profile, key, now=T0) is not None


dates = st.lists(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=UTC)
    ),
    max_size=80,
)


@settings(max_examples=200)
@given(dates)
def test_thinning_keeps_the_newest_and_a_bounded_number(made: list[datetime]) -> None:
    removed = backups.to_remove(made)
    kept = set(made) - removed
    assert removed <= set(made)
    newest_first = sorted(set(made), reverse=True)
    assert set(newest_first[: backups.KEEP_DAILY]) <= kept
    assert len(kept) == min(len(set(made)), len(kept))
    assert len(kept) <= backups.KEEP_DAILY + backups.KEEP_WEEKLY
    # Beyond the daily ones, at most one per calendar week.
    older = [d.isocalendar()[:2] for d in kept - set(newest_first[: backups.KEEP_DAILY])]
    assert len(older) == len(set(older))
    # Thinning what is kept removes nothing more: the next day's run is stable.
    assert backups.to_remove(kept) == set()


@settings(max_examples=200)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.integers(min_value=0, max_value=100 * 3600),
)
def test_due_once_the_interval_has_passed(latest: datetime, seconds: int) -> None:
    latest = latest.replace(tzinfo=UTC)
    now = latest + timedelta(seconds=seconds)
    assert backups.due(latest, now) == (timedelta(seconds=seconds) >= backups.AUTOMATIC_EVERY)
    assert backups.due(None, now)
    # A clock set back by a day does not stop backups for a day.
    assert backups.due(now + timedelta(days=1), now)


# --- delete everything --------------------------------------------------------------------


def test_delete_everything_removes_automatic_backups_and_set_aside_journals(
    made: tuple[Path, object], profile: Profile, tmp_path: Path
) -> None:
    target, _ = made
    personal.unlock(profile, PASSPHRASE)[0].close()  # an automatic backup
    backups.restore(profile, target, PASSPHRASE)  # the journal that was there, set aside
    manual = backups.write(profile, personal.unlock(profile, PASSPHRASE)[1], tmp_path / "mine")
    other = paths.profile("other", profile.folder.parent.parent)
    personal.set_up(other, PASSPHRASE)[0].close()
    personal.unlock(other, PASSPHRASE)[0].close()
    assert any(b.automatic for b in backups.listed(profile))
    deletion.delete_profile(profile, passphrase=lambda: PASSPHRASE)
    assert backups.listed(profile) == []
    assert sorted(p.name for p in profile.folder.parent.iterdir()) == ["other"]
    assert manual.exists() and target.exists()  # made by the person: theirs
    assert len(backups.listed(other)) == 1  # another profile's: untouched


def test_sizes_read_as_people_read_them() -> None:
    assert backups.size_words(1) == "1 KB"
    assert backups.size_words(840_000) == "840 KB"
    assert backups.size_words(6_451_200) == "6.5 MB"
    assert backups.size_words(250_000_000) == "250 MB"


# --- before an upgrade --------------------------------------------------------------------

FIXTURES = Path(__file__).with_name("fixtures")


def test_a_journal_from_an_older_release_is_backed_up_before_it_is_upgraded(
    tmp_path: Path,
) -> None:
    """The upgrade fixture of the first release (tests/store/fixtures): unlocking it
    upgrades its schema, and the copy taken just before still holds the old schema."""
    import shutil

    old = paths.profile("default", tmp_path / "data")
    old.ensure_folder()
    for name in ("journal.db", "journal.key"):
        shutil.copy(FIXTURES / "schema-0001" / name, old.folder / name)
    store, key = personal.unlock(old, PASSPHRASE)
    store.close()
    found = backups.listed(old)
    [before] = [b for b in found if b.before_upgrade]
    assert before.automatic and before.path.name.endswith("-before-upgrade.tar")
    manifest = json.loads(members(before.path)["manifest.json"])
    assert manifest["schema"] == "0001"
    # The daily one came after the upgrade, at head; thinning leaves the earlier one alone.
    [daily] = [b for b in found if not b.before_upgrade]
    assert json.loads(members(daily.path)["manifest.json"])["schema"] != "0001"
    for day in range(1, 40):
        backups.automatic(old, key, now=T0 + timedelta(days=day))
    assert before.path.exists()
    # Unlocking again (already at head) makes no second one.
    personal.unlock(old, PASSPHRASE)[0].close()
    assert sum(b.before_upgrade for b in backups.listed(old)) == 1
