"""Backups: one .tar with the still-encrypted journal, its key file and a manifest.

Format 1 (since 2026-11): `manifest.json` first, naming the format, its version, when
the copy was made, the schema revision, and each file's size and SHA-256; then
`journal.db` (a consistent copy from SQLite's online backup API, checked page by page
before it is written) and `journal.key`. Backups written before the manifest existed
(exactly journal.db and journal.key) are read as format 0: they have no checksums, so
only the page checks vouch for them.

Manual backups go where the person says (`earned backup --dest`, default the data
folder's backups/). Automatic ones go to backups/automatic/ beside the profiles, made on
unlock at most once every AUTOMATIC_EVERY, and thinned by `to_remove` (the newest
KEEP_DAILY, then one a week for KEEP_WEEKLY weeks). Only automatic backups are ever
removed, and only after a new one has been written and checked. Before a journal made by
an older earned is upgraded, one more is made ("...-before-upgrade.tar"), never thinned.

`restore` checks everything before replacing anything, and keeps the journal that was
there beside it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from earned.errors import EarnedError, WrongPassphrase, is_disk_full
from earned.paths import Profile
from earned.store import Store, keys, sqlcipher

log = logging.getLogger("earned.backups")

FORMAT = "earned backup"
VERSION = 1
MANIFEST = "manifest.json"
FILES = ("journal.db", "journal.key")
MAX_MANIFEST_BYTES = 64 * 1024
# The largest backup the web app takes as an upload: a dense three-year journal backs up
# to about 7 MB, so this leaves room for decades and long entries.
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
AUTOMATIC = "automatic"
AUTOMATIC_EVERY = timedelta(hours=20)  # "daily" for someone who unlocks at varying times
KEEP_DAILY = 7
KEEP_WEEKLY = 4
STAMP = "%Y%m%d-%H%M%S"
UPGRADE = "-before-upgrade"
NAME = re.compile(
    r"earned-(?P<profile>[a-z0-9][a-z0-9_-]{0,31})-(?P<stamp>\d{8}-\d{6})"
    r"(?P<upgrade>-before-upgrade)?\.tar"
)


def folder(profile: Profile) -> Path:
    """The backups folder of the data folder that holds `profile` (beside profiles/)."""
    return profile.folder.parent.parent / "backups"


def automatic_folder(profile: Profile) -> Path:
    return folder(profile) / AUTOMATIC


# --- the rules: when one is due, which to keep (pure) -----------------------------------------


def due(latest: datetime | None, now: datetime) -> bool:
    """Whether an automatic backup is due, given when the newest one was made."""
    return latest is None or now - latest >= AUTOMATIC_EVERY or latest > now + timedelta(hours=1)


def to_remove(made: Iterable[datetime]) -> set[datetime]:
    """The automatic backups to remove: all but the newest KEEP_DAILY, and beyond those, the
    newest of each of the KEEP_WEEKLY most recent calendar weeks that still have one."""
    newest_first = sorted(set(made), reverse=True)
    keep = set(newest_first[:KEEP_DAILY])
    weeks: set[tuple[int, int]] = set()
    for stamp in newest_first[KEEP_DAILY:]:
        week = stamp.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            keep.add(stamp)
    return set(newest_first) - keep


# --- what is on disk ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A backup file of one profile, found in the backups folder."""

    path: Path
    made: datetime
    size: int
    automatic: bool
    before_upgrade: bool = False  # made by earned just before it upgraded the schema

    @property
    def name(self) -> str:
        """Its place in the backups folder ("automatic/earned-…tar"): what a form sends
        back to choose it, so no path from a browser is ever opened."""
        return f"{AUTOMATIC}/{self.path.name}" if self.automatic else self.path.name

    @property
    def origin(self) -> str:
        """Who made it, in words."""
        if self.before_upgrade:
            return "made before an upgrade"
        return "made automatically" if self.automatic else "made by you"


def size_words(size: int) -> str:
    """A file size as people read it: "840 KB", "6.5 MB"."""
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} KB"
    mb = size / 1000 / 1000
    return f"{mb:.1f} MB" if mb < 100 else f"{round(mb)} MB"


def listed(profile: Profile) -> list[Listed]:
    """This profile's backups in the backups folder and its automatic/, newest first."""
    found: list[Listed] = []
    for where, automatic in ((folder(profile), False), (automatic_folder(profile), True)):
        for path, made, upgrade in _named(where, profile.name):
            with contextlib.suppress(OSError):  # removed while listing
                found.append(Listed(path, made, path.stat().st_size, automatic, upgrade))
    # Newest first; of two made in the same second, the one the person made.
    return sorted(found, key=lambda b: (b.made, not b.automatic), reverse=True)


def _named(where: Path, profile_name: str) -> Iterator[tuple[Path, datetime, bool]]:
    """(path, when made, whether made before an upgrade) of each backup of the profile."""
    if not where.is_dir():
        return
    for path in where.iterdir():
        match = NAME.fullmatch(path.name)
        if match and match["profile"] == profile_name and path.is_file():
            made = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
            yield path, made, bool(match["upgrade"])


def _daily(where: Path, profile_name: str) -> list[tuple[Path, datetime]]:
    """The automatic backups that are thinned: all but those made before an upgrade."""
    return [(p, made) for p, made, upgrade in _named(where, profile_name) if not upgrade]


# --- writing ---------------------------------------------------------------------------------


def write(
    profile: Profile,
    data_key: bytes,
    dest_dir: Path,
    now: datetime | None = None,
    *,
    before_upgrade: bool = False,
) -> Path:
    """Write a consistent, still-encrypted backup of the journal into `dest_dir`.

    The copy is taken with SQLite's online backup API, so writers may keep working; it
    is checked page by page before the archive is written under a temp name and renamed.
    """
    if dest_dir.exists() and not dest_dir.is_dir():
        raise EarnedError(
            f"{dest_dir} is a file, and a backup goes into a folder. Nothing was written, "
            "and your journal is unchanged; give a folder with --dest."
        )
    try:
        return _write(profile, data_key, dest_dir, now or datetime.now(UTC), before_upgrade)
    except sqlcipher.Damaged:
        raise  # the journal itself, or the copy of it: its message says which file
    except Exception as exc:
        # About the destination, never the journal: the journal is only read here.
        if is_disk_full(exc):
            reason = "the disk is full"
        elif isinstance(exc, OSError):
            reason = exc.strerror or type(exc).__name__
        else:
            raise
        raise EarnedError(
            f"The backup could not be written to {dest_dir} ({reason}). Your journal is "
            "unchanged and nothing partial was left behind; free some space, or choose "
            "another folder (`earned backup --dest`)."
        ) from None


def _write(
    profile: Profile, data_key: bytes, dest_dir: Path, now: datetime, before_upgrade: bool
) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    suffix = UPGRADE if before_upgrade else ""
    target = dest_dir / f"earned-{profile.name}-{now.strftime(STAMP)}{suffix}.tar"
    with tempfile.TemporaryDirectory(dir=dest_dir, prefix=".partial-") as tmp:
        copy = Path(tmp) / "journal.db"
        source = sqlcipher.connect(profile.database, data_key)
        dest = sqlcipher.connect(copy, data_key)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE").fetchone()
            revision = _revision(dest)
        finally:
            dest.close()
            source.close()
        check_pages(copy, data_key)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "made": now.astimezone(UTC).isoformat(timespec="seconds"),
            "profile": profile.name,
            "schema": revision,
            "files": {
                "journal.db": _digest(copy),
                "journal.key": _digest(profile.key_file),
            },
        }
        partial = Path(tmp) / "partial.tar"
        with tarfile.open(partial, "w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(copy, arcname="journal.db")
            tar.add(profile.key_file, arcname="journal.key")
        os.chmod(partial, 0o600)
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    return target


def _revision(conn: Any) -> str | None:
    import sqlcipher3.dbapi2 as dbapi

    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except dbapi.DatabaseError:
        return None
    return str(row[0]) if row else None


def check_pages(path: Path, data_key: bytes) -> None:
    """Both of SQLite's checks on a copy: every page's HMAC (cipher_integrity_check) and
    the structure (integrity_check). Raises sqlcipher.Damaged naming the file."""
    import sqlcipher3.dbapi2 as dbapi

    conn = sqlcipher.connect(path, data_key)
    try:
        cipher = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        structure = conn.execute("PRAGMA integrity_check").fetchall()
    except dbapi.DatabaseError:
        cipher, structure = [("unreadable",)], []
    finally:
        conn.close()
    if cipher or structure != [("ok",)]:
        raise sqlcipher.damaged(path)


def _digest(path: Path) -> dict[str, Any]:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
            size += len(block)
    return {"bytes": size, "sha256": sha.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# --- automatic backups -------------------------------------------------------------------------


def automatic(profile: Profile, data_key: bytes, now: datetime | None = None) -> Path | None:
    """Write the automatic backup if one is due, then thin out the older ones.

    Never raises: a backup that cannot be made must not stand between the person and
    their journal. What went wrong is logged (never journal text), and the data page
    shows when the newest backup was made, so a gap is visible.
    """
    now = now or datetime.now(UTC)
    where = automatic_folder(profile)
    try:
        latest = max((made for _path, made in _daily(where, profile.name)), default=None)
        if not due(latest, now):
            return None
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _only_one(where) as mine:
            if not mine:
                return None  # another earned process is writing it right now
            made = write(profile, data_key, where, now)
            daily = _daily(where, profile.name)
            gone = to_remove(stamp for _path, stamp in daily)
            for path, stamp in daily:
                if stamp in gone:
                    path.unlink(missing_ok=True)
            return made
    except Exception as exc:  # disk, damage, sqlite: never in the way of unlocking
        log.warning("automatic backup not written: %s", type(exc).__name__)
        return None


def before_upgrade(profile: Profile, data_key: bytes, now: datetime | None = None) -> Path | None:
    """A backup of a journal an older earned made, taken before its schema is upgraded.

    The upgrade itself runs in one transaction (a kill leaves the old schema), but a
    migration that changed data wrongly would be committed whole; this copy is the way
    back. Kept in automatic/ and never thinned (upgrades are rare); like the daily
    ones, it never stands in the way of opening the journal.
    """
    where = automatic_folder(profile)
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        return write(profile, data_key, where, now, before_upgrade=True)
    except Exception as exc:
        log.warning("backup before upgrade not written: %s", type(exc).__name__)
        return None


def set_aside(profile: Profile) -> list[Path]:
    """The journals restores set aside beside `profile`'s folder, newest first."""
    found = profile.folder.parent.glob(f"{profile.name}.before-restore-*")
    return sorted((p for p in found if p.is_dir()), key=lambda p: p.name, reverse=True)


def remove_automatic(profile: Profile) -> int:
    """Remove every automatic backup of `profile` (delete everything); returns how many."""
    removed = 0
    for path, _made, _upgrade in list(_named(automatic_folder(profile), profile.name)):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


@contextlib.contextmanager
def _only_one(where: Path) -> Iterator[bool]:
    with open(where / ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- reading and restoring ---------------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    """What a backup says about itself (format 0: no manifest, so no made/schema)."""

    version: int
    made: datetime | None
    schema: str | None


def not_a_backup(backup: Path, why: str) -> EarnedError:
    return EarnedError(f"{backup.name} is not an earned backup ({why}). Nothing was replaced.")


def unpack(backup: Path, into: Path) -> Contents:
    """Extract journal.db and journal.key into `into`, checking the format and every
    checksum the manifest names. Raises EarnedError naming what is wrong."""
    try:
        archive = tarfile.open(backup)  # noqa: SIM115 - closed by the `with` below
    except (OSError, tarfile.TarError):
        raise not_a_backup(backup, "it could not be read as one") from None
    with archive:
        try:
            members = {m.name: m for m in archive.getmembers()}
        except (OSError, tarfile.TarError):
            raise not_a_backup(backup, "the file is cut short or damaged") from None
        if not all(m.isfile() for m in members.values()):
            raise not_a_backup(backup, "it holds something other than files")
        if set(members) == set(FILES):
            contents = Contents(0, None, None)
            expected: dict[str, Any] = {}
        elif set(members) == {MANIFEST, *FILES}:
            manifest = _manifest(backup, archive, members[MANIFEST])
            contents, expected = _contents(backup, manifest)
        else:
            raise not_a_backup(backup, "it does not hold exactly a journal and its key file")
        for name in FILES:
            source = archive.extractfile(members[name])
            assert source is not None  # a regular file, checked above
            _copy_checked(backup, name, source, into / name, expected.get(name))
    return contents


def _manifest(backup: Path, archive: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
    source = archive.extractfile(member)
    assert source is not None
    raw = source.read(MAX_MANIFEST_BYTES + 1)
    try:
        manifest = json.loads(raw) if len(raw) <= MAX_MANIFEST_BYTES else None
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise not_a_backup(backup, "its manifest cannot be read")
    return manifest


def _contents(backup: Path, manifest: dict[str, Any]) -> tuple[Contents, dict[str, Any]]:
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise not_a_backup(backup, "its manifest cannot be read")
    if version > VERSION:
        raise EarnedError(
            f"{backup.name} was made by a newer version of earned (backup format {version}; "
            f"this one reads up to {VERSION}). Nothing was replaced. Update earned, then "
            "restore it."
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(FILES):
        raise not_a_backup(backup, "its manifest cannot be read")
    for entry in files.values():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("bytes"), int)
        ):
            raise not_a_backup(backup, "its manifest cannot be read")
    made = None
    with contextlib.suppress(TypeError, ValueError):
        made = datetime.fromisoformat(manifest["made"])
    schema = manifest.get("schema")
    return Contents(version, made, schema if isinstance(schema, str) else None), files


def _copy_checked(
    backup: Path, name: str, source: IO[bytes], target: Path, expected: dict[str, Any] | None
) -> None:
    sha = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        os.chmod(target, 0o600)
        try:
            for block in iter(lambda: source.read(1 << 20), b""):
                sha.update(block)
                size += len(block)
                out.write(block)
        except (OSError, tarfile.TarError):
            raise not_a_backup(backup, "the file is cut short or damaged") from None
    if expected is not None and (expected["bytes"], expected["sha256"]) != (size, sha.hexdigest()):
        raise EarnedError(
            f"{backup.name} did not survive intact: its {name} is not the one it was made "
            "with (the checksum differs). Nothing was replaced; try another backup."
        )


def restore(
    profile: Profile,
    backup: Path,
    passphrase: str,
    now: datetime | None = None,
    *,
    release: Callable[[], None] | None = None,
) -> Path | None:
    """Replace `profile`'s journal with the one in `backup`.

    Checked before anything is replaced: the format and every checksum, that `passphrase`
    opens its key file (the passphrase the backup was made with), and every page of the
    database. The journal that was there is kept beside it (returned:
    "<folder>.before-restore-<time>"; None if there was none) until the person removes it.
    Raises EarnedError with nothing replaced if any check does not hold. `release` is
    called once every check has held, just before the journal is replaced (the web app
    closes its open journal there).
    """
    stamp = (now or datetime.now(UTC)).strftime(STAMP)
    profile.folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=profile.folder.parent, prefix=".restore-") as tmp:
        staged = Path(tmp) / "restored"
        staged.mkdir(mode=0o700)
        try:
            unpack(backup, staged)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            raise EarnedError(
                "There is not enough free space to check this backup. Nothing was replaced; "
                "free some space, then try again."
            ) from None
        try:
            data_key = keys.unlock(staged / "journal.key", passphrase)
        except WrongPassphrase:
            raise EarnedError(
                "That passphrase does not open this backup: it needs the passphrase the "
                "journal had when the backup was made. Nothing was replaced.",
                status=401,
            ) from None
        try:
            check_pages(staged / "journal.db", data_key)
        except EarnedError:
            raise EarnedError(
                f"The journal inside {backup.name} does not pass its integrity check: the backup "
                "file itself did not survive intact. Nothing was replaced; try an older backup."
            ) from None
        if release is not None:
            release()
        kept = profile.folder.with_name(f"{profile.folder.name}.before-restore-{stamp}")
        if profile.folder.exists():
            os.replace(profile.folder, kept)
        os.replace(staged, profile.folder)
        os.chmod(profile.folder, 0o700)
    # Opens (and migrates, if the backup is older) the restored journal: proof it works.
    Store.personal(profile.database, data_key).close()
    return kept if kept.exists() else None
