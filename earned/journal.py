"""Guided journal entries (the five reflections, the origin story, notes after an
interaction): kinds, limits, checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from earned import content
from earned.errors import EarnedError
from earned.text import check_valid

MAX_BODY = 20_000  # characters; about eight printed pages
PAGE = 20  # entries a page shows at once, newest first ("Older entries" for more)
KINDS = ("reflection", "origin", "after", "note", "letter")
_LINE_END = re.compile("\r+\n")
# A "note" is words kept when a form refused them (too long for its field, say): saved
# as written instead of lost, with no question attached.
KIND_NAMES = {
    "reflection": "Reflection",
    "origin": "Origin story",
    "after": "After an interaction",
    "note": "Note",
    "letter": "Compassionate letter",
}


@dataclass
class Entry:
    id: str
    kind: str
    prompt: str | None
    body: str
    created_at: datetime
    updated_at: datetime


def reflection_prompts() -> list[dict[str, str]]:
    prompts: list[dict[str, str]] = content.load("reflections")["prompts"]
    return prompts


def prompt_keys() -> set[str]:
    return {p["key"] for p in reflection_prompts()}


def letter_prompts() -> list[dict[str, str]]:
    """Starting points for a compassionate letter (optional: a letter may have none)."""
    prompts: list[dict[str, str]] = content.load("compassion")["letter"]["prompts"]
    return prompts


def letter_prompt_keys() -> set[str]:
    return {p["key"] for p in letter_prompts()}


def clean_body(body: str) -> str:
    """Validate an entry's text: not empty, not over the limit. Returns it stripped.

    NUL characters are dropped: they carry no meaning in prose, and PostgreSQL
    refuses them in text columns, so keeping them would fail only in clinic mode.
    """
    # Every CR before a line end goes, NULs first: one pass must leave nothing a second
    # pass would change ("\r\r\n" once became "\r\n"), or an exported entry no longer
    # matches itself on import and the same file cannot be imported twice.
    text = _LINE_END.sub("\n", check_valid(body, "entry").replace("\x00", "")).strip()
    if not text:
        raise EarnedError("The entry is empty. Write a few words, or leave it for later.")
    if len(text) > MAX_BODY:
        raise EarnedError(
            f"That entry is {len(text):,} characters; the limit is {MAX_BODY:,}. "
            "Nothing was saved. Please split it into two entries."
        )
    return text


def check_kind(kind: str, prompt: str | None) -> None:
    if kind not in KINDS:
        raise EarnedError(f"Unknown kind of entry: {kind!r}.")
    if kind == "reflection" and prompt not in prompt_keys():
        raise EarnedError("Please choose one of the five reflection questions.")
    # An "after an interaction" entry keeps its guided questions inside the body.
    if kind in ("after", "note") and prompt is not None:
        raise EarnedError("An entry written after an interaction has no separate question.")
    if kind == "letter" and prompt is not None and prompt not in letter_prompt_keys():
        raise EarnedError("Please choose one of the letter's starting points, or none.")
