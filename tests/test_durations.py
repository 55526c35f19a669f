"""Lengths of time in words (earned.durations), at each boundary: the sentence form, the
stopwatch and the practice log's exact form."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from earned import durations


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (2, "2 seconds"),
        (45, "45 seconds"),
        (89, "89 seconds"),
        (90, "2 minutes"),  # 1.5 minutes rounds to an even 2
        (149, "2 minutes"),
        (150, "2 minutes"),  # 2.5 rounds half to even
        (151, "3 minutes"),
        (12 * 60, "12 minutes"),
        (89 * 60, "89 minutes"),
        (89 * 60 + 29, "89 minutes"),
        (89 * 60 + 30, "1 h 30 min"),  # 89.5 rounds to 90 minutes
        (90 * 60, "1 h 30 min"),
        (65 * 60 * 2, "2 h 10 min"),
        (2 * 3600 + 5 * 60, "2 h 05 min"),
        (10 * 3600, "10 h 00 min"),
    ],
)
def test_words_at_each_boundary(seconds: int, words: str) -> None:
    assert durations.words(seconds) == words


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (7, "0:07"), (59.6, "1:00"), (750, "12:30"), (3599, "59:59"),
     (3600, "1:00:00"), (3723, "1:02:03"), (36000, "10:00:00")],
)  # fmt: skip
def test_clock(seconds: float, shown: str) -> None:
    assert durations.clock(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0 s"), (45, "45 s"), (60, "1 min"), (95, "1 min 35 s"), (180, "3 min"),
     (150, "2 min 30 s"), (1800, "30 min")],
)  # fmt: skip
def test_exact(seconds: int, shown: str) -> None:
    assert durations.exact(seconds) == shown


def test_floats_round_and_a_clock_behind_is_zero() -> None:
    # A phone clock a little behind the laptop's gives a negative length: zero, not minus.
    for describe in (durations.words, durations.clock, durations.exact):
        assert describe(-5.0) == describe(0)
        assert describe(timedelta(seconds=44.6).total_seconds()) == describe(45)


def test_importing_it_imports_nothing_else() -> None:
    # The quick CLI path prints durations; this module must stay free of imports.
    code = "import sys; before = set(sys.modules); import earned.durations; "
    code += (
        "print(sorted(set(sys.modules) - before - {'earned', 'earned.durations', '__future__'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # `from __future__ import annotations` loads a tiny module the interpreter already has.
    assert done.stdout.strip() in ("[]", "['__future__']")
