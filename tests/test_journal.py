"""Journal entries: text limits and the kinds of entry, with the messages people see."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from earned import journal
from earned.errors import EarnedError
from earned.journal import MAX_BODY, check_kind, clean_body, prompt_keys, reflection_prompts

REFLECTIONS = Path(journal.__file__).parent / "content" / "reflections.toml"


def test_the_limit_is_twenty_thousand_characters() -> None:
    assert MAX_BODY == 20_000


@pytest.mark.parametrize("body", ["", " ", "\n\n", "\t \r\n  ", "\x00", " \x00\n"])
def test_an_empty_entry_is_refused_kindly(body: str) -> None:
    with pytest.raises(EarnedError) as error:
        clean_body(body)
    assert error.value.message == "The entry is empty. Write a few words, or leave it for later."
    assert error.value.status == 400


def test_exactly_the_limit_is_accepted() -> None:
    body = "a" * 20_000
    assert clean_body(body) == body


def test_one_over_the_limit_is_refused_with_the_numbers() -> None:
    with pytest.raises(EarnedError) as error:
        clean_body("b" * 20_001)
    message = error.value.message
    assert "20,001 characters" in message
    assert "the limit is 20,000" in message
    assert "Nothing was saved" in message
    assert "split it into two entries" in message


def test_far_over_the_limit_reports_the_real_length() -> None:
    with pytest.raises(EarnedError, match="1,000,000 characters"):
        clean_body("c" * 1_000_000)


def test_the_limit_counts_the_text_as_it_will_be_kept() -> None:
    # Surrounding whitespace is stripped before counting.
    padded = "  \n" + "d" * 20_000 + "\n\n  "
    assert clean_body(padded) == "d" * 20_000
    # Windows line ends count as one character each: raw 20,002 characters become
    # 9,999 + 1 + 9,999 = 19,999 after CRLF → LF and stripping the final newline.
    crlf = ("e" * 9_999 + "\r\n") * 2
    assert len(crlf) == 20_002
    kept = clean_body(crlf)
    assert kept == "e" * 9_999 + "\n" + "e" * 9_999
    assert len(kept) == 19_999


def test_text_is_kept_as_written_apart_from_the_edges() -> None:
    body = "  First line\r\n\r\n\tindented <b>not markup</b> & 'quotes' — ünïcödé 🌊\n  "
    assert clean_body(body) == "First line\n\n\tindented <b>not markup</b> & 'quotes' — ünïcödé 🌊"
    # A lone carriage return is not a Windows line end and is left alone.
    assert clean_body("a\rb") == "a\rb"


def test_nul_characters_are_dropped() -> None:
    # PostgreSQL cannot store NUL in text; an entry must save the same on both backends.
    assert clean_body("before\x00after") == "beforeafter"


def test_reflection_prompts_are_the_five_questions() -> None:
    words = tomllib.loads(REFLECTIONS.read_text("utf-8"))
    prompts = reflection_prompts()
    assert [p["key"] for p in prompts] == [p["key"] for p in words["prompts"]]
    assert prompt_keys() == {"distance", "closeness", "conflict", "known", "going-well"}
    assert all(p["title"] and p["question"].endswith("?") for p in prompts)


@pytest.mark.parametrize("prompt", ["distance", "closeness", "conflict", "known", "going-well"])
def test_each_reflection_question_is_a_valid_prompt(prompt: str) -> None:
    check_kind("reflection", prompt)


@pytest.mark.parametrize("prompt", [None, "", "Distance", "origin", "going well"])
def test_a_reflection_needs_one_of_the_five_questions(prompt: str | None) -> None:
    with pytest.raises(EarnedError, match="choose one of the five reflection questions"):
        check_kind("reflection", prompt)


@pytest.mark.parametrize("prompt", [None, "Who did you turn to?"])
def test_origin_entries_take_any_prompt_or_none(prompt: str | None) -> None:
    check_kind("origin", prompt)


@pytest.mark.parametrize("kind", ["diary", "", "Reflection", "ORIGIN"])
def test_unknown_kinds_are_named_in_the_message(kind: str) -> None:
    with pytest.raises(EarnedError) as error:
        check_kind(kind, "distance")
    assert error.value.message == f"Unknown kind of entry: {kind!r}."


def test_after_an_interaction_entries_have_no_separate_prompt() -> None:
    check_kind("after", None)
    with pytest.raises(EarnedError, match="no separate question"):
        check_kind("after", "distance")
