"""Rules for the words a person types, shared by every record kind.

A record kind's domain module decides *which* field gets *which* limit (its named
constants); this module only knows how any short text or list of words is cleaned and
refused. Standard library only: the quick CLI path imports it.
"""

from __future__ import annotations

from earned.errors import EarnedError

MAX_WORD = 60  # one tag, emotion word or body area

# Unicode's directional formatting characters. In a one-line name they can reverse the
# text shown around it (a right-to-left override), so they are removed there; in prose a
# person may need them for a right-to-left language, so prose keeps them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_valid(text: str, what: str) -> str:
    """`text` if it is valid Unicode text; a clear refusal if not.

    A lone surrogate is what Python makes of bytes that are not UTF-8 (a terminal in
    another encoding, `$'\\xff'` on a command line, a damaged file). Stored, it would make
    every later export fail, so it is refused at the door with nothing saved.
    """
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise EarnedError(
            f"The {what} contains bytes that are not valid text (perhaps from a terminal "
            "set to another encoding, or a file that did not read correctly). Nothing was "
            "saved; please type it again."
        )
    return text


def check_text(value: str | None, what: str, limit: int) -> str | None:
    """Trimmed text or None; over `limit` characters is refused with a clear message.

    NUL characters are dropped: they carry no meaning in prose, and PostgreSQL refuses
    them in text columns, so keeping them would fail only in clinic mode.
    """
    if value is None:
        return None
    text = check_valid(value, what).replace("\x00", "").strip()
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
        word = one_line(check_valid(raw, what)).lower()
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


def one_line(text: str) -> str:
    """A name or word as one line: NUL and direction controls removed, any run of
    whitespace (a pasted line break, a tab) made one space, ends trimmed."""
    kept = "".join(ch for ch in text if ch != "\x00" and ch not in BIDI_CONTROLS)
    return " ".join(kept.split())


def check_name(value: str | None, what: str, limit: int) -> str | None:
    """A one-line name (a person, a tool): as check_text, then made one line."""
    text = check_text(value, what, limit)
    return None if text is None else one_line(text) or None
