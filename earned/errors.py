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
