"""Properties of reading typed whole numbers (earned.numbers.whole): any text gives a
number or None, never an error; a number given back is exactly the ASCII digits typed;
digits of other scripts and superscripts are never read as numbers."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from earned.numbers import whole
from tests.support.properties import examples, hostile_text

spaces = st.text(st.sampled_from(" \t\n\r\f\v\u00a0\u2003"), max_size=3)


@given(st.one_of(st.text(), hostile_text(), st.none()), st.integers(1, 20))
@example("²", 12)
@example("١٢", 12)
@example("1_000", 12)
@example("+5", 12)
@examples(200)
def test_any_text_is_a_plain_count_or_none(text: str | None, most: int) -> None:
    got = whole(text, most_digits=most)
    if got is None:
        return
    digits = (text or "").strip()
    assert isinstance(got, int) and got >= 0
    assert digits.isascii() and digits.isdigit() and 1 <= len(digits) <= most
    assert got == int(digits)


@given(st.integers(0, 10**12 - 1), spaces, spaces, st.integers(0, 3))
@examples(100)
def test_a_typed_count_reads_back_as_itself(
    number: int, before: str, after: str, zeros: int
) -> None:
    typed = "0" * zeros + str(number)
    expected = number if len(typed) <= 12 else None
    assert whole(f"{before}{typed}{after}") == expected


@given(st.integers(1, 15), st.integers(1, 15))
@examples(100)
def test_more_digits_than_allowed_is_none(length: int, most: int) -> None:
    text = "7" * length
    assert (whole(text, most_digits=most) is None) == (length > most)
