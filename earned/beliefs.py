"""Core beliefs: a belief about oneself or other people, where it may have come from, the
evidence for and against it, a kinder and more accurate alternative, and how strongly it
feels true (0–100), re-rated over weeks on a schedule the person sets.

Owns the beliefs' rules (limits, strengths 0–100, the re-rating schedule) for new, edited
and imported records; the store, web, CLI and import call these. Pure: no web, ORM or
store. A re-rating being due is an invitation, never a debt: nothing here counts days in
a row, how late a re-rating is, or how many were skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from earned import content, imported
from earned.errors import EarnedError
from earned.text import check_text

MAX_BELIEF = 300  # the belief, and its alternative: a sentence or two
MAX_TEXT = 4_000  # where it may have come from, the evidence for, the evidence against
MAX_NOTE = 500  # a few words beside one rating
STRENGTH_MIN = 0
STRENGTH_MAX = 100
RERATE_MIN_DAYS = 1
RERATE_MAX_DAYS = 365
RERATE_SUGGESTED = (7, 14, 28, 56)  # offered first; any 1–365 days may be typed
RERATE_DEFAULT = 14
PAGE = 50  # beliefs the list shows at once (most recently changed first)
RATINGS_SHOWN = 200  # ratings a belief's page draws and lists (the newest ones)

# field -> (what a person calls it, limit), for the optional texts of a belief.
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "origin": ("note on where it may have come from", MAX_TEXT),
    "evidence_for": ("evidence for it", MAX_TEXT),
    "evidence_against": ("evidence against it", MAX_TEXT),
    "alternative": ("alternative belief", MAX_BELIEF),
}


def words() -> dict[str, Any]:
    """The beliefs pages' words (earned/content/beliefs.toml)."""
    loaded: dict[str, Any] = content.load("beliefs")
    return loaded


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Belief:
    id: str
    belief: str
    origin: str | None
    origin_entry_id: str | None
    evidence_for: str | None
    evidence_against: str | None
    alternative: str | None
    rerate_days: int | None
    created_at: datetime
    updated_at: datetime
    archived: bool = False


@dataclass(frozen=True)
class Rating:
    id: str
    belief_id: str
    rated_at: datetime
    strength: int
    alternative_strength: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Details:
    """A belief's words and schedule, checked: what a new or edited belief stores."""

    belief: str
    origin: str | None
    origin_entry_id: str | None
    evidence_for: str | None
    evidence_against: str | None
    alternative: str | None
    rerate_days: int | None


# --- checks for new, edited and imported beliefs -------------------------------------------


def check_belief(text: str | None) -> str:
    cleaned = check_text(text, "belief", MAX_BELIEF)
    if not cleaned:
        raise EarnedError(
            "Write the belief in a few words, as it sounds inside, e.g. 'If I ask for what "
            "I need, people pull away.'"
        )
    return cleaned


def check_field(name: str, value: str | None) -> str | None:
    """One optional text of a belief, trimmed; empty is None."""
    what, limit = TEXT_FIELDS[name]
    return check_text(value, what, limit)


def _whole(value: object) -> int | None:
    """A whole number from a form (ASCII digits), the CLI or an import; None if it is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-")
    if not digits or len(digits) > 9 or not digits.isascii() or not digits.isdigit():
        return None
    return sign * int(digits)


def check_strength(value: object, what: str = "How true it feels") -> int:
    """A strength 0–100, or a clear EarnedError."""
    number = _whole(value)
    if number is None:
        raise EarnedError(
            f"{what} is a whole number from {STRENGTH_MIN} to {STRENGTH_MAX}, "
            f"e.g. 70 for 'mostly true'."
        )
    if not STRENGTH_MIN <= number <= STRENGTH_MAX:
        raise EarnedError(
            f"{what} runs from {STRENGTH_MIN} to {STRENGTH_MAX}; {number} is outside that."
        )
    return number


def check_alternative_strength(value: object) -> int | None:
    """How true the alternative feels, 0–100; blank means not rated this time."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return check_strength(value, "How true the alternative feels")


def check_rerate_days(value: object) -> int | None:
    """Days between re-ratings, 1–365; blank (or 0) means no schedule."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _whole(value)
    if number == 0:
        return None
    if number is None or not RERATE_MIN_DAYS <= number <= RERATE_MAX_DAYS:
        raise EarnedError(
            f"Re-rating is every {RERATE_MIN_DAYS} to {RERATE_MAX_DAYS} days, or leave it "
            "empty for no schedule."
        )
    return number


def check_note(value: str | None) -> str | None:
    return check_text(value, "note", MAX_NOTE)


def check_details(
    *,
    belief: str | None,
    origin: str | None = None,
    origin_entry_id: str | None = None,
    evidence_for: str | None = None,
    evidence_against: str | None = None,
    alternative: str | None = None,
    rerate_days: object = None,
) -> Details:
    """A new or edited belief's words and schedule, every field checked before any is kept.

    `origin_entry_id` is only shaped here ("" is none); that it names an origin-story entry
    is the store's to check.
    """
    return Details(
        belief=check_belief(belief),
        origin=check_field("origin", origin),
        origin_entry_id=(origin_entry_id or "").strip() or None,
        evidence_for=check_field("evidence_for", evidence_for),
        evidence_against=check_field("evidence_against", evidence_against),
        alternative=check_field("alternative", alternative),
        rerate_days=check_rerate_days(rerate_days),
    )


def check_rating(
    strength: object, alternative_strength: object = None, note: str | None = None
) -> tuple[int, int | None, str | None]:
    """(strength, alternative's strength or None, note or None) of one rating."""
    return (
        check_strength(strength),
        check_alternative_strength(alternative_strength),
        check_note(note),
    )


def _imported_belief(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise EarnedError("The import file has a belief without its words.")
    return str(imported.string(check_belief)(value))


def _imported_field(name: str) -> imported.Check:
    return imported.optional(imported.string(lambda v: check_field(name, v)))


def _imported_days(value: Any) -> int | None:
    days = check_rerate_days(value)
    if days is None and value is not None:
        raise EarnedError("A re-rating schedule in the import file is 1 to 365 days.")
    return days


# Each stored column of an imported belief / rating, besides its id and times.
IMPORTED_BELIEF: dict[str, imported.Check] = {
    "belief": _imported_belief,
    **{name: _imported_field(name) for name in TEXT_FIELDS},
    "origin_entry_id": imported.optional(imported.reference),
    "rerate_days": imported.optional(imported.whole(_imported_days)),
    "archived": imported.boolean,
}
IMPORTED_RATING: dict[str, imported.Check] = {
    "client_token": imported.token,
    "belief_id": imported.reference,
    "strength": imported.whole(check_strength),
    "alternative_strength": imported.optional(imported.whole(check_strength)),
    "note": imported.optional(imported.string(check_note)),
}


# --- the re-rating schedule ------------------------------------------------------------------


def next_rating(belief: Belief, last_rated: datetime | None) -> datetime | None:
    """When a re-rating is next invited: `rerate_days` after the last rating (or after
    the belief was written, if it has none yet); None without a schedule or when put away."""
    if belief.rerate_days is None or belief.archived:
        return None
    return (last_rated or belief.created_at) + timedelta(days=belief.rerate_days)


def is_due(belief: Belief, last_rated: datetime | None, *, now: datetime) -> bool:
    """Whether the last rating is older than the person's own schedule."""
    when = next_rating(belief, last_rated)
    return when is not None and when <= now


@dataclass(frozen=True)
class Due:
    """A belief whose re-rating is due: its words and when it was last rated. No count of
    days past the schedule: a re-rating is an invitation, not something owed."""

    belief_id: str
    belief: str
    last_rated: datetime | None


def rerating_due(beliefs: Iterable[tuple[Belief, datetime | None]], *, now: datetime) -> list[Due]:
    """The beliefs (with their last rating's time) whose re-rating is due, the one waiting
    longest first: the gentle list a home page may show ("a re-rating is due")."""
    due = [
        (next_rating(b, last), Due(b.id, b.belief, last))
        for b, last in beliefs
        if is_due(b, last, now=now)
    ]
    due.sort(key=lambda pair: (pair[0] or now, pair[1].belief_id))
    return [d for _when, d in due]


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def week_began(now: datetime, zone: tzinfo) -> datetime:
    """When this week began (Monday, midnight) in the person's zone: "ratings this week"
    counts from here, a count that starts again each week and stands on its own, never a
    run of weeks."""
    today = now.astimezone(zone).date()
    return datetime.combine(week_start(today), time(0), tzinfo=zone)


# --- strength over time --------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    when: datetime
    strength: int
    alternative: int | None


def series(ratings: Iterable[Rating]) -> list[Point]:
    """A belief's ratings as points, oldest first (for the chart and its table)."""
    ordered = sorted(ratings, key=lambda r: (r.rated_at, r.id))
    return [Point(r.rated_at, r.strength, r.alternative_strength) for r in ordered]


def change_words(points: Sequence[Point]) -> str | None:
    """The change since the first rating in plain words; None before a second rating.

    A rise is said as plainly as a fall: beliefs move both ways, and a harder stretch
    showing up here is useful to know, not a step back.
    """
    if len(points) < 2:
        return None
    said = words()["change"]
    first, last = points[0].strength, points[-1].strength
    diff = last - first
    values = {"first": first, "last": last, "points": abs(diff), "s": "" if abs(diff) == 1 else "s"}
    if diff < 0:
        text = said["lower"]
    elif diff > 0:
        text = said["higher"]
    else:
        text = said["same"]
    out = str(text).format(**values)
    a_first = next((p.alternative for p in points if p.alternative is not None), None)
    a_last = next((p.alternative for p in reversed(points) if p.alternative is not None), None)
    rated_alternative = sum(1 for p in points if p.alternative is not None)
    if a_first is not None and a_last is not None and rated_alternative >= 2:
        out += " " + str(said["alternative"]).format(first=a_first, last=a_last)
    return out


def strength_words(strength: int) -> str:
    """A strength in words beside its number ("mostly true"), from the content file."""
    bands: list[dict[str, Any]] = words()["bands"]
    for band in bands:
        if strength <= int(band["up_to"]):
            return str(band["words"])
    return str(bands[-1]["words"])
