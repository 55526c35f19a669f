"""Accounts in server mode (issue 14): who may sign in, and the rules of signing in.

Personal mode has no accounts: one passphrase opens one journal. A server (a clinic, or
one person's own small server) keeps people and clinicians, each with a user name and a
password hashed with Argon2id (store/server/accounts.py), an optional authenticator code
(TOTP), and the limits here: how long a session lasts, and how many wrong passwords an
account takes before it rests. Pure: no web, no ORM, no store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from earned import passphrases
from earned.errors import EarnedError

PERSON = "person"
CLINICIAN = "clinician"
ROLES = (PERSON, CLINICIAN)
ROLE_WORDS = {PERSON: "a person doing the work", CLINICIAN: "a clinician"}

NAME_MIN = 3
NAME_MAX = 40
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
DISPLAY_MAX = 80

# Wrong passwords: the first FREE_TRIES cost nothing; the next one rests the account for
# REST, doubling with each further run of wrong tries, up to REST_MAX. A right password
# (with its code, if the account has one) clears the count. An administrator can end a
# rest at once (`earned server reset-password`).
FREE_TRIES = 5
REST = timedelta(minutes=5)
REST_MAX = timedelta(hours=4)

# A session ends after IDLE without a request, and in any case after LONGEST.
IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
# last_seen is written at most this often, so a page view is not a write every time.
TOUCH_EVERY = timedelta(seconds=60)

TOTP_DIGITS = 6
TOTP_WINDOW = 1  # steps of 30 s either side accepted, for a phone clock a little off


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    display_name: str
    has_totp: bool
    failed_logins: int
    resting_until: datetime | None
    created_at: datetime

    @property
    def is_person(self) -> bool:
        return self.role == PERSON

    @property
    def is_clinician(self) -> bool:
        return self.role == CLINICIAN


def check_name(name: str) -> str:
    """A user name as stored: lower case, 3-40 of a-z 0-9 . _ -, starting with a letter or digit."""
    cleaned = name.strip().lower()
    if not NAME_MIN <= len(cleaned) <= NAME_MAX or not _NAME.match(cleaned):
        raise EarnedError(
            f"A user name is {NAME_MIN} to {NAME_MAX} letters, digits, dots, dashes or "
            "underscores, starting with a letter or digit (for example sam.r)."
        )
    return cleaned


def check_role(role: str) -> str:
    if role not in ROLES:
        raise EarnedError(f"An account is one of: {', '.join(ROLES)}.")
    return role


def check_display_name(value: str | None, name: str) -> str:
    """The name shown to others (a clinician's caseload, a person's sharing page)."""
    shown = " ".join((value or "").split())
    if len(shown) > DISPLAY_MAX:
        raise EarnedError(f"Please keep the shown name under {DISPLAY_MAX} characters.")
    return shown or name


def check_password(password: str, confirm: str | None = None) -> None:
    """The same rules as a personal journal's passphrase: long enough, not quickly guessed."""
    passphrases.check_new(password, confirm)


def resting(account: Account, now: datetime) -> timedelta | None:
    """How long the account still rests after too many wrong passwords (None: it does not)."""
    if account.resting_until is None or account.resting_until <= now:
        return None
    return account.resting_until - now


def after_wrong_password(failed_before: int, now: datetime) -> tuple[int, datetime | None]:
    """The new count of wrong tries, and until when the account rests (None: not yet)."""
    failed = failed_before + 1
    if failed <= FREE_TRIES:
        return failed, None
    runs = failed - FREE_TRIES - 1
    rest = min(REST * (2 ** min(runs, 16)), REST_MAX)
    return failed, now + rest


def rest_message(left: timedelta) -> str:
    minutes = max(1, -(-int(left.total_seconds()) // 60))
    return (
        "There were too many wrong passwords for this account, so it is resting for "
        f"{minutes} more minute{'' if minutes == 1 else 's'}. Nothing in it has changed. "
        "If this was not you, tell whoever runs this server; they can also end the rest "
        "by setting a new password."
    )


WRONG = "That user name and password do not match an account here. Please try again."
CODE_NEEDED = "This account asks for the 6-digit code from your authenticator app too."
WRONG_CODE = "That code did not match. Codes change every 30 seconds; please type the newest one."


def session_over(created_at: datetime, last_seen: datetime, now: datetime) -> bool:
    """Whether a session has idled out or lived its longest."""
    return now - last_seen > IDLE or now - created_at > LONGEST


def code_shape(code: str) -> str | None:
    """The digits of a typed authenticator code (spaces allowed), or None if it is not one."""
    digits = "".join(code.split())
    return digits if len(digits) == TOTP_DIGITS and digits.isascii() and digits.isdigit() else None
