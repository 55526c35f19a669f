"""The rules for a new passphrase, and the strength hint shown while one is typed.

The passphrase is the only thing between someone with the journal file and everything in
it, so the guessable ones are refused, with the reason in plain words: too short, only
spaces, or one that a guesser tries early (a common password, a keyboard row, a repeat,
a date). The estimate is zxcvbn's (Dropbox's estimator, run here on this computer; the
passphrase goes nowhere). Its own feedback is not shown: these words are earned's.

zxcvbn loads its word lists on first use (about 40 ms): only setup and passphrase
changes call it, never the quick capture path.
"""

from __future__ import annotations

from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing: earned.cli.common imports this module, and
# the quick capture path imports that. mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MIN_LENGTH = 8
# zxcvbn's scores run 0–4; 0 and 1 fall to an online or a fast offline guess.
REFUSED_BELOW = 2

# What makes a guessable passphrase guessable, by zxcvbn's name for the pattern.
WHY = {
    "dictionary": "it is a common password or word",
    "repeat": "it repeats the same characters",
    "sequence": "it is a simple sequence, like abcd or 1234",
    "spatial": "it is a pattern of keys next to each other",
    "date": "it is a date",
    "regex": "it is a year or a simple pattern",
}


ESTIMATED_LENGTH = 100  # characters of a passphrase the estimate reads


def _estimate(passphrase: str) -> dict[str, Any]:
    from zxcvbn import zxcvbn

    # zxcvbn's cost grows with length; its first 100 characters decide any verdict here.
    # Its own limit (72 by default) is raised to match: over it, zxcvbn raises ValueError,
    # and a long passphrase (the kind earned recommends) was a 500 on the setup page.
    result: dict[str, Any] = zxcvbn(passphrase[:ESTIMATED_LENGTH], max_length=ESTIMATED_LENGTH)
    return result


def check_new(passphrase: str, confirm: str | None = None) -> None:
    """Refuse a passphrase too short, only spaces, or quickly guessed; or a mismatched
    confirmation. Every refusal says why and what works instead."""
    if len(passphrase) < MIN_LENGTH:
        raise EarnedError(
            f"Please choose a passphrase of at least {MIN_LENGTH} characters; "
            "a few ordinary words strung together work well."
        )
    if not passphrase.strip():
        raise EarnedError(
            "A passphrase of only spaces would be guessed at once. A few ordinary words "
            "strung together work well."
        )
    result = _estimate(passphrase)
    if result["score"] < REFUSED_BELOW:
        kinds = [m["pattern"] for m in result["sequence"] if m["pattern"] in WHY]
        reason = WHY[kinds[0]] if kinds else "it is short and simple"
        raise EarnedError(
            f"That passphrase would be guessed quickly: {reason}. A few ordinary words "
            "strung together, in an order only you would choose, work well."
        )
    if confirm is not None and confirm != passphrase:
        raise EarnedError("The two passphrases do not match. Please type them again.")


def strength_hint(passphrase: str) -> str:
    """'too short', 'weak', 'fair' or 'strong', for the hint beside the field."""
    if len(passphrase) < MIN_LENGTH or not passphrase.strip():
        return "too short" if len(passphrase) < MIN_LENGTH else "weak"
    score = int(_estimate(passphrase)["score"])
    if score < REFUSED_BELOW:
        return "weak"
    return "fair" if score == REFUSED_BELOW else "strong"
