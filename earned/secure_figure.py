"""Guided visualisation scripts for an internal secure figure (roadmap step 6): each a
sequence of timed steps, played one at a time (by hand, or going on by itself at each
step's own pace), then logged as a practice of kind `secure-figure`.

Pure: the scripts are words in earned/content/secure_figure.toml, read and checked here
(each step's length within bounds, keys unique), so a clinician can edit or add a script
without touching code, and a script that could not be played is refused at load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from earned import content, regulation
from earned.errors import EarnedError

KIND = regulation.SECURE_FIGURE  # the practice kind every script is logged as
MIN_STEP_SECONDS = 10  # long enough to read a step's words once
MAX_STEP_SECONDS = 300  # five minutes on one image; longer belongs to the sitting timer
DEFAULT_MINUTES = 10  # `earned practise secure-figure` without --minutes


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    seconds: int


@dataclass(frozen=True)
class Script:
    key: str
    title: str
    summary: str
    steps: tuple[Step, ...]

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.steps)

    @property
    def minutes(self) -> int:
        """The script's length at its own pace, in whole minutes (rounded up)."""
        return math.ceil(self.seconds / 60)


def words() -> dict[str, Any]:
    return content.load("secure_figure")


def _step(raw: dict[str, Any], where: str) -> Step:
    seconds = raw.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValueError(f"{where}: a step's seconds is a whole number")
    if not MIN_STEP_SECONDS <= seconds <= MAX_STEP_SECONDS:
        raise ValueError(f"{where}: {seconds} s is outside {MIN_STEP_SECONDS}-{MAX_STEP_SECONDS}")
    title, text = raw.get("title"), raw.get("text")
    if not isinstance(title, str) or not title or not isinstance(text, str) or not text:
        raise ValueError(f"{where}: a step needs a title and a text")
    return Step(title, text, seconds)


def parse(raw: list[dict[str, Any]]) -> tuple[Script, ...]:
    """The scripts of a content file's [[scripts]] list, checked; ValueError names what is
    wrong (a content mistake, found by the tests and at first use, never by a person)."""
    out: list[Script] = []
    for number, s in enumerate(raw, start=1):
        key = s.get("key")
        if not isinstance(key, str) or not key.replace("-", "").isalnum() or not key.islower():
            raise ValueError(f"script {number}: its key is lower-case letters, digits and -")
        steps = tuple(_step(x, f"{key} step {n}") for n, x in enumerate(s.get("steps", []), 1))
        if not steps:
            raise ValueError(f"{key}: a script has steps")
        script = Script(key, str(s["title"]), str(s["summary"]), steps)
        if script.seconds > regulation.MAX_PRACTICE_SECONDS:
            raise ValueError(f"{key}: longer than a practice may last")
        out.append(script)
    keys = [s.key for s in out]
    if len(set(keys)) != len(keys):
        raise ValueError("two scripts share a key")
    return tuple(out)


@cache
def scripts() -> tuple[Script, ...]:
    """Every script, in the content file's order (shortest first there)."""
    return parse(words()["scripts"])


def script(key: str) -> Script:
    """The script called `key`, or a calm 404."""
    for s in scripts():
        if s.key == key:
            return s
    raise EarnedError("There is no visualisation by that name.", status=404)
