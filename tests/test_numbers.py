"""Whole numbers read strictly (earned.numbers): what `str.isdigit` lets through, refused."""

from __future__ import annotations

import pytest

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
