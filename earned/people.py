"""The people ledger (roadmap step 8): the people in someone's life, how each shows up
for them (consistency, availability, emotional safety, rated 1-5 over time), and the
ruptures and repairs between them.

Owns every rule of the three record kinds (names, roles, rating scale, what a rupture
needs, time to repair) for new, edited and imported records, and the measures built on
them: who counts as *consistently available*, and the share of interactions, week by
week, spent with people who do. The store, web, CLI and import call these. Pure: no web,
no ORM, no store; times are given, never read from a clock.

Removing a person keeps history readable: a rupture keeps `person_name`, an activation
its `person` text, a relationship questionnaire its `person_name`; only the link goes.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from earned import imported, numbers
from earned.errors import EarnedError
from earned.text import check_name, check_text

MAX_NAME = 120  # a name or a few words: "Sam", "my sister Jo"
MAX_NOTE = 2000  # a note about a person or a rating
MAX_WHAT = 2000  # what happened in a rupture
MAX_OUTCOME = 2000  # how a repair went

# The roles a person can have in the ledger, in the order a form lists them.
ROLES: dict[str, str] = {
    "partner": "Partner",
    "friend": "Friend",
    "family": "Family",
    "colleague": "Colleague",
    "therapist": "Therapist",
    "other": "Someone else",
}

# The three questions a rating answers, each 1-5; the words for the points are data
# (content/people.toml), so a clinician can change them.
RATING_MIN, RATING_MAX = 1, 5
DIMENSIONS: tuple[str, ...] = ("consistency", "availability", "safety")
DIMENSION_NAMES = {
    "consistency": "consistency",
    "availability": "availability",
    "safety": "emotional safety",
}
# "Consistently available": the recent median of consistency AND of availability at
# least this ("usually", on the 1-5 scale). Safety is shown beside it but not required:
# someone can be reliably there and still a hard person to be open with, and the
# roadmap's sign is about being there.
AVAILABLE_AT = 4
RECENT_RATINGS = 3  # the median of the latest three: one odd rating does not flip it

# Who reached out to repair a rupture.
REACHED_OUT: dict[str, str] = {
    "me": "I reached out",
    "them": "They reached out",
    "both": "We both reached out",
    "not_yet": "No one has yet",
}


# --- checks for new, edited and imported records ---------------------------------------------


def check_person_name(name: str | None) -> str:
    text = check_name(name, "name", MAX_NAME)
    if not text:
        raise EarnedError("Give them a name, or a few words you will recognise, e.g. 'Sam'.")
    return text


def same_person(name: str, active: Mapping[str, str]) -> str | None:
    """The id of a person in the ledger with this name (case aside): adding them again is
    a repeat (a double submit), not a second person."""
    for person_id, existing in active.items():
        if existing.lower() == name.lower():
            return person_id
    return None


def check_role(role: str | None) -> str:
    key = (role or "").strip().lower()
    if key not in ROLES:
        listed = ", ".join(ROLES)
        raise EarnedError(f"Choose one of these roles: {listed}.")
    return key


def check_note(note: str | None) -> str | None:
    return check_text(note, "note", MAX_NOTE)


def check_score(value: object, dimension: str) -> int:
    """One rating, a whole number from RATING_MIN to RATING_MAX."""
    what = DIMENSION_NAMES[dimension]
    if isinstance(value, str):
        value = numbers.whole(value, most_digits=3)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EarnedError(f"Please choose {what} from {RATING_MIN} to {RATING_MAX}.")
    if not RATING_MIN <= value <= RATING_MAX:
        raise EarnedError(
            f"{what.capitalize()} runs from {RATING_MIN} to {RATING_MAX}; {value} is outside it."
        )
    return value


def check_scores(consistency: object, availability: object, safety: object) -> tuple[int, int, int]:
    """The three ratings, all checked before any is kept."""
    return (
        check_score(consistency, "consistency"),
        check_score(availability, "availability"),
        check_score(safety, "safety"),
    )


def check_what(text: str | None) -> str:
    what = check_text(text, "description of what happened", MAX_WHAT)
    if not what:
        raise EarnedError("Say in a few words what happened, e.g. 'we argued about the trip'.")
    return what


def check_outcome(text: str | None) -> str | None:
    return check_text(text, "note on how it went", MAX_OUTCOME)


def check_reached_out(value: str | None) -> str | None:
    """Who reached out: one of REACHED_OUT, or None (not said)."""
    if value is None or not value.strip():
        return None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in REACHED_OUT:
        listed = ", ".join(k.replace("_", "-") for k in REACHED_OUT)
        raise EarnedError(f"Who reached out is one of: {listed}.")
    return key


def check_rupture_times(
    happened_at: datetime, repaired_at: datetime | None, *, now: datetime | None
) -> None:
    """Happened, then repaired; neither in the future (`now` None: an import, no clock)."""
    if now is not None and happened_at > now + timedelta(minutes=1):
        raise EarnedError("That time is still to come; give when it happened.")
    if repaired_at is None:
        return
    if repaired_at < happened_at:
        raise EarnedError("The repair comes before the rupture; please check the two times.")
    if now is not None and repaired_at > now + timedelta(minutes=1):
        raise EarnedError("The repair time is still to come; give when it was repaired.")


def _imported_name(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return check_person_name(value)


def _imported_role(value: Any) -> str:
    if not isinstance(value, str) or value not in ROLES:
        raise EarnedError("The import file has a person with an unknown role.")
    return value


def _imported_score(dimension: str) -> imported.Check:
    return imported.whole(lambda v: check_score(v, dimension))


def _imported_reached(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in REACHED_OUT:
        raise EarnedError("The import file has a rupture with an unknown 'who reached out'.")
    return value


# Each stored column of an imported record, besides its id and times.
IMPORTED_PERSON: dict[str, imported.Check] = {
    "name": _imported_name,
    "role": _imported_role,
    "note": imported.optional(imported.string(check_note)),
    "archived": imported.boolean,
}
IMPORTED_RATING: dict[str, imported.Check] = {
    "client_token": imported.token,
    "person_id": imported.reference,
    **{d: _imported_score(d) for d in DIMENSIONS},
    "note": imported.optional(imported.string(check_note)),
}
IMPORTED_RUPTURE: dict[str, imported.Check] = {
    "client_token": imported.token,
    "person_id": imported.optional(imported.reference),
    "person_name": _imported_name,
    "what": imported.string(check_what),
    "reached_out": _imported_reached,
    "outcome": imported.optional(imported.string(check_outcome)),
}


def check_imported_rupture_times(
    times: Mapping[str, datetime | None], record: Mapping[str, Any]
) -> None:
    happened = times["happened_at"]
    assert happened is not None  # required; the importer checks it first
    repaired = times["repaired_at"]
    if repaired is not None and repaired < happened:
        raise EarnedError("The import file has a rupture repaired before it happened.")


# --- the records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str
    note: str | None
    created_at: datetime
    archived: bool = False

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class Rating:
    person_id: str
    rated_at: datetime
    consistency: int
    availability: int
    safety: int
    note: str | None = None
    id: str = ""

    def of(self, dimension: str) -> int:
        value: int = getattr(self, dimension)
        return value


@dataclass(frozen=True)
class Rupture:
    id: str
    person_id: str | None
    person_name: str
    happened_at: datetime
    what: str
    reached_out: str | None
    repaired_at: datetime | None
    outcome: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def repaired(self) -> bool:
        return self.repaired_at is not None

    @property
    def time_to_repair(self) -> timedelta | None:
        """Repaired − happened; None while it is not repaired (no guess made)."""
        if self.repaired_at is None:
            return None
        return self.repaired_at - self.happened_at

    @property
    def reached_out_words(self) -> str:
        return REACHED_OUT.get(self.reached_out or "", "")


# --- how someone shows up -------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """A person's recent ratings in one place: the median of each dimension over the
    latest RECENT_RATINGS ratings, and whether they count as consistently available."""

    consistency: float
    availability: float
    safety: float
    ratings: int  # how many ratings the medians are over

    @property
    def available(self) -> bool:
        return self.consistency >= AVAILABLE_AT and self.availability >= AVAILABLE_AT


def standing(ratings: Sequence[Rating]) -> Standing | None:
    """Their standing from `ratings` (any order); None when never rated."""
    if not ratings:
        return None
    recent = sorted(ratings, key=lambda r: (r.rated_at, r.id))[-RECENT_RATINGS:]
    c, a, s = (float(statistics.median(r.of(d) for r in recent)) for d in DIMENSIONS)
    return Standing(c, a, s, ratings=len(recent))


def consistently_available(ratings: Sequence[Rating]) -> bool:
    found = standing(ratings)
    return found is not None and found.available


def available_then(ratings: Sequence[Rating], when: datetime) -> bool:
    """Whether the person counted as consistently available at `when`: from the ratings
    given up to then; before their first rating, by that first one (a person is often
    added, and first rated, after some moments with them were already logged)."""
    ordered = sorted(ratings, key=lambda r: (r.rated_at, r.id))
    if not ordered:
        return False
    known = [r for r in ordered if r.rated_at <= when] or ordered[:1]
    return consistently_available(known)


# --- interactions with people who are there --------------------------------------------------

# An interaction: when, and with whom (a person's id). Activations with a person_id,
# ruptures and ladder attempts with one, or anything else that names a person.
Interaction = tuple[datetime, str]


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekShare:
    """One week's interactions with people, and how many were with people who were
    consistently available at the time."""

    week: date  # its Monday
    interactions: int
    with_available: int

    @property
    def share(self) -> float | None:
        """with_available / interactions; None for a week with none (not zero: no data)."""
        return self.with_available / self.interactions if self.interactions else None


def weekly_share(
    interactions: Iterable[Interaction],
    ratings: Mapping[str, Sequence[Rating]],
    *,
    today: date,
    weeks: int,
    zone: tzinfo | None = None,
) -> list[WeekShare]:
    """The last `weeks` weeks (Monday start, in `zone`), oldest first, this week last.

    Each interaction counts with its person's standing at that time (available_then);
    one with a person who has no ratings counts as not with an available person.
    Interactions outside the weeks are ignored. No streaks: each week stands alone.
    """
    this_week = week_start(today)
    first = this_week - timedelta(weeks=weeks - 1)
    totals: dict[date, list[int]] = {first + timedelta(weeks=i): [0, 0] for i in range(weeks)}
    for when, person_id in interactions:
        week = week_start(when.astimezone(zone).date() if zone else when.date())
        slot = totals.get(week)
        if slot is None:
            continue
        slot[0] += 1
        if available_then(ratings.get(person_id, ()), when):
            slot[1] += 1
    return [WeekShare(week, n, yes) for week, (n, yes) in sorted(totals.items())]


def ratings_in_week(ratings: Iterable[Rating], *, today: date, zone: tzinfo | None = None) -> int:
    """How many ratings were given this week (Monday start, in `zone`)."""
    monday = week_start(today)
    return sum(
        1
        for r in ratings
        if week_start(r.rated_at.astimezone(zone).date() if zone else r.rated_at.date()) == monday
    )


def median_repair(ruptures: Iterable[Rupture]) -> timedelta | None:
    """The typical (median) time to repair over the repaired ruptures; None if none are."""
    times = [r.time_to_repair for r in ruptures if r.time_to_repair is not None]
    if not times:
        return None
    return timedelta(seconds=statistics.median(t.total_seconds() for t in times))
