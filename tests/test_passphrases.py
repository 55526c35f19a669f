"""The rules for a new passphrase (earned.passphrases): long enough, not only spaces, not
quickly guessed, each refusal saying why; and the strength hint."""

from __future__ import annotations

import pytest

from earned import passphrases
from earned.errors import EarnedError

GOOD = "a quiet lake at noon"


def test_good_passphrases_pass() -> None:
    for good in (GOOD, "correct horse battery staple", "Tr0ub4dor&3 mugs"):
        passphrases.check_new(good)
        passphrases.check_new(good, good)


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("1234567", "at least 8 characters"),
        (" " * 8, "only spaces"),
        ("\t \n      ", "only spaces"),
        ("password", "common password"),
        ("Password1", "common password"),
        ("qwertyuiop", "common password"),  # zxcvbn knows the row as a word too
        ("aaaaaaaaaa", "repeats the same characters"),
        ("12345678", "common password"),
    ],
)
def test_guessable_passphrases_are_refused_and_say_why(weak: str, why: str) -> None:
    with pytest.raises(EarnedError, match=why) as error:
        passphrases.check_new(weak, weak)
    assert "work well" in error.value.message  # and what to do instead


def test_a_mismatched_confirmation_is_refused() -> None:
    with pytest.raises(EarnedError, match="do not match"):
        passphrases.check_new(GOOD, GOOD + "s")


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("abc", "too short"),
        (" " * 9, "weak"),
        ("password", "weak"),
        ("abcdefgh", "weak"),
        ("correct horse battery staple", "strong"),
        (GOOD, "strong"),
    ],
)
def test_strength_hint(typed: str, hint: str) -> None:
    assert passphrases.strength_hint(typed) == hint
