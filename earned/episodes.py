"""Activations (moments the attachment system fires) and their timing: pure domain logic.

An episode starts at onset (the log time, editable), may record a peak, and ends when
the person marks it settled. Recovery time = settled − onset. An episode left open is
never counted as recovered: it simply has no recovery time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from earned import imported
from earned.errors import EarnedError
from earned.records import names_of
from earned.text import check_name, check_text, check_words

# Real dataclasses for mypy; earned.records at run time, which spares the quick CLI path
# the ~6 ms import of `inspect` that `dataclasses` brings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from dataclasses import dataclass, field
    from typing import Any
else:
    from earned.records import field
    from earned.records import record as dataclass

# The limits of an activation, owned here: the store, web, CLI and import call the checks
# below and never state a number of their own.
INTENSITY_MIN, INTENSITY_MAX = 0, 10
MAX_SHORT_TEXT = 500  # trigger, urge, what I did: a sentence or two
MAX_PERSON = 120  # a name or a few words about who it was with
MAX_PATTERN_PART = 200  # each part of the pattern sentence
MAX_LIST = 20  # tags, emotions, body regions per activation
# Clock skew between a phone and the laptop serving it; later than this is "future".
FUTURE_GRACE = timedelta(minutes=2)
# An episode still open this long after its start was never marked settled: it leaves the
# open lists and is shown as "not marked", with no recovery time. Settling it "now" would
# record a recovery of days, which is not what happened, so a time must be given, and no
# recovery longer than this is recorded: the recovery times earned shows are plausible.
OPEN_WINDOW = timedelta(hours=24)
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")

BODY_REGIONS: tuple[tuple[str, str], ...] = (
    ("head", "Head"),
    ("jaw", "Jaw"),
    ("throat", "Throat"),
    ("shoulders", "Shoulders"),
    ("chest", "Chest"),
    ("arms", "Arms"),
    ("hands", "Hands"),
    ("stomach", "Stomach"),
    ("back", "Back"),
    ("legs", "Legs"),
)
BODY_KEYS = frozenset(k for k, _ in BODY_REGIONS)


@dataclass(frozen=True)
class Pattern:
    """The pattern sentence: feeling + situation read as interpretation + fear + urge."""

    feeling: str
    situation: str
    interpretation: str
    fear: str
    urge: str

    def sentence(self) -> str:
        return (
            f"I feel {self.feeling} because I'm reading {self.situation} as "
            f"{self.interpretation}, which touches my fear of {self.fear}, "
            f"and I want to {self.urge}."
        )


@dataclass
class Activation:
    id: str
    onset_at: datetime
    intensity: int
    trigger: str | None = None
    tags: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    emotions: list[str] = field(default_factory=list)
    urge: str | None = None
    action: str | None = None
    person: str | None = None
    named_in_moment: bool | None = None
    pattern: Pattern | None = None
    peak_at: datetime | None = None
    peak_intensity: int | None = None
    settled_at: datetime | None = None
    # Someone in the people ledger (`person` keeps their name as text).
    person_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.settled_at is None

    @property
    def recovery(self) -> timedelta | None:
        """Settled − onset; None while the episode is open."""
        if self.settled_at is None:
            return None
        return self.settled_at - self.onset_at

    def unmarked(self, now: datetime) -> bool:
        """Left open past OPEN_WINDOW: never marked settled, and no longer waiting to be."""
        return self.settled_at is None and now - self.onset_at > OPEN_WINDOW


def open_since(now: datetime) -> datetime:
    """The earliest start of an episode still counted as open at `now`."""
    return now - OPEN_WINDOW


def check_intensity(value: object) -> int:
    """An integer 0–10, or a clear EarnedError."""
    # Plain ASCII digits only: int() alone would also read "1_0" as 10 and other scripts'
    # digits, which is not what anyone typed into a 0–10 field.
    text = str(value).strip()
    if isinstance(value, bool) or not _WHOLE_NUMBER.fullmatch(text):
        raise EarnedError("Intensity is a whole number from 0 to 10.")
    number = int(text)
    if not INTENSITY_MIN <= number <= INTENSITY_MAX:
        raise EarnedError(f"Intensity runs from 0 to 10; {number} is outside that.")
    return number


def check_times(
    *,
    onset: datetime,
    now: datetime,
    peak: datetime | None = None,
    settled: datetime | None = None,
) -> None:
    """Onset not in the future; peak and settled not before onset; settled not before peak."""
    if onset > now + FUTURE_GRACE:
        raise EarnedError("That time is in the future. Please pick when it actually began.")
    for moment, name in ((peak, "peak"), (settled, "settled time")):
        if moment is None:
            continue
        if moment > now + FUTURE_GRACE:
            raise EarnedError(f"The {name} is in the future; nothing was changed.")
        if moment < onset:
            raise EarnedError(f"The {name} is before the episode began; nothing was changed.")
    if peak is not None and settled is not None and settled < peak:
        raise EarnedError("Settled cannot come before the peak; nothing was changed.")


@dataclass(frozen=True)
class Capture:
    """A validated quick capture: what a new activation starts with."""

    onset_at: datetime
    intensity: int
    trigger: str | None
    tags: list[str]
    emotions: list[str]
    urge: str | None

    def columns(self) -> dict[str, Any]:
        """Every stored detail of the new activation: what the capture gave, and the rest
        empty until the person adds it (the store and the quick path write exactly this)."""
        return {
            "onset_at": self.onset_at,
            "intensity": self.intensity,
            "trigger": self.trigger,
            "tags": self.tags,
            "body": [],
            "emotions": self.emotions,
            "urge": self.urge,
            "action": None,
            "person": None,
            "named_in_moment": None,
            "pattern": None,
            "peak_at": None,
            "peak_intensity": None,
            "settled_at": None,
            "person_id": None,
            "part_id": None,
        }


def check_capture(
    *,
    intensity: object,
    now: datetime,
    onset: datetime | None = None,
    trigger: str | None = None,
    emotions: list[str] | None = None,
    urge: str | None = None,
    tags: list[str] | None = None,
) -> Capture:
    """Validate a new capture; shared by the store and the quick CLI path."""
    onset_at = onset or now
    check_times(onset=onset_at, now=now)
    return Capture(
        onset_at=onset_at,
        intensity=check_intensity(intensity),
        trigger=check_field("trigger", trigger),
        tags=check_field("tags", tags or []),
        emotions=check_field("emotions", emotions or []),
        urge=check_field("urge", urge),
    )


# --- the optional details: one rule per field, for new, edited and imported records ---------

# field → (what a person calls it, limit) for text; (what, allowed words) for word lists.
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "trigger": ("trigger", MAX_SHORT_TEXT),
    "urge": ("urge", MAX_SHORT_TEXT),
    "action": ("note on what you did", MAX_SHORT_TEXT),
    "person": ("name", MAX_PERSON),
}
LIST_FIELDS: dict[str, tuple[str, frozenset[str] | None]] = {
    "tags": ("tags", None),
    "emotions": ("emotion words", None),
    "body": ("body areas", BODY_KEYS),
}
PATTERN_PARTS: tuple[str, ...] = names_of(Pattern)


def check_field(name: str, value: Any) -> Any:
    """One text or word-list field of an activation, cleaned, or a clear EarnedError."""
    if name == "person":
        return check_name(value, *TEXT_FIELDS[name])
    if name in TEXT_FIELDS:
        what, limit = TEXT_FIELDS[name]
        return check_text(value, what, limit)
    what, allowed = LIST_FIELDS[name]
    return check_words(value, what, MAX_LIST, allowed)


def check_pattern(parts: Mapping[str, str]) -> dict[str, str] | None:
    """The pattern sentence's parts, each trimmed and limited; None when all are empty."""
    cleaned = {
        k: check_text(parts.get(k, ""), "pattern sentence", MAX_PATTERN_PART) or ""
        for k in PATTERN_PARTS
    }
    return cleaned if any(cleaned.values()) else None


def pattern_of(stored: Mapping[str, str] | None) -> Pattern | None:
    """The stored parts (a JSON object) as a Pattern; None when nothing was written."""
    if not stored:
        return None
    return Pattern(**{k: stored.get(k, "") for k in PATTERN_PARTS})


def check_edit(
    current: Activation,
    *,
    now: datetime,
    onset: datetime | None = None,
    intensity: object = None,
    named_in_moment: bool | None = None,
    pattern: Pattern | None = None,
    **details: Any,
) -> dict[str, Any]:
    """The column values an edit changes, all checked before any is applied.

    Arguments left as None keep their value; `details` are the text and word-list
    fields (trigger, tags, body, emotions, urge, action, person). Checking everything
    first means a refused edit leaves the record exactly as it was.
    """
    unknown = set(details) - set(TEXT_FIELDS) - set(LIST_FIELDS)
    if unknown:
        raise TypeError(f"not a detail of an activation: {sorted(unknown)}")
    new_onset = onset or current.onset_at
    check_times(onset=new_onset, now=now, peak=current.peak_at, settled=current.settled_at)
    changes: dict[str, Any] = {"onset_at": new_onset}
    if intensity is not None:
        changes["intensity"] = check_intensity(intensity)
    for name, value in details.items():
        if value is not None:
            changes[name] = check_field(name, value)
    if named_in_moment is not None:
        changes["named_in_moment"] = named_in_moment
    if pattern is not None:
        changes["pattern"] = check_pattern({k: getattr(pattern, k) for k in PATTERN_PARTS})
    return changes


def check_person_link(person_id: str | None, name: str | None) -> dict[str, Any]:
    """The columns that link a moment to someone in the people ledger: their id, and their
    name as the moment's `person` text, so the moment still reads the same if they are
    later removed from the ledger. Unlinking (`person_id` None) keeps the text."""
    if person_id is None:
        return {"person_id": None}
    return {"person_id": person_id, "person": check_field("person", name)}


def settle_time(current: Activation, *, at: datetime | None, now: datetime) -> datetime:
    """When to record the episode as settled.

    `at` None means "settled now". Pressed again on an episode already settled (a double
    tap, a second `earned settle`), it keeps the first time: the person settled then, not
    now. A typed time is a deliberate correction and goes through, checked.
    """
    if at is None and current.settled_at is not None:
        return current.settled_at
    if at is None and current.unmarked(now):
        raise EarnedError(
            f"This episode began {_ago(now - current.onset_at)} ago, so settling it now would "
            "not be its recovery time. If you remember when it eased, give that time; if "
            "not, leave it as not marked: that is fine, and nothing was changed."
        )
    moment = now if at is None else at
    check_times(onset=current.onset_at, now=now, peak=current.peak_at, settled=moment)
    if moment - current.onset_at > OPEN_WINDOW:
        raise EarnedError(
            f"That is {_ago(moment - current.onset_at)} after it began; earned records "
            "recovery times of up to a day, so an episode that took longer stays as not "
            "marked. Nothing was changed."
        )
    return moment


def _ago(span: timedelta) -> str:
    """'3 days', '30 hours': a rough span for a sentence (durations.words is for exact ones)."""
    hours = span.total_seconds() / 3600
    return f"{round(hours)} hours" if hours < 48 else f"{round(hours / 24)} days"


def peak_values(
    current: Activation, *, at: datetime | None, now: datetime, intensity: object = None
) -> tuple[datetime, int | None]:
    """(peak time, peak intensity) to record. A later peak replaces an earlier one (it
    can climb); no intensity given keeps the one recorded before."""
    moment = now if at is None else at
    check_times(onset=current.onset_at, now=now, peak=moment, settled=current.settled_at)
    level = current.peak_intensity if intensity is None else check_intensity(intensity)
    return moment, level


# --- imported activations ----------------------------------------------------------------------


def _imported_pattern(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError
    return check_pattern(value)


def _imported_field(name: str) -> imported.Check:
    def rule(value: Any) -> Any:
        return check_field(name, value)

    if name in LIST_FIELDS:
        return imported.strings(rule)
    return imported.optional(imported.string(rule))


# Each stored column of an imported activation, besides its id and times, and its check.
IMPORTED: dict[str, imported.Check] = {
    "client_token": imported.token,
    "intensity": imported.whole(check_intensity),
    **{name: _imported_field(name) for name in (*TEXT_FIELDS, *LIST_FIELDS)},
    "named_in_moment": imported.optional(imported.boolean),
    "pattern": _imported_pattern,
    "peak_intensity": imported.optional(imported.whole(check_intensity)),
    # The person in the people ledger and the loudest part, by id (the names stay in
    # `person` and on the parts map).
    "person_id": imported.optional(imported.reference),
    "part_id": imported.optional(imported.reference),
}


def check_imported_times(times: Mapping[str, datetime | None], record: Mapping[str, Any]) -> None:
    """Onset ≤ peak ≤ settled, as a new record must be (a past import has no 'now')."""
    onset, peak, settled = times["onset_at"], times["peak_at"], times["settled_at"]
    assert onset is not None  # required; the importer checks it first
    if (
        (peak is not None and peak < onset)
        or (settled is not None and settled < onset)
        or (peak is not None and settled is not None and settled < peak)
    ):
        raise EarnedError("The import file has an activation with its times out of order.")


# --- finding past moments ----------------------------------------------------------------------

HISTORY_PAGE = 25  # moments a history page or `earned list` shows at once
MAX_SEARCH = 100  # characters of a search


@dataclass(frozen=True)
class Filter:
    """Which past moments to show: a time range, one tag, one emotion word, one person,
    and words anywhere in what was written (trigger, urge, what I did, person)."""

    since: datetime | None = None
    until: datetime | None = None
    tag: str | None = None
    emotion: str | None = None
    person: str | None = None
    contains: str | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, n) is not None for n in names_of(Filter))


def check_filter(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    tag: str | None = None,
    emotion: str | None = None,
    person: str | None = None,
    contains: str | None = None,
) -> Filter:
    """A history filter with each part cleaned like the field it searches."""
    if since is not None and until is not None and until < since:
        raise EarnedError("The end of that range comes before its start; please swap them.")

    def word(value: str | None, what: str) -> str | None:
        found = check_words([value], what, 1) if value else []
        return found[0] if found else None

    return Filter(
        since=since,
        until=until,
        tag=word(tag, "tags"),
        emotion=word(emotion, "emotion words"),
        person=check_name(person, "name", MAX_PERSON),
        contains=check_text(contains, "search", MAX_SEARCH),
    )
