"""Everything the person has, as JSON (canonical, re-importable), CSV (a zip of tables)
or Markdown (readable), and import of the JSON form.

`snapshot` → `restore` round-trips exactly: a second snapshot of the restored
journal equals the first apart from `exported_at`. Import is all-or-nothing:
it runs in the caller's transaction, and a conflicting record aborts it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from earned import assessment, imported, instruments, journal, people
from earned.errors import EarnedError
from earned.reports import faults, readable, sharing, summary, tables
from earned.store import settings
from earned.store.models import AnswerRow, AssessmentRow, EntryRow

FORMAT = "earned-export"
VERSION = 1
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def _ts(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _parse_ts(value: Any, what: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise EarnedError(f"The import file has an unreadable date in {what}.") from None
    if parsed.tzinfo is None:
        raise EarnedError(f"The import file has a date without a time zone in {what}.")
    return parsed.astimezone(UTC)


def snapshot(*, session: Session, now: datetime | None = None) -> dict[str, Any]:
    """All records as plain JSON-ready data, oldest first."""
    assessments = []
    for a in session.query(AssessmentRow).order_by(AssessmentRow.started_at, AssessmentRow.id):
        assessments.append(
            {
                "id": a.id,
                "instrument": a.instrument,
                "started_at": _ts(a.started_at),
                "completed_at": _ts(a.completed_at),
                # Whom a relationship questionnaire is about (None for the others).
                "person_id": a.person_id,
                "person_name": a.person_name,
                "answers": [
                    {"item": x.item, "value": x.value, "answered_at": _ts(x.answered_at)}
                    for x in a.answers
                ],
            }
        )
    entries = [
        {
            "id": e.id,
            "kind": e.kind,
            "prompt": e.prompt,
            "body": e.body,
            "created_at": _ts(e.created_at),
            "updated_at": _ts(e.updated_at),
        }
        for e in session.query(EntryRow).order_by(EntryRow.created_at, EntryRow.id)
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _ts(now or datetime.now(UTC)),
        "assessments": assessments,
        "entries": entries,
        "settings": settings.all_settings(session=session),
        # In-the-moment tables; an export made before they existed simply lacks the keys.
        **tables.dump(session=session),
    }


def to_json(data: dict[str, Any]) -> str:
    """The canonical export. Any text stored before bad bytes were refused at the door is
    written with U+FFFD in their place (readable.clean), so the export cannot fail."""
    return readable.clean(json.dumps(data, indent=1, ensure_ascii=False)) + "\n"


def parse_json(text: str | bytes) -> dict[str, Any]:
    if len(text) > MAX_IMPORT_BYTES:
        raise EarnedError("That file is larger than any earned export could be; not imported.")
    if not text.strip():
        raise EarnedError("That file is empty, so there was nothing to import.")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise EarnedError("That file is not an earned export (it is not valid JSON).") from None
    except RecursionError:
        # Lists or objects nested thousands deep: valid JSON, but nothing earned writes
        # (an export is four levels deep), and the parser gives up on it with this error.
        raise EarnedError("That file is not an earned export (it is nested too deeply).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise EarnedError("That file is not an earned export.")
    if data.get("version") != VERSION:
        raise EarnedError(f"That export has version {data.get('version')}, which is not known.")
    return data


def _record_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= 32:
        raise EarnedError("its id is not one earned could have made")
    return value


def _assessment_record(a: dict[str, Any]) -> dict[str, Any]:
    """One exported assessment, checked and in the exact form `snapshot` writes."""
    a_id = _record_id(a["id"], "assessment")
    inst = instruments.load(str(a["instrument"]))
    answers: dict[int, dict[str, Any]] = {}
    for ans in a["answers"]:
        try:
            item, value = assessment.check_answer(inst, int(ans["item"]), int(ans["value"]))
        except EarnedError:
            raise EarnedError(f"answer {ans.get('item')} is not a choice on its scale") from None
        if item in answers:
            raise EarnedError(f"it answers question {item} twice")
        answered_at = _ts(_parse_ts(ans["answered_at"], "an answer"))
        answers[item] = {"item": item, "value": value, "answered_at": answered_at}
    completed = a["completed_at"]
    # An export made before questionnaires could be about a person lacks the two keys.
    person_id = imported.optional(imported.reference)(a.get("person_id"))
    person_name = a.get("person_name")
    if person_name is not None:
        person_name = people.check_person_name(imported.string(str)(person_name))
    return {
        "id": a_id,
        "instrument": inst.id,
        "started_at": _ts(_parse_ts(a["started_at"], "an assessment")),
        "completed_at": _ts(_parse_ts(completed, "an assessment")) if completed else None,
        "person_id": person_id,
        "person_name": person_name,
        "answers": [answers[n] for n in sorted(answers)],
    }


def _entry_record(e: dict[str, Any]) -> dict[str, Any]:
    """One exported entry, checked like a new one and in the form `snapshot` writes."""
    e_id = _record_id(e["id"], "entry")
    kind, prompt = str(e["kind"]), e.get("prompt")
    if prompt is not None and (not isinstance(prompt, str) or len(prompt) > 64):
        raise EarnedError("its question could not be read")
    journal.check_kind(kind, prompt)
    return {
        "id": e_id,
        "kind": kind,
        "prompt": prompt,
        "body": journal.clean_body(str(e["body"])),
        "created_at": _ts(_parse_ts(e["created_at"], "an entry")),
        "updated_at": _ts(_parse_ts(e["updated_at"], "an entry")),
    }


def restore(*, session: Session, data: dict[str, Any]) -> dict[str, int]:
    """Add the export's records. Identical existing records are skipped; a record whose
    id exists with different content is a conflict and nothing is imported.

    Every record is checked as a new one would be (scale, kind, text limits) and
    compared in normalised form, so the same file imported twice always skips.
    Raises EarnedError; the caller's transaction must then be rolled back.
    """
    counts = {"assessments": 0, "entries": 0, "skipped": 0}
    counts.update({t.key: 0 for t in tables.TABLES})
    # A server's sharing record (reports/sharing.py) is a record of consent given there,
    # never a permission here: none of it is read, whatever it holds, and the summary says
    # so when it held anything.
    if sharing.carries_anything(data.get(sharing.KEY)):
        counts[summary.SHARING_LEFT_OUT] = 1
    current = snapshot(session=session)
    have_a = {a["id"]: a for a in current["assessments"]}
    have_e = {e["id"]: e for e in current["entries"]}
    try:
        seen: set[str] = set()
        for number, raw in enumerate(data.get("entries", []), start=1):
            with faults.at_fault("entries", raw, "created_at", number):
                e = _entry_record(raw)
                new = tables.admit(
                    e,
                    seen=seen,
                    have=have_e,
                    twice="it appears twice in the file",
                    conflict="your journal already has it, with other text",
                )
            if not new:
                counts["skipped"] += 1
                continue
            session.add(
                EntryRow(
                    id=e["id"],
                    kind=e["kind"],
                    prompt=e["prompt"],
                    body=e["body"],
                    created_at=_parse_ts(e["created_at"], "an entry"),
                    updated_at=_parse_ts(e["updated_at"], "an entry"),
                )
            )
            counts["entries"] += 1
        tables.load(session=session, data=data, counts=counts, current=current)
        # After the tables: a questionnaire about a person refers to the people ledger.
        seen.clear()
        for number, raw in enumerate(data.get("assessments", []), start=1):
            with faults.at_fault("assessments", raw, "started_at", number):
                a = _assessment_record(raw)
                new = tables.admit(
                    a,
                    seen=seen,
                    have=have_a,
                    twice="it appears twice in the file",
                    conflict="your journal already has it, with other answers",
                )
            if not new:
                counts["skipped"] += 1
                continue
            row = AssessmentRow(
                id=a["id"],
                instrument=a["instrument"],
                started_at=_parse_ts(a["started_at"], "an assessment"),
                completed_at=_parse_ts(a["completed_at"], "an assessment")
                if a["completed_at"]
                else None,
                person_id=a["person_id"],
                person_name=a["person_name"],
            )
            for ans in a["answers"]:
                row.answers.append(
                    AnswerRow(
                        item=ans["item"],
                        value=ans["value"],
                        answered_at=_parse_ts(ans["answered_at"], "an answer"),
                    )
                )
            session.add(row)
            counts["assessments"] += 1
        for key, value in dict(data.get("settings", {})).items():
            settings.set_setting(session=session, key=str(key), value=str(value))
        session.flush()
    except (KeyError, TypeError, ValueError, AttributeError):
        raise EarnedError(
            "The export file is incomplete or damaged; nothing was imported."
        ) from None
    except (IntegrityError, DataError):
        # Whatever slipped past the checks above (e.g. an over-long setting on PostgreSQL).
        raise EarnedError(
            "The export file holds records this journal cannot store; nothing was imported."
        ) from None
    return counts
