"""Server-mode account rules (earned/accounts.py): names, the rest after wrong passwords,
session lifetimes, authenticator code shapes. Pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned import accounts
from earned.errors import EarnedError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", ["sam", "Sam.R", "  ada_l-2 ", "a" * accounts.NAME_MAX])
def test_names_are_kept_lower_case(name: str) -> None:
    assert accounts.check_name(name) == name.strip().lower()


@pytest.mark.parametrize("name", ["", "ab", "a" * (accounts.NAME_MAX + 1), ".sam", "sam r",
                                  "sam@x", "sämi", "<script>"])  # fmt: skip
def test_other_names_are_refused_with_what_works(name: str) -> None:
    with pytest.raises(EarnedError, match="letters, digits"):
        accounts.check_name(name)


def test_the_first_wrong_passwords_cost_nothing_then_rests_double_up_to_a_ceiling() -> None:
    failed, rests = 0, []
    for _ in range(accounts.FREE_TRIES):
        failed, until = accounts.after_wrong_password(failed, T0)
        assert until is None
    for _ in range(12):
        failed, until = accounts.after_wrong_password(failed, T0)
        assert until is not None
        rests.append(until - T0)
    assert rests[0] == accounts.REST and rests[1] == 2 * accounts.REST
    assert rests == sorted(rests) and max(rests) == accounts.REST_MAX


def test_resting_says_how_long_in_whole_minutes() -> None:
    account = accounts.Account(1, "sam", "person", "sam", False, 6, T0 + timedelta(seconds=61), T0)
    left = accounts.resting(account, T0)
    assert left == timedelta(seconds=61)
    assert "2 more minutes" in accounts.rest_message(left)
    assert accounts.resting(account, T0 + timedelta(minutes=5)) is None


def test_a_session_ends_when_idle_or_at_its_longest() -> None:
    assert not accounts.session_over(T0, T0, T0 + accounts.IDLE)
    assert accounts.session_over(T0, T0, T0 + accounts.IDLE + timedelta(seconds=1))
    recent = T0 + accounts.LONGEST
    assert accounts.session_over(T0, recent, recent + timedelta(seconds=1))


CODES = [("123456", "123456"), (" 123 456 ", "123456"), ("12345", None), ("1234567", None),
         ("12345a", None), ("١٢٣٤٥٦", None)]  # fmt: skip


@pytest.mark.parametrize(("typed", "digits"), CODES)
def test_code_shape(typed: str, digits: str | None) -> None:
    assert accounts.code_shape(typed) == digits


def test_roles_and_shown_names() -> None:
    assert accounts.check_role("clinician") == "clinician"
    with pytest.raises(EarnedError):
        accounts.check_role("admin")
    assert accounts.check_display_name("  Dr   Cleo ", "cleo") == "Dr Cleo"
    assert accounts.check_display_name("", "cleo") == "cleo"
    with pytest.raises(EarnedError):
        accounts.check_display_name("x" * (accounts.DISPLAY_MAX + 1), "cleo")
