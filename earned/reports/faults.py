"""Which record of an import file was at fault, in words: "The moment of 2 Mar 2026 could
not be imported: … Nothing was imported." rather than a table name or a raw id.

Every refusal of an import names the record by its kind and its date (or its place in
the file when it has no readable date), gives the reason, and says that nothing was
imported: the whole import is one transaction, rolled back on any refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from earned.errors import EarnedError

NOTHING = "Nothing was imported."
# The kind of each section's records, as a person would call them.
KINDS = {
    "assessments": "questionnaire",
    "entries": "journal entry",
    "activations": "moment",
    "urge_delays": "urge timer",
    "practices": "practice",
    "tools": "toolkit tool",
    "tool_uses": "tool use",
    "session_notes": "session note",
}


def which(section: str, raw: Any, time_key: str, number: int) -> str:
    """'The moment of 2 Mar 2026', or 'Moment 3 in the file' without a readable date."""
    kind = KINDS.get(section, "record")
    value = raw.get(time_key) if isinstance(raw, dict) else None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None:
            return f"The {kind} of {moment.day} {moment:%b %Y}"
    return f"{kind[0].upper()}{kind[1:]} {number} in the file"


def _reason(message: str) -> str:
    for tail in (" Nothing was saved.", "; nothing was imported.", " Nothing was imported."):
        message = message.removesuffix(tail)
    message = message.rstrip(".")
    return message[0].lower() + message[1:] if message else "it could not be read"


@contextmanager
def at_fault(section: str, raw: Any, time_key: str, number: int) -> Iterator[None]:
    """Reword any refusal raised while one record is checked or added (see the module)."""
    try:
        yield
    except EarnedError as exc:
        where = which(section, raw, time_key, number)
        raise EarnedError(
            f"{where} could not be imported: {_reason(exc.message)}. {NOTHING}"
        ) from None
    except (KeyError, TypeError, ValueError, AttributeError):
        where = which(section, raw, time_key, number)
        raise EarnedError(
            f"{where} could not be imported: some of its values are missing or of the wrong "
            f"kind. {NOTHING}"
        ) from None
