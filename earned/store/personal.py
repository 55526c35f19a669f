"""A personal journal on disk: set up, unlock, change passphrase, back up.

Ties the key file (store.keys) to the encrypted database (store.engine) for one
profile folder. The only place that turns a passphrase into an open Store.
"""

from __future__ import annotations

import errno
import os
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from earned import passphrases
from earned.errors import EarnedError, WrongPassphrase
from earned.paths import Profile
from earned.store import Store, keys, sqlcipher


def set_up(profile: Profile, passphrase: str) -> tuple[Store, bytes]:
    """Create a new journal protected by `passphrase`. Refuses to overwrite one."""
    profile.check_key_file()
    if profile.exists or profile.database.exists():
        raise EarnedError(
            f"A journal already exists in {profile.folder}. Unlock it instead, or choose "
            "another profile."
        )
    passphrases.check_new(passphrase)
    profile.ensure_folder()
    data_key = keys.create(profile.key_file, passphrase)
    return Store.personal(profile.database, data_key), data_key


def unlock(profile: Profile, passphrase: str) -> tuple[Store, bytes]:
    """Open an existing journal; a wrong passphrase raises WrongPassphrase, writing nothing."""
    profile.check_key_file()
    if not profile.exists:
        raise EarnedError(
            f"There is no journal in {profile.folder} yet. Run `earned init` or open the app "
            "to create one.",
            exit_code=2,
        )
    data_key = keys.unlock(profile.key_file, passphrase)
    return open_with_key(profile, data_key), data_key


def open_with_key(profile: Profile, data_key: bytes) -> Store:
    """Open the existing database; a missing one is an error, never silently recreated."""
    if not profile.database.exists():
        # SQLite would create an empty file here, and the person would find an empty
        # journal (then write into it) instead of learning that theirs has gone missing.
        raise EarnedError(
            f"The key file is in {profile.folder} but the journal file {profile.database.name} "
            "is missing. Nothing was created. Put it back, or restore from a backup "
            "(see `earned backup`).",
            exit_code=4,
            status=500,
        )
    if profile.database.stat().st_size == 0:
        # An empty file where the journal should be is damage (a failed copy, a full disk),
        # not a new journal: SQLite would happily start an empty one in it, and the
        # person's history would silently vanish while new writes went into the empty file.
        raise EarnedError(
            f"The journal file {profile.database} is empty, although its key file is here: "
            "it was cut short or replaced. Nothing was written to it. Restore your "
            "latest backup (`earned backup` keeps them in the data folder's backups).",
            exit_code=4,
            status=500,
        )
    return Store.personal(profile.database, data_key)


def change_passphrase(profile: Profile, old: str, new: str) -> None:
    """Atomic: only the small key file is rewritten; the database is untouched."""
    keys.change(profile.key_file, old, new)


def backup(profile: Profile, data_key: bytes, dest_dir: Path, now: datetime | None = None) -> Path:
    """Write a consistent, still-encrypted copy of the journal and its key file as one .tar.

    The database copy is taken with SQLite's online backup API, so writers may
    keep working; the archive is written to a temp name and renamed at the end.
    """
    if dest_dir.exists() and not dest_dir.is_dir():
        raise EarnedError(
            f"{dest_dir} is a file, and a backup goes into a folder. Nothing was written, "
            "and your journal is unchanged; give a folder with --dest."
        )
    import sqlcipher3.dbapi2 as dbapi

    try:
        return _write_backup(profile, data_key, dest_dir, now)
    except dbapi.OperationalError as exc:
        if "full" not in str(exc):
            raise
        raise EarnedError(
            f"The backup could not be written to {dest_dir} (the disk is full). Your journal "
            "is unchanged and nothing partial was left behind; free some space or choose "
            "another folder with --dest."
        ) from None
    except OSError as exc:
        # About the destination, never the journal: the journal is only read here.
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or "")
        raise EarnedError(
            f"The backup could not be written to {dest_dir} ({reason}). Your journal is "
            "unchanged and nothing partial was left behind; choose another folder with --dest."
        ) from None


def _write_backup(profile: Profile, data_key: bytes, dest_dir: Path, now: datetime | None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"earned-{profile.name}-{stamp}.tar"
    with tempfile.TemporaryDirectory(dir=dest_dir) as tmp:
        copy = Path(tmp) / "journal.db"
        source = sqlcipher.connect(profile.database, data_key)
        dest = sqlcipher.connect(copy, data_key)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            dest.close()
            source.close()
        partial = Path(tmp) / "partial.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(copy, arcname="journal.db")
            tar.add(profile.key_file, arcname="journal.key")
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    return target


def restore(
    profile: Profile, backup: Path, passphrase: str, now: datetime | None = None
) -> Path | None:
    """Replace `profile`'s journal with the one in `backup` (a tar `backup` wrote).

    Checked before anything is replaced: the tar holds exactly journal.db and journal.key,
    `passphrase` opens that key file (the passphrase the backup was made with), and every
    page of the database passes its integrity check. The journal that was there is kept
    beside it (returned: "<folder>.before-restore-<time>"; None if there was none) until
    the person removes it.
    Raises EarnedError with nothing replaced if any check fails.
    """

    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    try:
        archive = tarfile.open(backup)  # noqa: SIM115 - closed by the `with` below
    except (OSError, tarfile.TarError):
        raise EarnedError(
            f"{backup} is not an earned backup (it could not be read as one). Nothing was replaced."
        ) from None
    profile.folder.parent.mkdir(parents=True, exist_ok=True)
    with archive, tempfile.TemporaryDirectory(dir=profile.folder.parent) as tmp:
        members = {m.name: m for m in archive.getmembers()}
        if set(members) != {"journal.db", "journal.key"} or not all(
            m.isfile() for m in members.values()
        ):
            raise EarnedError(
                f"{backup} does not hold exactly a journal and its key file, so it is not an "
                "earned backup. Nothing was replaced."
            )
        staged = Path(tmp) / "restored"
        staged.mkdir(mode=0o700)
        for name, member in members.items():
            source = archive.extractfile(member)
            assert source is not None  # a regular file, checked above
            (staged / name).write_bytes(source.read())
            os.chmod(staged / name, 0o600)
        try:
            data_key = keys.unlock(staged / "journal.key", passphrase)
        except WrongPassphrase:
            raise EarnedError(
                "That passphrase does not open this backup: it needs the passphrase the "
                "journal had when the backup was made. Nothing was replaced."
            ) from None
        try:
            sqlcipher.verify(staged / "journal.db", data_key)  # every page, first
        except EarnedError:
            raise EarnedError(
                f"The journal inside {backup.name} does not pass its integrity check: the backup "
                "file itself did not survive intact. Nothing was replaced; try an older backup."
            ) from None
        kept = profile.folder.with_name(f"{profile.folder.name}.before-restore-{stamp}")
        if profile.folder.exists():
            os.replace(profile.folder, kept)
        os.replace(staged, profile.folder)
        os.chmod(profile.folder, 0o700)
    # Opens (and migrates, if the backup is older) the restored journal: proof it works.
    open_with_key(profile, data_key).close()
    return kept if kept.exists() else None
