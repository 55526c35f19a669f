"""Accounts on the server: create, sign in (Argon2id, the rest after wrong tries, the
authenticator code), new passwords, two-step sign-in, remove. Rules: earned/accounts.py."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earned import accounts
from earned.accounts import Account
from earned.errors import EarnedError
from earned.store.keys import kdf_from_env
from earned.store.server.models import AccountRow, WebSessionRow


@cache
def hasher() -> PasswordHasher:
    """Argon2id at the journal key's cost (cheap under EARNED_KDF_PROFILE=test, the suite's)."""
    params = kdf_from_env()
    return PasswordHasher(
        time_cost=params.time_cost, memory_cost=params.memory_kib, parallelism=params.parallelism
    )


@cache
def _decoy() -> str:
    # Checked against when the name is unknown, so a wrong name costs what a wrong password
    # does and the time taken does not tell which names exist.
    return hasher().hash("earned decoy password")


def account_of(row: AccountRow) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        role=row.role,
        display_name=row.display_name,
        has_totp=row.totp_secret is not None,
        failed_logins=row.failed_logins,
        resting_until=row.resting_until,
        created_at=row.created_at,
    )


def create(
    *,
    session: Session,
    name: str,
    role: str,
    password: str,
    now: datetime,
    display_name: str | None = None,
) -> Account:
    name = accounts.check_name(name)
    accounts.check_role(role)
    accounts.check_password(password)
    if session.scalar(select(AccountRow.id).where(AccountRow.name == name)) is not None:
        raise EarnedError(f"There is already an account called {name}. Please choose another name.")
    row = AccountRow(
        name=name,
        role=role,
        display_name=accounts.check_display_name(display_name, name),
        password_hash=hasher().hash(password),
        totp_secret=None,
        failed_logins=0,
        resting_until=None,
        created_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise EarnedError(f"There is already an account called {name}.") from None
    return account_of(row)


def get(*, session: Session, account_id: int) -> Account | None:
    row = session.get(AccountRow, account_id)
    return None if row is None else account_of(row)


def by_name(*, session: Session, name: str) -> Account | None:
    row = session.scalar(select(AccountRow).where(AccountRow.name == name.strip().lower()))
    return None if row is None else account_of(row)


def listed(*, session: Session) -> list[Account]:
    return [account_of(r) for r in session.scalars(select(AccountRow).order_by(AccountRow.name))]


def sign_in(
    *, session: Session, name: str, password: str, code: str, now: datetime
) -> Account | EarnedError:
    """The account for a right name, password (and code, with two-step on), or the refusal.

    The refusal is returned, not raised, so that the caller's transaction commits what a
    wrong try changes: the count towards the account's rest (accounts.after_wrong_password).
    While the account rests even the right password is refused, with how long is left.
    """
    row = session.scalar(
        select(AccountRow).where(AccountRow.name == name.strip().lower()).with_for_update()
    )
    if row is None:
        _check(_decoy(), password)
        return EarnedError(accounts.WRONG, status=400)
    left = accounts.resting(account_of(row), now)
    if left is not None:
        return EarnedError(accounts.rest_message(left), status=429)
    if not _check(row.password_hash, password):
        return _wrong(row, now, accounts.WRONG)
    if row.totp_secret is not None:
        digits = accounts.code_shape(code)
        if digits is None:
            return EarnedError(accounts.CODE_NEEDED, status=400)
        if not _code_ok(row.totp_secret, digits):
            return _wrong(row, now, accounts.WRONG_CODE)
    row.failed_logins = 0
    row.resting_until = None
    if hasher().check_needs_rehash(row.password_hash):
        row.password_hash = hasher().hash(password)
    return account_of(row)


def _check(stored: str, password: str) -> bool:
    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _wrong(row: AccountRow, now: datetime, said: str) -> EarnedError:
    """Count a wrong try; the refusal says so, or that the account now rests and how long."""
    row.failed_logins, row.resting_until = accounts.after_wrong_password(row.failed_logins, now)
    if row.resting_until is not None:
        return EarnedError(accounts.rest_message(row.resting_until - now), status=429)
    return EarnedError(said, status=400)


def _code_ok(secret: str, digits: str) -> bool:
    import pyotp

    return bool(pyotp.TOTP(secret).verify(digits, valid_window=accounts.TOTP_WINDOW))


def set_password(*, session: Session, account_id: int, password: str) -> None:
    """A new password; ends the rest, and every session of the account (signed in anew)."""
    accounts.check_password(password)
    found = session.execute(
        update(AccountRow)
        .where(AccountRow.id == account_id)
        .values(password_hash=hasher().hash(password), failed_logins=0, resting_until=None)
    )
    if found.rowcount == 0:  # type: ignore[attr-defined]
        raise EarnedError("There is no such account.", exit_code=2, status=404)
    session.execute(delete(WebSessionRow).where(WebSessionRow.account_id == account_id))


def check_password(*, session: Session, account_id: int, password: str) -> bool:
    row = session.get(AccountRow, account_id)
    return row is not None and _check(row.password_hash, password)


def new_totp_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def totp_uri(secret: str, name: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="earned")


def turn_on_totp(*, session: Session, account_id: int, secret: str, code: str) -> None:
    """Two-step sign-in on, once the person has shown their app gives the right code."""
    digits = accounts.code_shape(code)
    if digits is None or not _code_ok(secret, digits):
        raise EarnedError(accounts.WRONG_CODE)
    row = session.get(AccountRow, account_id)
    if row is None:
        raise EarnedError("There is no such account.", status=404)
    row.totp_secret = secret


def turn_off_totp(*, session: Session, account_id: int) -> None:
    row = session.get(AccountRow, account_id)
    if row is not None:
        row.totp_secret = None


def remove(*, session: Session, account_id: int) -> None:
    """The account and, by cascade, its sessions, invites, sharing and audit log."""
    session.execute(delete(AccountRow).where(AccountRow.id == account_id))
