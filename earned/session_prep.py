"""Session prep (roadmap step 3): a note written before a therapy session, with what came
up since the last one, what to bring, and records the person picked to talk about.

Owns every rule of a session note: the limits of its texts, the shape and limits of the
picked list (each item a copy of the record's words, so the note stays whole if the
record is later deleted), the window the candidates come from, and the summary the home
page shows. Pure: the store gathers the candidates (earned.store.session_notes), the web
page, the CLI and import call these checks. Candidates are pluggable by kind: anything
that can be described as a Candidate (kind, id, text, when) can be offered and picked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from earned import imported
from earned.episodes import Activation
from earned.errors import EarnedError
from earned.ladder import Attempt
from earned.patterns import Recurring
from earned.text import check_valid, one_line

# The limits of a session note, owned here: the store, web, CLI and import call the
# checks below and never state a number of their own.
MAX_TEXT = 4_000  # since last time, what to bring: each about a page and a half
MAX_PICKED = 20  # records picked into one note: more than a session can hold
MAX_PICKED_TEXT = 600  # the words copied from one picked record
MAX_PICK_ID = 32  # a record's id (uuid4 hex) or a pattern's key (below)
PAGE = 20  # notes a page shows at once, newest first
MIN_YEAR, MAX_YEAR = 2000, 2100  # a session date a person could mean
# The candidates: what happened since the last note (at most LONGEST_WINDOW back), or the
# last RECENT_DAYS when there is no earlier note.
RECENT_DAYS = 14
LONGEST_WINDOW = timedelta(weeks=8)
MOST_ACTIVATIONS = 40  # the newest ones in the window; a page to tick, not a history
MOST_PATTERNS = 6  # recurring patterns, most frequent first
MOST_ATTEMPTS = 20  # the newest ladder tries in the window
PATTERN_WINDOW = timedelta(weeks=12)  # how far back recurring patterns are counted

# The kinds a picked item may have, with their headings on a page. A new kind (the
# ladder's attempts, once that record kind exists) is a row here and a gatherer in the store.
KINDS: dict[str, str] = {
    "activation": "Moments",
    "pattern": "Recurring patterns",
    "ladder_attempt": "Steps on my ladder",
}
_PICK_ID = re.compile(r"[0-9A-Za-z]{1,32}")
_LINE_END = re.compile("\r+\n")


@dataclass(frozen=True)
class Candidate:
    """Something the person may pick to bring to a session."""

    kind: str
    id: str
    text: str
    when: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Picked:
    """A picked item as a note keeps it: its kind, the record's id, a copy of its words."""

    kind: str
    id: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def kind_name(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def stored(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "text": self.text}


@dataclass(frozen=True)
class Note:
    id: str
    session_at: datetime | None
    since_last: str | None
    to_bring: str | None
    picked: tuple[Picked, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Summary:
    """What the roadmap home shows: when the last note was written, and how many this week."""

    last_at: datetime | None
    this_week: int


# --- texts --------------------------------------------------------------------------------------


def check_text(value: str | None, what: str) -> str | None:
    """A note's prose (since last time, what to bring): trimmed, line ends made "\\n", NULs
    dropped, at most MAX_TEXT characters; None when empty.

    Every CR before a line end goes in one pass (as journal.clean_body does), so cleaning
    twice changes nothing and an exported note imports as itself.
    """
    if value is None:
        return None
    text = _LINE_END.sub("\n", check_valid(value, what).replace("\x00", "")).strip()
    if len(text) > MAX_TEXT:
        raise EarnedError(
            f"What you wrote for “{what}” is {len(text):,} characters; please keep it under "
            f"{MAX_TEXT:,}. Nothing was saved."
        )
    return text or None


def check_session_at(value: datetime | None) -> datetime | None:
    """The session's date and time, if given: an aware time (earlier or later than now)."""
    if value is not None and value.tzinfo is None:
        raise EarnedError("The session's time needs a time zone.")
    return value


def session_time(day: str | None, clock: str | None, zone: tzinfo) -> datetime | None:
    """The session's time from a typed day ("2026-03-10") and an optional clock time
    ("17:30") on the person's clock; None when no day is given. A day alone is kept as
    its midnight, and shown as a day (see session_words)."""
    day, clock = (day or "").strip(), (clock or "").strip()
    if not day:
        if clock:
            raise EarnedError("Please give the session's date as well as its time.")
        return None
    try:
        which = date.fromisoformat(day)
        at = time.fromisoformat(clock) if clock else time(0)
    except ValueError:
        raise EarnedError(
            "Please give the session's date like 2026-03-10, and a time like 17:30."
        ) from None
    if not MIN_YEAR <= which.year <= MAX_YEAR:
        raise EarnedError(f"Please give a session date between {MIN_YEAR} and {MAX_YEAR}.")
    return datetime.combine(which, at.replace(second=0, microsecond=0, tzinfo=None), zone)


def session_fields(session_at: datetime | None, zone: tzinfo) -> tuple[str, str]:
    """A stored session time as the (day, clock) a form shows; the clock empty for a day."""
    if session_at is None:
        return "", ""
    here = session_at.astimezone(zone)
    clock = "" if (here.hour, here.minute) == (0, 0) else here.strftime("%H:%M")
    return here.strftime("%Y-%m-%d"), clock


def session_words(session_at: datetime, zone: tzinfo) -> str:
    """'Tue 10 Mar 2026, 17:30', or 'Tue 10 Mar 2026' for a session given as a day."""
    _day, clock = session_fields(session_at, zone)
    here = session_at.astimezone(zone)
    return here.strftime("%a %d %b %Y") + (f", {clock}" if clock else "")


# --- the picked list ----------------------------------------------------------------------------


def pattern_id(fear: str, urge: str) -> str:
    """A recurring pattern's stable key: the same (fear, urge) always gives the same id."""
    return hashlib.sha256(f"{fear}\x1f{urge}".encode()).hexdigest()[:MAX_PICK_ID]


def check_pick(kind: object, pick_id: object, text: object) -> Picked:
    """One picked item: a known kind, an id as earned makes them, its words on one line."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise EarnedError("One of the picked items is of a kind earned does not know.")
    if not isinstance(pick_id, str) or not _PICK_ID.fullmatch(pick_id):
        raise EarnedError("One of the picked items has an id earned could not have made.")
    if not isinstance(text, str):
        raise EarnedError("One of the picked items has no words.")
    words = one_line(check_valid(text, "picked item"))
    if not words:
        raise EarnedError("One of the picked items has no words.")
    if len(words) > MAX_PICKED_TEXT:
        raise EarnedError(
            f"One of the picked items is {len(words):,} characters; at most "
            f"{MAX_PICKED_TEXT} are kept."
        )
    return Picked(kind, pick_id, words)


def check_picked(items: Iterable[Picked]) -> tuple[Picked, ...]:
    """The picked list of a note: each item checked, none twice, at most MAX_PICKED."""
    out: list[Picked] = []
    seen: set[str] = set()
    for item in items:
        one = check_pick(item.kind, item.id, item.text)
        if one.key in seen:
            raise EarnedError("The same item is picked twice.")
        seen.add(one.key)
        out.append(one)
    if len(out) > MAX_PICKED:
        raise EarnedError(
            f"Please pick at most {MAX_PICKED} things for one session; a few are plenty."
        )
    return tuple(out)


def pick(candidates: Sequence[Candidate], keys: Iterable[str]) -> tuple[Picked, ...]:
    """The candidates whose keys ("kind:id") were ticked, in the order they were offered,
    as picked items with their words copied. A key that is not among the candidates (a
    record deleted meanwhile, a hand-made form) is refused with nothing saved."""
    wanted = list(dict.fromkeys(keys))
    offered = {c.key: c for c in candidates}
    for key in wanted:
        if key not in offered:
            raise EarnedError(
                "One of the ticked items is no longer on the list (it may have been deleted). "
                "Nothing was saved; please look at the list again."
            )
    chosen = set(wanted)
    return check_picked(
        Picked(c.kind, c.id, c.text[:MAX_PICKED_TEXT]) for c in candidates if c.key in chosen
    )


def kept(current: Sequence[Picked], keys: Iterable[str]) -> tuple[Picked, ...]:
    """When a note is edited, the picked items still ticked (an item can be let go, and
    its copied words are what stays; nothing new is added here)."""
    chosen = set(keys)
    return tuple(p for p in current if p.key in chosen)


def check_note(
    *, since_last: str | None, to_bring: str | None, picked: Sequence[Picked]
) -> tuple[str | None, str | None, tuple[Picked, ...]]:
    """A new or edited note's words and picked list; a note needs at least one of them."""
    since = check_text(since_last, "since last time")
    bring = check_text(to_bring, "what to bring")
    items = check_picked(picked)
    if since is None and bring is None and not items:
        raise EarnedError(
            "The note is empty. Write a line, or tick something to bring, then save it."
        )
    return since, bring, items


# --- candidates ---------------------------------------------------------------------------------


def window_start(last_note_at: datetime | None, now: datetime) -> datetime:
    """Where the candidates begin: the last note, at most LONGEST_WINDOW back; without
    an earlier note, RECENT_DAYS ago."""
    if last_note_at is None or last_note_at > now:
        return now - timedelta(days=RECENT_DAYS)
    return max(last_note_at, now - LONGEST_WINDOW)


def check_window(raw: str | None, *, default: datetime, now: datetime) -> datetime:
    """The window a form was shown with (an ISO time sent back with it), so ticking and
    saving see the same list; `default` when it is missing. A time the page could not have
    given (in the future, further back than LONGEST_WINDOW) is refused."""
    if not raw:
        return default
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise EarnedError("That form was malformed; please reload the page.") from None
    if when.tzinfo is None or when > now or when < now - LONGEST_WINDOW - timedelta(days=1):
        raise EarnedError("That form was malformed; please reload the page.")
    return when


def describe_activation(a: Activation, zone: tzinfo) -> str:
    """A moment in a line a therapist can read without the app: its day, what happened,
    the feeling words, how strong, the urge and what was done."""
    parts = [a.onset_at.astimezone(zone).strftime("%a %d %b")]
    if a.trigger:
        parts.append(a.trigger)
    if a.emotions:
        parts.append(", ".join(a.emotions[:4]))
    parts.append(f"intensity {a.intensity}")
    if a.urge:
        parts.append(f"urge: {a.urge}")
    if a.action:
        parts.append(f"what I did: {a.action}")
    return one_line(" · ".join(parts))[:MAX_PICKED_TEXT]


def describe_attempt(title: str, a: Attempt, zone: tzinfo) -> str:
    """A try on the ladder in a line: its day, the rung, the guess, and how it went."""
    parts = [a.planned_at.astimezone(zone).strftime("%a %d %b"), title, f"expected {a.predicted}"]
    if a.actual is not None:
        parts.append(f"was {a.actual}")
    if a.went_well is not None:
        parts.append("went reasonably well" if a.went_well else "harder than hoped")
    elif a.done_at is None:
        parts.append("not done yet")
    if a.happened:
        parts.append(a.happened)
    return one_line(" · ".join(parts))[:MAX_PICKED_TEXT]


def attempt_candidates(found: Iterable[tuple[str, Attempt]], zone: tzinfo) -> list[Candidate]:
    """(rung title, try) pairs, newest first, as candidates."""
    return [
        Candidate("ladder_attempt", a.id, describe_attempt(title, a, zone), a.planned_at)
        for title, a in list(found)[:MOST_ATTEMPTS]
    ]


def describe_pattern(r: Recurring) -> str:
    times = "twice" if r.count == 2 else f"{r.count} times"
    return one_line(f"Fear of {r.fear}, and the urge to {r.urge} ({times} so far)")[
        :MAX_PICKED_TEXT
    ]


def activation_candidates(found: Iterable[Activation], zone: tzinfo) -> list[Candidate]:
    return [
        Candidate("activation", a.id, describe_activation(a, zone), a.onset_at)
        for a in list(found)[:MOST_ACTIVATIONS]
    ]


def pattern_candidates(found: Iterable[Recurring]) -> list[Candidate]:
    return [
        Candidate("pattern", pattern_id(r.fear, r.urge), describe_pattern(r), r.last_seen)
        for r in list(found)[:MOST_PATTERNS]
    ]


# --- the home page ------------------------------------------------------------------------------


def week_start(now: datetime, zone: tzinfo) -> datetime:
    """The start of this week (Monday, 00:00) on the person's clock."""
    today: date = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, datetime.min.time(), zone)


# --- import -------------------------------------------------------------------------------------


def _imported_picked(value: Any) -> list[dict[str, str]]:
    """The picked list of an imported note: a JSON list of {"kind", "id", "text"} objects
    (no other keys), each meeting the limits of a new one."""
    if not isinstance(value, list):
        raise TypeError
    items = []
    for raw in value:
        if not isinstance(raw, dict) or set(raw) != {"kind", "id", "text"}:
            raise TypeError
        if not all(isinstance(raw[k], str) for k in ("kind", "id", "text")):
            raise TypeError
        items.append(check_pick(raw["kind"], raw["id"], raw["text"]))
    return [p.stored() for p in check_picked(items)]


def _imported_text(what: str) -> imported.Check:
    return imported.optional(imported.string(lambda v: check_text(v, what)))


# Each stored column of an imported note, besides its id and times.
IMPORTED: dict[str, imported.Check] = {
    "client_token": imported.token,
    "since_last": _imported_text("since last time"),
    "to_bring": _imported_text("what to bring"),
    "picked": _imported_picked,
}


def picked_of(stored: Any) -> tuple[Picked, ...]:
    """A stored picked list as Picked items (anything malformed left out: a note is read,
    never refused, once it is in the journal)."""
    if not isinstance(stored, list):
        return ()
    out = []
    for raw in stored:
        if isinstance(raw, dict) and all(isinstance(raw.get(k), str) for k in ("kind", "id")):
            out.append(Picked(raw["kind"], raw["id"], str(raw.get("text") or "")))
    return tuple(out)


def check_imported_note(times: Mapping[str, datetime | None], record: Mapping[str, Any]) -> None:
    """Across the columns of an imported note: it says something (as a new one must), and
    it was not changed before it was written."""
    if record["since_last"] is None and record["to_bring"] is None and not record["picked"]:
        raise EarnedError("The import file has a session note with nothing in it.")
    created, updated = times["created_at"], times["updated_at"]
    if created is not None and updated is not None and updated < created:
        raise EarnedError("The import file has a session note changed before it was written.")
