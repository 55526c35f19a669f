"""Whole numbers read strictly (earned.numbers): what `str.isdigit` lets through, refused."""

from __future__ import annotations

import pytest

from earned import numbers
from earned.numbers import whole


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", 7),
        (" 42 ", 42),
        ("0", 0),
        ("²", None),
        ("١٢", None),
        ("1e9", None),
        ("-5", None),
        ("", None),
        (None, None),
        ("9" * 13, None),
    ],
)
def test_only_ascii_digits_are_numbers(text: str | None, value: int | None) -> None:
    assert whole(text) == value


def test_signed_reads_an_optional_minus_and_nothing_else() -> None:
    assert numbers.signed("-60") == -60
    assert numbers.signed(" 330 ") == 330
    assert numbers.signed("-") is None
    assert numbers.signed("--5") is None
    assert numbers.signed("-٣") is None
    assert numbers.signed("+5") is None
    assert numbers.signed("-12345", most_digits=4) is None
