"""The therapist hand-off: the rules of what a person chooses to bring to a clinician.

A period (from and to, default the last four weeks), the sections to include, whether
moments may carry what the person wrote, whether names are shown as initials, and a
free "anything else" note. Every free-text item that would be included has a key; the
person ticks the ones to keep, and only ticked ones leave the journal.

Pure: the store gathers the records (earned/store/handoff.py), reports/handoff.py draws
the PDF, the web page and the CLI check their input here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from earned import content, text
from earned.errors import EarnedError

DEFAULT_DAYS = 28  # the period a hand-off covers unless the person picks another
LONGEST_DAYS = 3 * 366 + 1  # about three years: more than any one hand-off needs
MAX_NOTE = 4_000  # the "anything else" note: about a page and a half
MOST_WORDS = 8  # feeling words listed in the moments summary
MOST_PATTERNS = 5  # recurring patterns listed
MOST_ITEMS = 200  # free-text items listed on the form for one period

SECTIONS = ("results", "moments", "practices", "ladder", "beliefs", "prep", "note")


def words() -> dict[str, Any]:
    """The hand-off's words (earned/content/handoff.toml)."""
    loaded: dict[str, Any] = content.load("handoff")
    return loaded


@dataclass(frozen=True)
class Item:
    """One piece of free text that would be included: `key` names it on the form."""

    key: str
    section: str
    when: str  # a short date, for the form's list
    text: str


@dataclass(frozen=True)
class Choice:
    """What the person chose to export."""

    start: date
    end: date  # inclusive
    sections: tuple[str, ...] = SECTIONS
    initials: bool = False
    written: bool = False  # include what the person wrote about moments
    keep: frozenset[str] | None = None  # item keys kept; None keeps every item
    note: str | None = None

    def kept(self, key: str) -> bool:
        return self.keep is None or key in self.keep


@dataclass
class Problems:
    """Field name → a message to show next to that field."""

    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields)


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _day(raw: str | None, what: str) -> date:
    value = (raw or "").strip()
    if not value:
        raise EarnedError(f"Please give the {what} date.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EarnedError(
            f"Please give the {what} date as year-month-day, e.g. 2026-03-01."
        ) from None


def check_period(start_raw: str | None, end_raw: str | None, today: date) -> tuple[date, date]:
    """(from, to) or an EarnedError naming the field: `from`/`to` in its `field` attribute."""
    problems = Problems()
    start = end = today
    try:
        start = _day(start_raw, "first")
    except EarnedError as e:
        problems.fields["from"] = e.message
    try:
        end = _day(end_raw, "last")
    except EarnedError as e:
        problems.fields["to"] = e.message
    if not problems:
        if end > today:
            problems.fields["to"] = "The last date can be today at the latest."
        elif start > end:
            problems.fields["from"] = "The first date comes before the last one."
        elif (end - start).days + 1 > LONGEST_DAYS:
            problems.fields["from"] = "A hand-off covers at most about three years."
    if problems:
        raise PeriodError(problems)
    return start, end


class PeriodError(EarnedError):
    def __init__(self, problems: Problems) -> None:
        super().__init__(" ".join(problems.fields.values()))
        self.problems = problems


def check_sections(chosen: Iterable[str]) -> tuple[str, ...]:
    picked = set(chosen)
    unknown = sorted(picked - set(SECTIONS))
    if unknown:
        raise EarnedError(
            f"There is no section called {', '.join(unknown)}. The sections are "
            f"{', '.join(SECTIONS)}."
        )
    if not picked:
        raise EarnedError("Please choose at least one section.")
    return tuple(s for s in SECTIONS if s in picked)


def check_note(value: str | None) -> str | None:
    return text.check_text(value, "note", MAX_NOTE)


def check_form(values: Mapping[str, str], today: date) -> tuple[Choice | None, Problems]:
    """The web form: `from`, `to`, `section-<name>`, `initials`, `written`, `keep-<key>`,
    `note`. Returns the choice, or None and a message per field."""
    problems = Problems()
    start, end = default_period(today)
    try:
        start, end = check_period(values.get("from"), values.get("to"), today)
    except PeriodError as e:
        problems.fields.update(e.problems.fields)
    sections: tuple[str, ...] = ()
    try:
        sections = check_sections(s for s in SECTIONS if values.get(f"section-{s}"))
    except EarnedError as e:
        problems.fields["sections"] = e.message
    note = None
    try:
        note = check_note(values.get("note"))
    except EarnedError as e:
        problems.fields["note"] = e.message
    if problems:
        return None, problems
    keep = frozenset(k.removeprefix("keep-") for k, v in values.items() if k.startswith("keep-"))
    return (
        Choice(
            start=start,
            end=end,
            sections=sections,
            initials=bool(values.get("initials")),
            written=bool(values.get("written")),
            keep=keep,
            note=note,
        ),
        problems,
    )


def initials(name: str) -> str:
    """ "Sam Lee" → "S. L."; a name with no letters stays as it is."""
    letters = [part[0].upper() for part in re.findall(r"[^\W\d_][\w'-]*", name)]
    return " ".join(f"{c}." for c in letters) or name


def with_initials(words_: str, names: Iterable[str]) -> str:
    """`words_` with every whole-word mention of each name (longest first, any case)
    replaced by its initials, and each single part of a longer name too."""
    out = words_
    whole: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if not name:
            continue
        whole[name] = initials(name)
        for part in name.split():
            if len(part) > 1 and part not in whole:
                whole[part] = initials(part)
    for name in sorted(whole, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", whole[name], out, flags=re.IGNORECASE)
    return out


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
