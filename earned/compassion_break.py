"""The self-compassion break (roadmap step 9): three short steps (noticing that it hurts,
remembering others feel this too, offering oneself kindness), with the person's own words
for each kept, if they choose, as the practice's note, one labelled line per step.

Pure: the steps' words are in earned/content/compassion.toml; the limits and the note's
shape are owned here. (The compassionate letter is a journal entry: earned.journal.)
"""

from __future__ import annotations

from typing import Any

from earned import content, regulation
from earned.text import check_text

KIND = regulation.COMPASSION_BREAK  # the practice kind a break is logged as
# Per step; three steps and their labels stay under a practice note's limit (a test checks).
MAX_STEP_WORDS = 600
DEFAULT_SECONDS = 300  # when the start time did not come back with the form
DEFAULT_MINUTES = 5  # `earned practise compassion-break` without --minutes


def words() -> dict[str, Any]:
    words: dict[str, Any] = content.load("compassion")["break"]
    return words


def steps() -> list[dict[str, str]]:
    found: list[dict[str, str]] = words()["steps"]
    return found


def check_step_words(step: dict[str, str], text: str | None) -> str:
    """What the person wrote for one step, trimmed ("" when nothing), or a clear refusal."""
    what = f"words for “{step['title'].lower()}”"
    return check_text(text, what, MAX_STEP_WORDS) or ""


def check_all(written: dict[str, str | None]) -> dict[str, str]:
    """Every step's words (by step key) checked before any is used."""
    return {s["key"]: check_step_words(s, written.get(s["key"])) for s in steps()}


def note_of(written: dict[str, str]) -> str | None:
    """The practice's note: one "Step title: words" line per step written; None if none.

    Line breaks inside one step's words become spaces, so each step stays one labelled
    line and the note reads back as the three steps.
    """
    lines = [
        f"{s['title']}: {' '.join(written[s['key']].split())}"
        for s in steps()
        if written.get(s["key"])
    ]
    note = "\n".join(lines) or None
    return regulation.check_note(note)


def check_seconds(started: int | None, now: int) -> int:
    """How long the break took, from the start time the form carried; the suggested
    length when it is missing or impossible (a page left open overnight, a changed clock)."""
    if started is None:
        return DEFAULT_SECONDS
    seconds = now - started
    if not 0 < seconds <= regulation.MAX_PRACTICE_SECONDS:
        return DEFAULT_SECONDS
    return seconds
