"""Whole numbers typed or sent by a person, read strictly: ASCII digits only.

`str.isdigit()` is true for "²" and "١٢", which `int()` then refuses or reads as a number
nobody typed (a 500 once came from `started=²`). One owner for reading them.
"""

from __future__ import annotations


def whole(text: str | None, *, most_digits: int = 12) -> int | None:
    """`text` as a non-negative whole number, or None unless it is 1 to `most_digits`
    ASCII digits (surrounding spaces allowed)."""
    raw = (text or "").strip()
    if not raw or len(raw) > most_digits or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def signed(text: str | None, *, most_digits: int = 12) -> int | None:
    """Like `whole`, with an optional leading minus sign (a time-zone offset in minutes)."""
    raw = (text or "").strip()
    if raw.startswith("-"):
        value = whole(raw[1:], most_digits=most_digits)
        return None if value is None else -value
    return whole(raw, most_digits=most_digits)
