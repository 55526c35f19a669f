"""The one exception type that carries a message meant for the person using earned.

The CLI turns it into a message and exit code, the web app into a calm page.
Anything else that escapes is a bug, and is shown as such without user data.
"""

from __future__ import annotations


class EarnedError(Exception):
    """A problem the user can understand and act on."""

    def __init__(self, message: str, *, exit_code: int = 1, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.status = status


# The exit code (and web flag) for "the journal's own files are damaged or missing": the
# way out is a backup, so the web page offers the restore page and the CLI names
# `earned restore`.
NEEDS_RESTORE = 4


def needs_restore(exc: EarnedError) -> bool:
    return exc.exit_code == NEEDS_RESTORE


class WrongPassphrase(EarnedError):
    """The passphrase does not open the key file. `reading`: the command only reads (the
    CLI's results, export, list...), so "nothing was changed" would be an odd thing to say."""

    def __init__(self, *, reading: bool = False) -> None:
        after = "Please try again." if reading else "Nothing was changed; please try again."
        super().__init__(
            f"That passphrase does not unlock this journal. {after}", exit_code=3, status=401
        )


class Locked(EarnedError):
    def __init__(self) -> None:
        super().__init__("Your journal is locked. Unlock it to continue.", exit_code=3, status=401)


DISK_FULL = (
    "The disk is full, so this could not be saved. Everything saved before is safe and "
    "unchanged. Free some space on this device, then try again."
)


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and everything it wraps: SQLAlchemy's `.orig`, then causes and contexts."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in seen):
        seen.append(current)
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError keeps the driver's
        current = (
            orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
        )
    return seen


def _database_error(exc: BaseException, *phrases: str) -> bool:
    # By class name: the driver (sqlite3, sqlcipher3) differs, and errors.py stays free of
    # database imports. OperationalError and DatabaseError are the DB-API's own names.
    return type(exc).__name__ in ("OperationalError", "DatabaseError") and any(
        p in str(exc) for p in phrases
    )


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc`, or anything it wraps, is the device running out of space.

    SQLite (and SQLCipher) say SQLITE_FULL as "database or disk is full", SQLAlchemy wraps
    that, and plain file writes raise OSError(ENOSPC). The CLI and the web app then tell
    the person the same plain thing instead of "a bug".
    """
    import errno

    return any(
        (isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT))
        or _database_error(e, "disk is full")
        for e in _chain(exc)
    )


def is_busy(exc: BaseException) -> bool:
    """Whether `exc`, or anything it wraps, is SQLite giving up on a lock after its busy
    timeout: another writer kept the journal too long. Not damage and not a bug; trying
    again in a moment works (store.sqlcipher.busy() says so)."""
    return any(_database_error(e, "database is locked", "database is busy") for e in _chain(exc))


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` is SQLite meeting a page that fails its check mid-query.

    Opening the journal already checks what it reads (store.sqlcipher.connect); a page that
    goes bad while the journal is open is only met later, by whichever query reads it.
    SQLCipher reports a failed page HMAC as SQLITE_CORRUPT or SQLITE_NOTADB.
    """
    return any(_database_error(e, "malformed", "file is not a database") for e in _chain(exc))


def damage_while_open(name: str) -> str:
    return (
        f"Part of the journal file {name} no longer passes its check, so earned locked it "
        "before reading or writing more. What is in your backups is safe: restore your "
        "latest one with `earned restore` (see `earned backup`)."
    )
