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


class WrongPassphrase(EarnedError):
    def __init__(self) -> None:
        super().__init__(
            "That passphrase does not unlock this journal. Nothing was changed; please try again.",
            exit_code=3,
            status=401,
        )


class Locked(EarnedError):
    def __init__(self) -> None:
        super().__init__("Your journal is locked. Unlock it to continue.", exit_code=3, status=401)


DISK_FULL = (
    "The disk is full, so this could not be saved. Everything saved before is safe and "
    "unchanged. Free some space on this device, then try again."
)


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc`, or anything it wraps, is the device running out of space.

    SQLite (and SQLCipher) say SQLITE_FULL as "database or disk is full", SQLAlchemy wraps
    that, and plain file writes raise OSError(ENOSPC). Checked by walking the chain so the
    CLI and the web app tell the person the same plain thing instead of "a bug".
    """
    import errno

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if type(current).__name__ == "OperationalError" and "disk is full" in str(current):
            return True
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError keeps the driver's
        current = (
            orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
        )
    return False
