"""Client tokens: the repeat guard a form or `--token` sends with a write it may send twice.

A page puts a fresh token in each capture form; a double tap or a retried request then
carries the same token, and the store returns the first record instead of writing a
second. One rule for every surface (web, CLI, import). Standard library only: the quick
CLI path imports it.
"""

from __future__ import annotations

from earned.errors import EarnedError

MAX_TOKEN = 64


def check_token(token: object) -> str | None:
    """None or "" → None (no guard); else at most 64 printable characters, kept exactly.

    Never trimmed or re-cased: a retry must match the stored token byte for byte.
    """
    if token is None or token == "":
        return None
    if not isinstance(token, str) or len(token) > MAX_TOKEN or not token.isprintable():
        raise EarnedError(
            f"The repeat-guard token is at most {MAX_TOKEN} printable characters; "
            "nothing was saved. If this came from a page, please reload it."
        )
    return token
