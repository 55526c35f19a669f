"""The exposure ladder (roadmap step 5): small acts of closeness or of waiting, practised
in graduated doses, each attempt predicted before and rated after.

Owns the ladder's rules for every surface (store, web, CLI, import): the limits, the
checks for a new, an edited and an imported rung or attempt, the order of the rungs
(by predicted difficulty), a rung's evidence (its attempts that went reasonably well),
when the next rung is suggested, the predicted-vs-actual gap over time, and which
finished urge-delay timer counts as an attempt on which rung.

Pure: imports no web framework, ORM or store. Nothing here counts days in a row; an
attempt that was harder than hoped is kept as data and never lowers a count.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from earned import content, imported
from earned.episodes import MAX_PERSON, MAX_SHORT_TEXT
from earned.errors import EarnedError
from earned.text import check_name, check_text
from earned.urges import UrgeDelay

PATTERNS = ("avoidant", "anxious", "own")
PATTERN_WORDS = {
    "avoidant": "staying close",
    "anxious": "waiting it out",
    "own": "your own",
}
DIFFICULTY_MIN, DIFFICULTY_MAX = 0, 100
DISTRESS_MIN, DISTRESS_MAX = 0, 100
MAX_TITLE = 160  # one concrete step, a line (the column holds 200)
MAX_URGE = MAX_SHORT_TEXT  # the same words an urge timer takes
MAX_FEARED = 1000  # what I fear will happen: a few sentences
MAX_HAPPENED = 2000  # what happened: a paragraph
MAX_PERSON_NAME = MAX_PERSON
MAX_TEMPLATE = 64
# Times a rung has gone reasonably well before the next one up is suggested: enough for
# a pattern rather than a lucky day, few enough that it stays within reach.
EVIDENCE_TO_CLIMB = 3
# The first and the latest attempts compared when the gap between guess and result is
# summarised in words.
GAP_WINDOW = 5
# A guess within this many points of how it went counts as close.
CLOSE_GAP = 10
# Outcomes of an urge timer that count as the rung going reasonably well: waited it out,
# or held on until the urge passed. Acting on it is still an attempt, and data.
HELD_OUTCOMES = frozenset({"waited", "passed"})


def words() -> dict[str, Any]:
    return content.load("ladder")


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    key: str
    pattern: str
    title: str
    difficulty: int
    urge: str | None


@dataclass(frozen=True)
class Rung:
    id: str
    title: str
    pattern: str
    template: str | None
    difficulty: int
    urge: str | None
    created_at: datetime
    archived: bool = False


@dataclass(frozen=True)
class Attempt:
    id: str
    rung_id: str
    planned_at: datetime
    predicted: int
    feared: str | None = None
    done_at: datetime | None = None
    actual: int | None = None
    happened: str | None = None
    went_well: bool | None = None
    person_name: str | None = None
    urge_delay_id: str | None = None
    updated_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def gap(self) -> int | None:
        """How much harder it was expected to be than it was (negative: harder than
        expected); None until there is a result."""
        return None if self.actual is None else self.predicted - self.actual


def templates() -> dict[str, Template]:
    """The suggested rungs from content/ladder.toml, by key, in the file's order."""
    out: dict[str, Template] = {}
    for t in words()["templates"]:
        out[t["key"]] = Template(
            t["key"], t["pattern"], t["title"], int(t["difficulty"]), t.get("urge")
        )
    return out


def template(key: str | None) -> Template:
    found = templates().get(key or "")
    if found is None:
        raise EarnedError("There is no suggested rung by that name.", status=404)
    return found


# --- checks for a new or edited rung --------------------------------------------------------


def check_title(value: str | None) -> str:
    text = check_name(value, "step", MAX_TITLE)
    if not text:
        raise EarnedError(
            "What is the step? A few concrete words are enough, e.g. 'ask Sam for a lift'."
        )
    return text


def _number(value: object, lo: int, hi: int, message: str) -> int:
    """A whole number from lo to hi: an int, or digits as typed (a form, the CLI)."""
    if isinstance(value, bool):
        raise EarnedError(message)
    if isinstance(value, str):
        raw = value.strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 3):
            raise EarnedError(message)
        value = int(raw)
    if not isinstance(value, int) or not lo <= value <= hi:
        raise EarnedError(message)
    return value


def check_difficulty(value: object) -> int:
    return _number(
        value,
        DIFFICULTY_MIN,
        DIFFICULTY_MAX,
        f"How hard do you expect this step to be? A number from {DIFFICULTY_MIN} "
        f"(easy) to {DIFFICULTY_MAX} (the hardest you can imagine).",
    )


def check_pattern(value: object) -> str:
    if value not in PATTERNS:
        raise EarnedError("Please choose what kind of step this is.")
    return str(value)


def check_urge(value: str | None) -> str | None:
    """The urge a rung asks the person to wait out (optional), as an urge timer names it."""
    return check_name(value, "urge", MAX_URGE)


def check_template_key(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if len(value) > MAX_TEMPLATE or not value.isprintable():
        raise EarnedError("That suggested rung is not one earned knows.")
    return value


@dataclass(frozen=True)
class RungFields:
    title: str
    pattern: str
    template: str | None
    difficulty: int
    urge: str | None


def check_rung(
    *,
    title: str | None,
    difficulty: object,
    urge: str | None = None,
    pattern: object = "own",
    template: str | None = None,
) -> RungFields:
    """Every field of a new or edited rung, checked before anything is saved."""
    return RungFields(
        check_title(title),
        check_pattern(pattern),
        check_template_key(template),
        check_difficulty(difficulty),
        check_urge(urge),
    )


def from_template(key: str) -> RungFields:
    """A new rung from a suggested one: its words, pattern, difficulty and urge."""
    t = template(key)
    return check_rung(
        title=t.title, difficulty=t.difficulty, urge=t.urge, pattern=t.pattern, template=t.key
    )


# --- checks for an attempt's two halves -------------------------------------------------------


def check_distress(value: object, when: str) -> int:
    """Distress 0–100, `when` 'predicted' or 'actual' (for the words)."""
    ask = "How hard do you expect it to be" if when == "predicted" else "How hard was it, really"
    return _number(
        value,
        DISTRESS_MIN,
        DISTRESS_MAX,
        f"{ask}? A number from {DISTRESS_MIN} (calm) to {DISTRESS_MAX} (as hard as it gets).",
    )


def check_feared(value: str | None) -> str | None:
    return check_text(value, "feared outcome", MAX_FEARED)


def check_happened(value: str | None) -> str | None:
    return check_text(value, "what happened", MAX_HAPPENED)


def check_person_name(value: str | None) -> str | None:
    return check_name(value, "name", MAX_PERSON_NAME)


def check_went_well(value: object) -> bool:
    """Yes / no: a bool, or the words a form or the CLI sends."""
    if isinstance(value, bool):
        return value
    if value in ("yes", "1", "on", "true"):
        return True
    if value in ("no", "0", "false"):
        return False
    raise EarnedError("Did it go reasonably well? Please choose yes or no.")


@dataclass(frozen=True)
class Before:
    predicted: int
    feared: str | None
    person_name: str | None


@dataclass(frozen=True)
class After:
    actual: int
    happened: str | None
    went_well: bool


def check_before(
    predicted: object, feared: str | None = None, person_name: str | None = None
) -> Before:
    """The half before an attempt: the predicted distress and, optionally, the fear."""
    return Before(
        check_distress(predicted, "predicted"), check_feared(feared), check_person_name(person_name)
    )


def check_after(actual: object, happened: str | None, went_well: object) -> After:
    """The half after: how hard it really was, what happened, and whether it went
    reasonably well. The same check for a first record and for a correction."""
    return After(
        check_distress(actual, "actual"), check_happened(happened), check_went_well(went_well)
    )


def done_time(planned_at: datetime, now: datetime) -> datetime:
    """When an attempt is recorded as done: now, never before it was planned (a clock that
    moved backwards cannot put the result before the guess)."""
    return max(now, planned_at)


# --- the ladder: order, evidence, the next rung ---------------------------------------------


def ordered(rungs: Iterable[Rung]) -> list[Rung]:
    """Easiest first by predicted difficulty; equal ones in the order they were added."""
    return sorted(rungs, key=lambda r: (r.difficulty, r.created_at, r.id))


def evidence(attempts: Iterable[Attempt]) -> dict[str, int]:
    """Per rung, how many of its attempts went reasonably well (others are not counted
    against it: they are kept, and shown, but evidence only grows)."""
    counts: dict[str, int] = {}
    for a in attempts:
        if a.went_well:
            counts[a.rung_id] = counts.get(a.rung_id, 0) + 1
    return counts


@dataclass(frozen=True)
class Climb:
    """Where the person is on the ladder and what comes next.

    current: the rung tried most recently (None: nothing tried yet, or it was put away);
    have: its evidence; next: the rung to try next, if any: the easiest one when nothing
    has been tried, else, once `current` has gone reasonably well EVIDENCE_TO_CLIMB
    times, the next harder rung still short of that; ready: `current` has enough
    evidence; top: ready and no harder rung is waiting.
    """

    current: Rung | None
    have: int
    next: Rung | None
    ready: bool
    top: bool
    needed: int = EVIDENCE_TO_CLIMB


def climb(rungs: Iterable[Rung], counts: Mapping[str, int], last_tried: str | None) -> Climb:
    """The suggestion for the ladder page and `earned ladder` (see Climb)."""
    active = ordered(r for r in rungs if not r.archived)
    current = next((r for r in active if r.id == last_tried), None)
    if current is None:
        start = next((r for r in active if counts.get(r.id, 0) < EVIDENCE_TO_CLIMB), None)
        return Climb(None, 0, start, ready=False, top=False)
    have = counts.get(current.id, 0)
    if have < EVIDENCE_TO_CLIMB:
        return Climb(current, have, None, ready=False, top=False)
    above = active[active.index(current) + 1 :]
    harder = next((r for r in above if counts.get(r.id, 0) < EVIDENCE_TO_CLIMB), None)
    return Climb(current, have, harder, ready=True, top=harder is None)


def evidence_words(have: int, tries: int) -> str:
    """A rung's evidence in words: how often it went reasonably well, never a score."""
    w = words()
    if have == 1:
        return str(w["evidence_one"])
    if have:
        return str(w["evidence_many"]).format(n=have)
    return str(w["evidence_tried"] if tries else w["evidence_none"])


def climb_words(climb: Climb) -> str:
    """Where to go next, in words (the ladder page and `earned ladder` say the same)."""
    w = words()
    if climb.current is None:
        if climb.next is None:
            return str(w["no_suggestion"])
        return str(w["start_here"]).format(title=climb.next.title)
    key = "keep_going" if not climb.ready else ("top" if climb.top else "ready")
    return str(w[key]).format(
        title=climb.current.title,
        n=climb.have,
        needed=climb.needed,
        next=climb.next.title if climb.next else "",
    )


# --- the gap between guess and result -------------------------------------------------------


@dataclass(frozen=True)
class GapPoint:
    when: datetime
    predicted: int
    actual: int
    gap: int  # predicted − actual


def gap_series(attempts: Iterable[Attempt]) -> list[GapPoint]:
    """Each attempt with a guess and a result, oldest first: the data for the chart."""
    points = [
        GapPoint(a.done_at, a.predicted, a.actual, a.predicted - a.actual)
        for a in attempts
        if a.done_at is not None and a.actual is not None
    ]
    return sorted(points, key=lambda p: p.when)


@dataclass(frozen=True)
class GapSummary:
    """The typical (median) size of the gap over the first and the latest attempts."""

    first: float
    latest: float
    count: int

    @property
    def closing(self) -> bool:
        return self.latest < self.first


def gap_summary(points: Sequence[GapPoint]) -> GapSummary | None:
    """None until there are enough attempts for a first and a latest window that do not
    overlap (2 × GAP_WINDOW)."""
    if len(points) < 2 * GAP_WINDOW:
        return None
    first = statistics.median(abs(p.gap) for p in points[:GAP_WINDOW])
    latest = statistics.median(abs(p.gap) for p in points[-GAP_WINDOW:])
    return GapSummary(float(first), float(latest), len(points))


def monthly_gaps(points: Iterable[GapPoint]) -> list[tuple[date, float, int]]:
    """(first day of the month, median size of the gap, attempts) per month, oldest
    first; months without a result are left out (no zero is invented for them)."""
    by_month: dict[date, list[int]] = {}
    for p in points:
        by_month.setdefault(p.when.date().replace(day=1), []).append(abs(p.gap))
    return [
        (month, float(statistics.median(gaps)), len(gaps))
        for month, gaps in sorted(by_month.items())
    ]


# --- urge timers as attempts -------------------------------------------------------------------


def urge_words(text: str | None) -> tuple[str, ...]:
    """An urge as comparable words: Unicode-normalised, case-folded, punctuation dropped,
    a leading "to" or "the urge to" dropped ("To send a reassurance text!" → send a
    reassurance text)."""
    if not text:
        return ()
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch if ch.isalnum() or ch == "'" else " " for ch in folded.replace("\u2019", "'"))
    found = tuple(kept.split())
    for lead in (("the", "urge", "to"), ("urge", "to"), ("to",)):
        if found[: len(lead)] == lead:
            return found[len(lead) :]
    return found


def urge_matches(rung_urge: str | None, timer_urge: str | None) -> bool:
    """Whether a timer's urge is this rung's: the rung's urge words appear, in order and
    side by side, in the timer's ("send a reassurance text to Sam" matches "send a
    reassurance text"; "send a text" does not match "send a reassurance text")."""
    want, said = urge_words(rung_urge), urge_words(timer_urge)
    if not want or len(want) > len(said):
        return False
    return any(said[i : i + len(want)] == want for i in range(len(said) - len(want) + 1))


def rung_for_timer(rungs: Iterable[Rung], timer: UrgeDelay) -> Rung | None:
    """The rung a finished timer counts toward: among unarchived rungs whose urge it
    matches, the most specific (most words), then the easiest. None for a timer still
    running or matching no rung."""
    if timer.running:
        return None
    found = [r for r in rungs if not r.archived and urge_matches(r.urge, timer.urge)]
    if not found:
        return None
    return min(found, key=lambda r: (-len(urge_words(r.urge)), r.difficulty, r.created_at, r.id))


def timer_went_well(timer: UrgeDelay) -> bool:
    """A timer waited out, or held until the urge passed, went reasonably well."""
    return timer.outcome in HELD_OUTCOMES


# --- import -----------------------------------------------------------------------------------


def _imported_title(value: Any) -> str:
    if value is None:
        raise EarnedError("The import file has a ladder rung without a step.")
    return str(imported.string(check_title)(value))


IMPORTED_RUNG: dict[str, imported.Check] = {
    "title": _imported_title,
    "pattern": imported.string(check_pattern),
    "template": imported.optional(imported.string(check_template_key)),
    "difficulty": imported.whole(check_difficulty),
    "urge": imported.optional(imported.string(check_urge)),
    "archived": imported.boolean,
}
IMPORTED_ATTEMPT: dict[str, imported.Check] = {
    "client_token": imported.token,
    "rung_id": imported.reference,
    "predicted": imported.whole(lambda v: check_distress(v, "predicted")),
    "feared": imported.optional(imported.string(check_feared)),
    "actual": imported.optional(imported.whole(lambda v: check_distress(v, "actual"))),
    "happened": imported.optional(imported.string(check_happened)),
    "went_well": imported.optional(imported.boolean),
    "person_id": imported.optional(imported.reference),
    "person_name": imported.optional(imported.string(check_person_name)),
    "urge_delay_id": imported.optional(imported.reference),
}


def check_imported_attempt(times: Mapping[str, datetime | None], record: Mapping[str, Any]) -> None:
    """An attempt done has its result (actual distress and went-well), after its plan; one
    only planned has neither, nor what happened."""
    planned, done = times["planned_at"], times["done_at"]
    result = (record["actual"], record["went_well"])
    if done is None:
        if any(v is not None for v in (*result, record["happened"])):
            raise EarnedError(
                "The import file has a ladder attempt with a result but no time done."
            )
        return
    if any(v is None for v in result):
        raise EarnedError("The import file has a ladder attempt done without its result.")
    if planned is not None and done < planned:
        raise EarnedError("The import file has a ladder attempt done before it was planned.")


# --- naming a rung in the terminal ------------------------------------------------------------

MOST_LISTED = 999  # `earned ladder` numbers rungs 1, 2, 3...; up to three digits is a number


def rung_ref(text: str) -> int | str:
    """What `earned ladder try RUNG` was given: a number from the list (1 to 3 digits), or
    the start of a rung's id (hex, as `earned ladder` shows it)."""
    raw = text.strip().lower()
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MOST_LISTED)):
        number = int(raw)
        if number < 1:
            raise EarnedError("Rungs are numbered from 1; `earned ladder` lists them.")
        return number
    if not raw or len(raw) > imported.MAX_ID or not set(raw) <= set("0123456789abcdef"):
        raise EarnedError(
            f"{text!r} is not a rung: give its number or the start of its id, as "
            "`earned ladder` lists them."
        )
    return raw
