"""The shared text rules (earned.text): trimming, NUL removal, limits, word lists. Each
record kind's module chooses the limits; see tests/test_episodes.py for those."""

from __future__ import annotations

import pytest

from earned.errors import EarnedError
from earned.text import MAX_WORD, check_text, check_words


def test_text_is_trimmed_and_limited_by_what_is_kept() -> None:
    assert check_text("  x \n", "note", 1) == "x"
    assert check_text(" \x00 ", "note", 5) is None
    with pytest.raises(EarnedError, match="The note is 6 characters; please keep it under 5"):
        check_text("abcdef", "note", 5)


def test_words_limit_their_count_and_length() -> None:
    assert check_words(["A", "a", "b"], "tags", 2) == ["a", "b"]
    with pytest.raises(EarnedError, match="at most 1 tags"):
        check_words(["a", "b"], "tags", 1)
    with pytest.raises(EarnedError, match=f"{MAX_WORD} characters at most"):
        check_words(["w" * (MAX_WORD + 1)], "tags", 5)
    with pytest.raises(EarnedError, match="'elbow' is not one of the body areas"):
        check_words(["elbow"], "body areas", 5, frozenset({"chest"}))
