"""The origin story linked to today: a passage the person selects in one of their
origin-story entries, linked to something present (a recurring pattern, a trigger, a core
belief). The story is context for how a pattern was learned, not a fixed identity: a link
says "this may be where it began", nothing more.

Owns the links' rules (the passage is in the entry's own words, limits, what can be
linked) for new and imported links; the store, web and import call these. Pure.

A passage is checked against the entry when it is linked. The entry may be edited later;
the link keeps the words the person chose, as they chose them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earned import imported
from earned.episodes import MAX_PATTERN_PART, MAX_SHORT_TEXT
from earned.errors import EarnedError
from earned.patterns import Recurring, normalise
from earned.text import check_valid

MAX_PASSAGE = 1_000  # characters of a selected passage: a few sentences
ORIGIN_KIND = "origin"  # the journal entries a passage may come from (earned.journal.KINDS)
KINDS = ("pattern", "trigger", "belief")
KIND_NAMES = {"pattern": "a pattern", "trigger": "a trigger", "belief": "a belief"}
# A pattern is named by its fear and urge as the patterns page groups them
# (patterns.normalise): one line each, so a line break can join them without ambiguity.
PATTERN_JOIN = "\n"
MAX_TARGET = max(2 * MAX_PATTERN_PART + len(PATTERN_JOIN), MAX_SHORT_TEXT, imported.MAX_ID)
TRIGGERS_OFFERED = 30  # the most recent distinct triggers offered for a link
CHOICE_DIGITS = 24  # hex digits of a target's digest in a form
_LINE_END = re.compile("\r+\n")


@dataclass(frozen=True)
class Link:
    id: str
    entry_id: str
    passage: str
    target_kind: str
    target: str
    created_at: datetime


@dataclass(frozen=True)
class Target:
    """Something present a passage can be linked to: its kind, stored key and words."""

    kind: str
    key: str
    label: str

    @property
    def choice(self) -> str:
        """How a form names it: "kind:" and a digest of the key. A key can hold line
        breaks (a trigger typed over two lines), which a browser rewrites in a form's
        values, so the key itself cannot travel in one."""
        digest = hashlib.sha256(self.key.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{self.kind}:{digest[:CHOICE_DIGITS]}"


def pattern_key(fear: str, urge: str) -> str:
    return f"{normalise(fear)}{PATTERN_JOIN}{normalise(urge)}"


def pattern_label(key: str) -> str:
    fear, _, urge = key.partition(PATTERN_JOIN)
    return f"the fear of {fear}, and the urge to {urge}"


def _squashed(text: str) -> str:
    return " ".join(text.split())


def check_passage(passage: str | None) -> str:
    """A passage as it is kept: line ends made plain, trimmed, not empty, limited."""
    text = _LINE_END.sub("\n", check_valid(passage or "", "passage").replace("\x00", "")).strip()
    if not text:
        raise EarnedError(
            "Select a few words of the entry (or copy them into the passage box) to link."
        )
    if len(text) > MAX_PASSAGE:
        raise EarnedError(
            f"That passage is {len(text):,} characters; please choose up to {MAX_PASSAGE:,}."
        )
    return text


def in_entry(passage: str, body: str) -> bool:
    """Whether the passage is words of the entry; spacing and line breaks aside, since a
    selection in a page may join lines differently from how they were typed."""
    return _squashed(passage) in _squashed(body)


def check_kind(kind: str | None) -> str:
    if kind not in KINDS:
        raise EarnedError("Choose what to link the passage to: a pattern, a trigger or a belief.")
    return kind


def check_target(target: str | None) -> str:
    """A stored target: a pattern's key, a trigger's words or a belief's id."""
    # NUL dropped as earned.text does for all text (PostgreSQL refuses it in text columns;
    # only an edited import could carry one, since every target is made of checked text).
    text = check_valid(target or "", "link").replace("\x00", "")
    if not text or len(text) > MAX_TARGET:
        raise EarnedError("Choose one of the patterns, triggers or beliefs offered.")
    return text


def check_link(
    *,
    entry_kind: str,
    entry_body: str,
    passage: str | None,
    choice: str | None,
    offered: Iterable[Target],
) -> tuple[str, str, str]:
    """(passage, kind, target) of a new link, or a clear EarnedError: the entry is an
    origin-story entry, the passage is its words, the target one of those offered."""
    if entry_kind != ORIGIN_KIND:
        raise EarnedError("Passages are linked from origin-story entries.")
    text = check_passage(passage)
    if not in_entry(text, entry_body):
        raise EarnedError(
            "Those words are not in this entry as it is saved now. Select them in the "
            "entry, or copy them exactly."
        )
    check_kind((choice or "").partition(":")[0])
    chosen = next((t for t in offered if t.choice == choice), None)
    if chosen is None:
        raise EarnedError("Choose one of the patterns, triggers or beliefs offered.")
    return text, chosen.kind, chosen.key


def targets(
    *,
    recurring: Iterable[Recurring],
    triggers: Iterable[str],
    beliefs: Mapping[str, str],
) -> list[Target]:
    """What a passage can be linked to: recurring patterns (most frequent first), recent
    distinct triggers (most recent first, TRIGGERS_OFFERED at most) and active beliefs."""
    out = [
        Target("pattern", pattern_key(r.fear, r.urge), pattern_label(pattern_key(r.fear, r.urge)))
        for r in recurring
    ]
    seen: set[str] = set()
    for trigger in triggers:
        if trigger in seen or len(seen) >= TRIGGERS_OFFERED:
            continue
        seen.add(trigger)
        out.append(Target("trigger", trigger, trigger))
    out += [Target("belief", belief_id, text) for belief_id, text in beliefs.items()]
    return out


def label(kind: str, target: str, beliefs: Mapping[str, str]) -> str:
    """What a stored link points to, in words (a belief put away keeps its words)."""
    if kind == "pattern":
        return pattern_label(target)
    if kind == "belief":
        return beliefs.get(target, "a belief no longer in your journal")
    return target


def _imported_passage(value: Any) -> str:
    return check_passage(value)


def _imported_target(value: Any) -> str:
    return check_target(value)


# Each stored column of an imported link, besides its id and time.
IMPORTED: dict[str, imported.Check] = {
    "entry_id": imported.reference,
    "passage": imported.string(_imported_passage),
    "target_kind": imported.string(check_kind),
    "target": imported.string(_imported_target),
}
