"""The parts map (roadmap step 6): the parts of a person that take turns at the wheel, each
with what it protects, what it fears and what it needs, and which one was loudest in a
moment. Pure: limits, checks for a new, an edited and an imported part, the loudest-part
rule; the store, web, CLI and import call these and state no number of their own.

Parts are never deleted from the map by the person's hand, only put away (archived): a
moment that named a part keeps naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earned import imported
from earned.errors import EarnedError
from earned.text import check_name, check_text

MAX_NAME = 120  # the stored column's length: a few words ("the one who keeps watch")
MAX_TEXT = 1000  # what it protects, fears, needs; how it gets on with the others
RECENT_MOMENTS = 10  # moments a part's page lists where it was the loudest
# The optional fields, in the order the pages ask for them, with their words for messages.
FIELDS: dict[str, str] = {
    "protects": "what it protects",
    "fears": "what it fears",
    "needs": "what it needs",
    "relations": "how it gets on with your other parts",
}


@dataclass(frozen=True)
class Part:
    id: str
    name: str
    protects: str | None
    fears: str | None
    needs: str | None
    relations: str | None
    created_at: datetime
    updated_at: datetime
    archived: bool


def check_part_name(name: str | None) -> str:
    text = check_name(name, "part's name", MAX_NAME)
    if not text:
        raise EarnedError(
            "Give the part a name in your own words, e.g. 'the watcher' or 'the one who wants "
            "to be held'."
        )
    return text


def check_field(name: str, value: str | None) -> str | None:
    """One of the optional fields (FIELDS), trimmed; None when left empty."""
    return check_text(value, FIELDS[name], MAX_TEXT)


def check_part(name: str | None, **fields: str | None) -> dict[str, Any]:
    """The column values of a new or edited part, every one checked before any is used.

    `fields` are the optional ones (FIELDS); a field not given is stored empty.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a field of a part: {sorted(unknown)}")
    values: dict[str, Any] = {"name": check_part_name(name)}
    for field_name in FIELDS:
        values[field_name] = check_field(field_name, fields.get(field_name))
    return values


def same_part(name: str, active: Mapping[str, str], *, besides: str | None = None) -> str | None:
    """The id of another part on the map with this name (case aside), if any: a name
    names one part, so two "watchers" would make the moments that name one unreadable."""
    for part_id, existing in active.items():
        if part_id != besides and existing.lower() == name.lower():
            return part_id
    return None


def check_loudest(chosen: str | None, active: Mapping[str, str], current: str | None) -> str | None:
    """The part to record as the loudest in a moment: one of the parts on the map, the one
    already recorded (even if it has since been put away), or None (no part named)."""
    if not chosen:
        return None
    if chosen != current and chosen not in active:
        raise EarnedError(
            "That part is not on your map any more. Choose another one, or none.", status=400
        )
    return chosen


def _imported_name(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise EarnedError("The import file has a part without a name.")
    return str(imported.string(check_part_name)(value))


def _imported_field(name: str) -> imported.Check:
    def rule(value: str) -> str | None:
        return check_field(name, value)

    return imported.optional(imported.string(rule))


def check_imported_times(times: Mapping[str, datetime | None], record: Mapping[str, Any]) -> None:
    created, updated = times["created_at"], times["updated_at"]
    if created is not None and updated is not None and updated < created:
        raise EarnedError("The import file has a part changed before it was made.")


# Each stored column of an imported part, besides its id and times, and its check.
IMPORTED: dict[str, imported.Check] = {
    "name": _imported_name,
    **{name: _imported_field(name) for name in FIELDS},
    "archived": imported.boolean,
}
