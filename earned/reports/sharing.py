"""Server mode: the person's own sharing record as a section of their export.

On a server (issue 14) the journal is not all there is about a person: the server keeps
which clinicians they share with and what (care links), when sharing with each began,
changed and stopped (the consent history), every look a clinician took (the audit log),
the practices clinicians suggested with the person's answers, and invite codes not yet
used. Their export carries it all, under KEY, as JSON-ready data made by
`section` from the store's record (store/server/sharing.record); the CSV zip and the
Markdown document are made from that, like every other section (reports/readable.py).

What it never holds: another person's rows (the store reads by the person's own id), an
invite code or its hash (the code is shown once, when made, and only a SHA-256 of it is
kept; a hash in a file that may be mailed or synced could be guessed back into a working
code within the week it lives), and account ids.

A personal journal has no server, so its export has no such section at all. Importing a
file with one leaves it out and says so (export.restore): consent was given to a
clinician on one server and cannot move with a file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from earned import consent

if TYPE_CHECKING:  # the store's record type only: personal mode never loads server tables
    from earned.store.server.sharing import Record

KEY = "sharing"

# Each list in the section, its CSV file in the zip, and its columns (stored values:
# times in UTC ISO 8601, categories by their keys in earned/consent.py CATEGORIES).
FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "clinicians": (
        "sharing_clinicians.csv",
        ("clinician", "sharing_now", "categories", "since", "last_look_or_suggestion"),
    ),
    "looks": ("sharing_looks.csv", ("at", "clinician", "category", "what")),
    "suggestions": (
        "sharing_suggestions.csv",
        ("suggested_at", "clinician", "kind", "what", "note", "answer", "answered_at"),
    ),
    "invites": ("sharing_invites.csv", ("created_at", "expires_at", "categories")),
    # When sharing began, changed and stopped (kinds: consent.EVENT_KINDS), with what was
    # shared after each (empty once stopped).
    "changes": ("sharing_changes.csv", ("at", "clinician", "change", "categories")),
}

NOTE = (
    "What this server keeps about your sharing with clinicians: who you share with and "
    "what, when sharing with each clinician began, changed and stopped, every look a "
    "clinician took, their suggestions and your answers, and invite codes not yet used "
    "(never the code itself). A record only: importing this file elsewhere does not "
    "share anything."
)


def _ts(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _keys(chosen: frozenset[str]) -> list[str]:
    """Categories in the order the sharing page lists them (unknown ones last, kept)."""
    return [k for k in consent.CATEGORIES if k in chosen] + sorted(chosen - set(consent.CATEGORIES))


def carries_anything(value: object) -> bool:
    """Whether an imported file's sharing section holds anything import leaves out (and
    says so): a record with any clinician, look, suggestion, invite or change, or anything
    not shaped like a record at all. An empty record, or none, needs no word."""
    if value is None:
        return False
    if isinstance(value, dict):
        return any(part for key, part in value.items() if key != "note")
    return True


def section(record: Record) -> dict[str, Any]:
    """The person's sharing record as JSON-ready data, oldest first."""
    return {
        "note": NOTE,
        "clinicians": [
            {
                "clinician": c.clinician,
                "sharing_now": c.sharing_now,
                "categories": _keys(c.categories),
                "since": _ts(c.since),
                "last_look_or_suggestion": _ts(c.last_at),
            }
            for c in record.clinicians
        ],
        "looks": [
            {"at": _ts(r.at), "clinician": r.clinician, "category": r.category, "what": r.what}
            for r in record.reads
        ],
        "suggestions": [
            {
                "suggested_at": _ts(a.created_at),
                "clinician": a.clinician,
                "kind": a.kind,
                "what": a.key,
                "note": a.note,
                "answer": a.status,
                "answered_at": _ts(a.answered_at),
            }
            for a in record.suggestions
        ],
        "invites": [
            {
                "created_at": _ts(i.created_at),
                "expires_at": _ts(i.expires_at),
                "categories": _keys(i.categories),
            }
            for i in record.invites
        ],
        "changes": [
            {
                "at": _ts(e.at),
                "clinician": e.clinician,
                "change": e.kind,
                "categories": _keys(e.categories),
            }
            for e in record.events
        ],
    }
