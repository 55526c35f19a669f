"""Rules for the words a person types, shared by every record kind.

A record kind's domain module decides *which* field gets *which* limit (its named
constants); this module only knows how any short text or list of words is cleaned and
refused. Standard library only: the quick CLI path imports it.
"""

from __future__ import annotations

from earned.errors import EarnedError

MAX_WORD = 60  # one tag, emotion word or body area


def check_text(value: str | None, what: str, limit: int) -> str | None:
    """Trimmed text or None; over `limit` characters is refused with a clear message.

    NUL characters are dropped: they carry no meaning in prose, and PostgreSQL refuses
    them in text columns, so keeping them would fail only in clinic mode.
    """
    if value is None:
        return None
    text = value.replace("\x00", "").strip()
    if len(text) > limit:
        raise EarnedError(
            f"The {what} is {len(text):,} characters; please keep it under {limit:,}. "
            "Nothing was saved."
        )
    return text or None


def check_words(
    values: list[str], what: str, most: int, allowed: frozenset[str] | None = None
) -> list[str]:
    """De-duplicated, trimmed, lower-case words in first-seen order; at most `most`."""
    out: list[str] = []
    for raw in values:
        word = raw.replace("\x00", "").strip().lower()
        if not word or word in out:
            continue
        if len(word) > MAX_WORD:
            raise EarnedError(f"One of the {what} is too long ({MAX_WORD} characters at most).")
        if allowed is not None and word not in allowed:
            raise EarnedError(f"{word!r} is not one of the {what} earned knows.")
        out.append(word)
    if len(out) > most:
        raise EarnedError(f"Please choose at most {most} {what}.")
    return out
