"""Hypothesis for the property tests: one way to set the number of examples, and the
hostile-but-valid text every record kind must keep exactly.

Each property test says how many examples it runs with `examples(n)`, chosen so that all
of them together take well under half a minute on a shared two-core machine. For a
deeper search now and then, EARNED_PROPERTY_SCALE multiplies every count (e.g. 20).
No example database is kept (`database=None`): a failing example is printed with the
seed and blob to reproduce it, and the ones worth keeping become `@example`s.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SCALE = max(1, int(os.environ.get("EARNED_PROPERTY_SCALE", "1") or "1"))


def examples(n: int) -> settings:
    """Settings for a property test running `n` examples (times SCALE).

    No deadline: the machine running the suite is shared, so the time one example takes
    says more about the neighbours than about the code; the budget is the count.
    """
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )


# Pieces of text that have broken text handling somewhere: markup and SQL, right-to-left
# scripts and direction overrides, combining marks, joiners and emoji sequences, line and
# paragraph separators, every kind of line end, NUL, characters whose lower case is
# longer (İ) or depends on context (Σ), and non-ASCII digits.
HOSTILE = (
    '<script>alert("x")</script>',
    "'; DROP TABLE entries; --",
    "שָׁלוֹם",
    "مرحبا",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "e\u0301",
    "👩\u200d👩\u200d👧",
    "🌊",
    "\u200b",
    "\ufeff",
    "日本語",
    "İ",
    "ΑΣ",
    "ß",
    "²١٢",
    "\u2028",
    "\u2029",
    "\u00a0",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x00",
    "\\n",
    '"',
    ",",
    ";",
    "${x} {{ y }}",
    " ",
)

# Any Unicode scalar value except surrogates, which valid text cannot hold (earned refuses
# them at the door, earned.text.check_valid).
_CHARS = st.characters(codec="utf-8")


def hostile_text(*, max_pieces: int = 8) -> st.SearchStrategy[str]:
    """Short text made of the pieces above mixed with arbitrary characters."""
    piece = st.one_of(st.sampled_from(HOSTILE), st.text(_CHARS, min_size=1, max_size=6))
    return st.lists(piece, max_size=max_pieces).map("".join)


def text_up_to(limit: int, *, max_pieces: int = 8) -> st.SearchStrategy[str]:
    """Hostile text, sometimes exactly `limit` characters long (the longest a field takes).

    The long form repeats a short hostile phrase between two plain letters, so it keeps
    its length when trimmed; building it by repetition keeps large values cheap to make.
    """
    short = hostile_text(max_pieces=max_pieces).map(lambda t: t[:limit])

    def at_limit(phrase: str) -> str:
        if limit < 2:
            return "x"[:limit]
        middle = (phrase or "x") * (limit // max(1, len(phrase)) + 1)
        return "x" + middle[: limit - 2] + "x"

    return st.one_of(short, hostile_text(max_pieces=3).map(at_limit))


def moments(
    *, lowest: datetime = datetime(2000, 1, 1), highest: datetime = datetime(2100, 1, 1)
) -> st.SearchStrategy[datetime]:
    """Aware datetimes in UTC or a few fixed offsets, to the microsecond."""
    zones = st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-11))]
    )
    return st.datetimes(min_value=lowest, max_value=highest, timezones=zones)
