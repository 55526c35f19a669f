"""Sharing with a clinician in server mode (issue 14): what can be shared, invite codes,
and the rules a clinician's every read passes.

A person invites a clinician with a one-time code and chooses, category by category,
what the clinician may see; they can change or end it at any time, with effect on the
clinician's next request (every read checks the current choice, nothing is cached). Every
read a clinician makes is written to an audit log the person can read. Pure.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from earned.errors import EarnedError

# What can be shared, in the order the sharing page lists them, with the words it uses.
CATEGORIES: dict[str, str] = {
    "results": "Questionnaire results (starting point and check-ins), with their changes",
    "progress": "Progress signs (settling time, urges held, naming, time with steady people)",
    "moments": "Details of logged moments (what set them off, intensity, urges, times)",
    "journal": "Journal writing (reflections, origin story, letters)",
    "practices": "Practices and ladder tries",
    "prep": "Session-prep notes",
}
# The short names a clinician's caseload shows for each.
SHORT: dict[str, str] = {
    "results": "results",
    "progress": "progress signs",
    "moments": "moments",
    "journal": "journal writing",
    "practices": "practices",
    "prep": "session prep",
}
# Shared unless the person unticks them when inviting: the least that helps a clinician.
DEFAULT = ("results", "progress")

INVITE_LIFE = timedelta(days=7)
# No 0/O, 1/I/L: read aloud or copied from a phone without a mistake.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_GROUPS = 3
_GROUP = 4

# Assigned practices: what a clinician may suggest, and how the person answers.
ASSIGN_KINDS = ("rung", "practice")
OPEN, DECLINED, DONE = "open", "declined", "done"
ANSWERS = (DECLINED, DONE)
ASSIGN_NOTE_MAX = 500


def kind_words(kind: str) -> str:
    """What a suggestion is, in words: "a ladder step" or "a practice"."""
    return "a ladder step" if kind == "rung" else "a practice"


@dataclass(frozen=True)
class Link:
    """A person's sharing with one clinician, as it stands."""

    person_id: int
    clinician_id: int
    categories: frozenset[str]
    since: datetime

    def allows(self, category: str) -> bool:
        return category in self.categories


# The history of consent: when sharing with a clinician began, changed and stopped. The
# server keeps each with what was shared after it (store/server/sharing.py), so the trail
# outlives the link and the clinician's account; the person reads it on their sharing log
# (newest first, EVENTS_PAGE at a time) and in their export.
BEGAN, CHANGED, STOPPED = "began", "changed", "stopped"
EVENT_KINDS = (BEGAN, CHANGED, STOPPED)
EVENTS_PAGE = 20


@dataclass(frozen=True)
class Event:
    """One step of a person's sharing with one clinician."""

    at: datetime
    clinician: str
    kind: str
    categories: frozenset[str]  # shared after it; empty once stopped

    @property
    def words(self) -> str:
        return event_words(self.kind, self.clinician, self.categories)


def change_kind(before: Collection[str] | None, after: Collection[str]) -> str | None:
    """The event a new or changed choice makes (`before` None: there was no link), or None
    when it changes nothing, which leaves no trace."""
    if before is None:
        return BEGAN
    return None if set(before) == set(after) else CHANGED


def listed(categories: Collection[str]) -> str:
    """'results, moments and journal writing', in the sharing page's order."""
    names = [SHORT[k] for k in CATEGORIES if k in categories] + sorted(
        set(categories) - set(CATEGORIES)
    )
    if not names:
        return "nothing"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def event_words(kind: str, clinician: str, categories: Collection[str]) -> str:
    """The sentence the log and the export's Markdown give an event (no date: each says
    its own in the person's zone)."""
    if kind == BEGAN:
        return f"Began sharing {listed(categories)} with {clinician}"
    if kind == CHANGED:
        return f"Changed what {clinician} sees to {listed(categories)}"
    if kind == STOPPED:
        return f"Stopped sharing with {clinician}"
    return f"{kind.capitalize()}: {clinician}, {listed(categories)}"


# Said when an imported file carries a server's sharing record (its clinicians, their
# looks, suggestions, invites): it is a record of what happened there, not a permission.
# Consent is given to a clinician on one server and cannot travel with a file.
NOT_CARRIED = (
    "The file's record of sharing with clinicians was left out: sharing is chosen on the "
    "server where it happened and cannot move with a file. To share again, invite your "
    "clinician again."
)


def check_categories(chosen: Collection[str]) -> frozenset[str]:
    unknown = sorted(set(chosen) - set(CATEGORIES))
    if unknown:
        raise EarnedError("That choice of what to share was not understood. Nothing changed.")
    return frozenset(chosen)


def new_invite_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP))
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))


def normal_code(typed: str) -> str | None:
    """An invite code as typed (any case, spaces or dashes anywhere) in its stored shape."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(letters) != _GROUPS * _GROUP or any(ch not in _ALPHABET for ch in letters):
        return None
    return "-".join(letters[i : i + _GROUP] for i in range(0, len(letters), _GROUP))


BAD_CODE = (
    "That invite code was not found, or it has been used or has expired. Please ask the "
    "person for a new one."
)


def check_assignment(
    kind: str, key: str, note: str | None, offered: dict[str, tuple[str, ...]]
) -> tuple[str, str, str]:
    """A suggestion's kind, what it is (one of `offered[kind]`: what the person's app
    offers of that kind) and the clinician's note."""
    if kind not in ASSIGN_KINDS or key.strip() not in offered.get(kind, ()):
        raise EarnedError("Please choose a practice or a ladder step to suggest.")
    text = (note or "").strip()
    if len(text) > ASSIGN_NOTE_MAX:
        raise EarnedError(f"Please keep the note under {ASSIGN_NOTE_MAX} characters.")
    return kind, key.strip(), text


def check_answer(answer: str) -> str:
    if answer not in ANSWERS:
        raise EarnedError("Please choose whether you tried it or would rather not.")
    return answer
