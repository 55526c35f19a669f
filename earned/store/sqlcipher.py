"""Opening an encrypted SQLite file with SQLCipher, without SQLAlchemy.

Used both by the SQLAlchemy engine (as its connection factory) and directly
by quick CLI commands, which must not pay SQLAlchemy's import cost.
"""

from __future__ import annotations

from pathlib import Path

from earned.errors import NEEDS_RESTORE, EarnedError

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BUSY_TIMEOUT_MS = 15_000


class Damaged(EarnedError):
    """The file is not a database this key opens: damage, or the wrong key."""


class Unverified(Damaged):
    """The journal did not pass its last full check (its marker is present): the quick
    path refuses outright, whichever key it holds."""


def damaged(path: Path) -> Damaged:
    return Damaged(
        f"The journal file {path.name} cannot be read: it is damaged or is not an earned "
        "journal. Nothing was changed. Restore it from a backup (see `earned backup`).",
        exit_code=NEEDS_RESTORE,
        status=500,
    )


def unverified(path: Path) -> Unverified:
    said = damaged(path)
    return Unverified(said.message, exit_code=said.exit_code, status=said.status)


def busy() -> EarnedError:
    return EarnedError(
        "The journal is busy: another earned window or command kept it for too long. "
        "Nothing was saved; please try again in a moment.",
        exit_code=75,  # EX_TEMPFAIL from sysexits.h: try again later
        status=503,
    )


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's 'database is locked' / 'database is busy' errors."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def connect(path: Path, data_key: bytes, *, check_same_thread: bool = True) -> Any:
    """Open `path` with the raw 32-byte key; WAL mode, busy timeout, foreign keys on.

    Raises EarnedError if the file is not a database this key opens. The raw key
    form (x'…') makes SQLCipher skip its own PBKDF2, so this costs milliseconds.
    """
    import sqlcipher3.dbapi2 as dbapi

    if len(data_key) != 32:
        raise ValueError("data key must be 32 bytes")
    conn = dbapi.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=check_same_thread
    )
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        # FULL: a committed write survives power loss too, not only a killed process.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except dbapi.DatabaseError as exc:
        conn.close()
        # A writer holding the file past the busy timeout is not damage.
        raise (busy() if is_busy(exc) else damaged(path)) from None
    return conn


def revision(conn: Any) -> str | None:
    """The schema revision the open journal records (None: never migrated)."""
    import sqlcipher3.dbapi2 as dbapi

    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except dbapi.OperationalError as exc:
        if is_busy(exc):
            raise busy() from None
        return None  # no table yet: a journal that was never migrated
    return None if row is None else str(row[0])


def verify(path: Path, data_key: bytes) -> None:
    """Open `path` and check every page's HMAC; raise the clear error if any fails.

    `connect` only reads the first page, so damage further into the file would
    otherwise surface later as a raw "database disk image is malformed" from
    whichever query first touches it. Costs about 2-3 ms per MB; meant for
    unlock, not for the quick CLI path.
    """
    import sqlcipher3.dbapi2 as dbapi

    conn = connect(path, data_key)
    try:
        problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    except dbapi.DatabaseError:
        problems = [("unreadable",)]
    finally:
        conn.close()
    if problems:
        mark_unverified(path)
        raise damaged(path)
    marker(path).unlink(missing_ok=True)  # a file that passes again (restored) is trusted


def marker(path: Path) -> Path:
    """Beside a journal that did not pass its full check: the quick path, which cannot
    afford that check, refuses to write while it exists (otherwise `earned log` could
    acknowledge words into a file the person is told to replace from a backup)."""
    return path.with_name(path.name + ".needs-restore")


def mark_unverified(path: Path) -> None:
    import contextlib  # here, not at the top: this module is on the quick path

    # A read-only folder: the refusal that follows still stands for this command.
    with contextlib.suppress(OSError):
        marker(path).touch()
