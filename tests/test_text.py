"""The shared text rules (earned.text): trimming, NUL removal, limits, word lists. Each
record kind's module chooses the limits; see tests/test_episodes.py for those."""

from __future__ import annotations

import pytest

from earned.errors import EarnedError
from earned.text import MAX_WORD, check_name, check_text, check_words, one_line


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


@pytest.mark.parametrize("bad", ["\udcff", "ok \udc80 then", "\ud83d"])
def test_bytes_that_are_not_text_are_refused_everywhere(bad: str) -> None:
    """What Python makes of non-UTF-8 bytes (e.g. `earned log 5 --emotion $'\\xff'`)."""
    with pytest.raises(EarnedError, match="not valid text"):
        check_text(bad, "trigger", 500)
    with pytest.raises(EarnedError, match="not valid text"):
        check_words([bad], "emotion words", 20)
    with pytest.raises(EarnedError, match="not valid text"):
        check_name(bad, "name", 120)


def test_a_name_is_one_line_without_direction_controls() -> None:
    assert check_name("Sam\u202eevil", "name", 120) == "Samevil"
    assert check_name(" Sam \n  Lee\t", "name", 120) == "Sam Lee"
    assert check_name("\u2066\u2069", "name", 120) is None
    assert one_line("a\u200fb") == "a\u200fb"  # a mark, not an override: kept
    # Prose keeps them: a right-to-left writer may need them.
    assert check_text("\u202bשלום\u202c", "note", 50) == "\u202bשלום\u202c"


def test_words_drop_direction_controls_too() -> None:
    assert check_words(["\u202eTag"], "tags", 5) == ["tag"]
