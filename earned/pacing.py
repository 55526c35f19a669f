"""Pacing for painful material: calm mode, content notes, and the words around them.

Plain Python, no web or store: the web layer reads and writes the stored setting and asks
here what it means. The words live in earned/content/pacing.toml.

- Calm mode hides charts, scores and trend views and keeps only the practices; it is a
  display setting, so turning it on or off never changes or deletes a record.
- A content note is shown before work that may stir up painful memories (origin story
  now, core beliefs later). Each note is one table in pacing.toml under [notes], shown
  by the template partial safety/_content_note.html.
"""

from __future__ import annotations

from typing import Any

from earned import content
from earned.errors import EarnedError

CALM_MODE = "calm_mode"  # the settings key; its value is "on" or "off" (absent means off)
CALM_VALUES = ("on", "off")


def words() -> dict[str, Any]:
    return content.load("pacing")


def is_calm(stored: str | None) -> bool:
    """Whether a stored calm_mode value means calm mode is on (anything but "on" is off)."""
    return stored == "on"


def calm_value(raw: str) -> str:
    """The value to store for a toggle form's `calm` field; refuses anything but on/off."""
    value = raw.strip().lower()
    if value not in CALM_VALUES:
        raise EarnedError("Calm mode can be switched on or off; nothing was changed.")
    return value


def content_note(key: str) -> dict[str, str]:
    """The content note `key` (e.g. "origin", "core_beliefs") from pacing.toml.

    An unknown key is a programming error, not something a person can fix: KeyError.
    """
    notes: dict[str, dict[str, str]] = words()["notes"]
    return {**words()["note_defaults"], **notes[key]}
