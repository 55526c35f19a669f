"""The self-soothing toolkit: the person's own tools, each use rated before and after,
and the tools ranked by what actually brings intensity down for them.

Owns the toolkit's rules (name limit, one active tool per name, ratings 0–10) for new
and imported records; the store, web, CLI and import call these.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earned import imported
from earned.episodes import check_intensity
from earned.errors import EarnedError
from earned.text import check_name

MAX_TOOL_NAME = 120


def check_tool_name(name: str | None) -> str:
    text = check_name(name, "tool name", MAX_TOOL_NAME)
    if not text:
        raise EarnedError("Give the tool a short name, e.g. 'cold water on my wrists'.")
    return text


def same_tool(name: str, active: Mapping[str, str]) -> str | None:
    """The id of an active tool with this name (case aside): adding it again is a repeat,
    not a second tool with the same name."""
    for tool_id, existing in active.items():
        if existing.lower() == name.lower():
            return tool_id
    return None


def check_ratings(before: object, after: object) -> tuple[int, int]:
    """Intensity before and after using a tool, each 0–10 like an activation's."""
    return check_intensity(before), check_intensity(after)


def _imported_name(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise EarnedError("The import file has a tool without a name.")
    return str(imported.string(check_tool_name)(value))


# Each stored column of an imported tool / tool use, besides its id and times.
IMPORTED_TOOL: dict[str, imported.Check] = {"name": _imported_name, "archived": imported.boolean}
IMPORTED_USE: dict[str, imported.Check] = {
    "client_token": imported.token,
    "tool_id": imported.reference,
    "before": imported.whole(check_intensity),
    "after": imported.whole(check_intensity),
}


@dataclass(frozen=True)
class ToolUse:
    tool_id: str
    before: int
    after: int
    used_at: datetime

    @property
    def drop(self) -> int:
        return self.before - self.after


@dataclass(frozen=True)
class ToolRank:
    tool_id: str
    name: str
    uses: int
    median_drop: float | None


def rank_tools(tools: dict[str, str], uses: Iterable[ToolUse]) -> list[ToolRank]:
    """Tools by the median intensity drop they gave; untried tools last, by name."""
    drops: dict[str, list[int]] = {tid: [] for tid in tools}
    for use in uses:
        if use.tool_id in drops:
            drops[use.tool_id].append(use.drop)
    ranks = [
        ToolRank(tid, name, len(drops[tid]), statistics.median(drops[tid]) if drops[tid] else None)
        for tid, name in tools.items()
    ]
    return sorted(
        ranks,
        key=lambda r: (r.median_drop is None, -(r.median_drop or 0), -r.uses, r.name.lower()),
    )
