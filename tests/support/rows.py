"""Every row of a journal, what a request changed, and whether the changed rows are
whole records (for the form fuzzer, tests/support/fuzz.py).

A record is whole when the rules its record kind owns for a new record pass on it
unchanged (the import checks of earned.reports, which apply those rules: trimmed, within
its limits, valid text, times in order), the records it refers to exist, a finished
questionnaire has every answer and a check-in has at least its first, and no stored text
is a prefix of what was sent, cut off in the middle of a word.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earned import checkin, instruments
from earned.errors import EarnedError
from earned.reports import export, tables
from earned.store.models import Base

Rows = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]


def snapshot_rows(session: Session) -> Rows:
    """Every row of every table of the models, by primary key, every column."""
    out: Rows = {}
    for table in Base.metadata.sorted_tables:
        key = [c.name for c in table.primary_key.columns]
        out[table.name] = {
            tuple(row._mapping[c] for c in key): tuple(row)
            for row in session.execute(select(table))
        }
    return out


@dataclass(frozen=True)
class Change:
    table: str
    key: tuple[Any, ...]
    before: tuple[Any, ...] | None
    after: tuple[Any, ...] | None

    def __str__(self) -> str:
        verb = "added" if self.before is None else "removed" if self.after is None else "changed"
        return f"{self.table} {self.key[0] if len(self.key) == 1 else self.key} {verb}"


def changes(before: Rows, after: Rows) -> list[Change]:
    out: list[Change] = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for key in sorted(set(old) | set(new), key=repr):
            if old.get(key) != new.get(key):
                out.append(Change(table, key, old.get(key), new.get(key)))
    return out


# The export's sections, by the tables whose rows they hold.
_SECTION = {"assessments": "assessments", "answers": "assessments", "entries": "entries"}
_SECTION.update({t.key: t.key for t in tables.TABLES})


def broken_records(session: Session, changed: Sequence[Change], sent: Sequence[str]) -> list[str]:
    """What is not whole among the records `changed` touched (see the module docstring)."""
    data = export.snapshot(session=session)
    ids: dict[str, set[str]] = {}
    for c in changed:
        section = _SECTION.get(c.table)
        if section is not None and (c.after is not None or c.table == "answers"):
            ids.setdefault(section, set()).add(str(c.key[0]))
    problems: list[str] = []
    kinds = {t.key: t for t in tables.TABLES}
    present = {s: {r["id"] for r in data[s]} for s in kinds} | {
        "assessments": {a["id"] for a in data["assessments"]}
    }
    for section, wanted in ids.items():
        for record in data.get(section, []):
            if record["id"] not in wanted:
                continue
            label = f"{section} {record['id']}"
            try:
                if section == "assessments":
                    normal = export._assessment_record(record)
                    problems += _assessment_problems(record, label)
                elif section == "entries":
                    normal = export._entry_record(record)
                else:
                    normal = tables._normalise(kinds[section], record)
            except (EarnedError, KeyError, TypeError, ValueError) as error:
                problems.append(f"{label} breaks its own rules: {error}")
                continue
            if normal != record:
                diff = {
                    k: (record.get(k), normal.get(k)) for k in normal if normal[k] != record.get(k)
                }
                problems.append(
                    f"{label} is stored in a form a new record never has: {short(diff)}"
                )
            problems += _references(section, record, present, label)
            problems += _truncated(record, sent, label)
        gone = wanted - present.get(section, set())
        if section == "assessments" and gone:
            # Answers whose assessment is gone (the foreign key should have removed them).
            orphans = [
                c for c in changed if c.table == "answers" and str(c.key[0]) in gone and c.after
            ]
            problems += [f"answer {c.key} left without its assessment" for c in orphans]
    return problems


def _assessment_problems(record: dict[str, Any], label: str) -> list[str]:
    inst = instruments.load(record["instrument"])
    answered = {a["item"] for a in record["answers"]}
    if record["completed_at"] and len(answered) < len(inst.items):
        return [f"{label} is finished with {len(answered)} of {len(inst.items)} answers"]
    if inst.id in checkin.available() and not answered:
        return [f"{label} is a check-in saved without any answer"]
    return []


_REFERENCES = {"urge_delays": ("activation_id", "activations"), "tool_uses": ("tool_id", "tools")}


def _references(
    section: str, record: dict[str, Any], present: dict[str, set[str]], label: str
) -> list[str]:
    column, target = _REFERENCES.get(section, ("", ""))
    value = record.get(column) if column else None
    if value is not None and value not in present[target]:
        return [f"{label} refers to {target} {value}, which does not exist"]
    return []


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _truncated(record: dict[str, Any], sent: Sequence[str], label: str) -> list[str]:
    """Stored text that is what was sent, cut off in the middle of a word."""
    out = []
    for stored in _strings(record):
        if len(stored) < 2:
            continue
        for value in sent:
            whole = value.replace("\r\n", "\n").replace("\x00", "").strip()
            if (
                len(whole) > len(stored)
                and whole.startswith(stored)
                and whole[len(stored)].isalnum()
            ):
                out.append(f"{label} keeps {len(stored):,} of the {len(whole):,} characters sent")
    return out


def short(value: Any, most: int = 160) -> str:
    """repr(value), cut to `most` characters with its full length said."""
    text = repr(value)
    return text if len(text) <= most else f"{text[:most]}… ({len(text):,} characters)"
