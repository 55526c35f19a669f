"""The urge-delay timer: from the moment an urge hits to waiting it out, acting, or its passing.

Seconds held = end − start. A timer still running has no held time yet; one the person
never closed stays open and is not counted (no guessing on their behalf). The held time
in words is earned.durations.words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, get_args

from earned import imported
from earned.episodes import FUTURE_GRACE, MAX_SHORT_TEXT
from earned.errors import EarnedError
from earned.text import check_text

# Real dataclasses for mypy; earned.records at run time, which spares the quick CLI path
# the ~6 ms import of `inspect` that `dataclasses` brings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from earned.records import record as dataclass

Outcome = Literal["waited", "acted", "passed"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
OUTCOME_WORDS = {
    "waited": "I waited",
    "acted": "I acted on it",
    "passed": "The urge passed",
}
SUGGESTED_URGES = (
    "send a reassurance text",
    "check their phone or profile",
    "call again",
    "withdraw and go quiet",
    "end the conversation",
    "pick a fight",
    "apologise for something that isn't mine",
    "leave",
)


@dataclass
class UrgeDelay:
    id: str
    urge: str
    started_at: datetime
    ended_at: datetime | None = None
    outcome: str | None = None
    activation_id: str | None = None

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def seconds_held(self) -> int | None:
        if self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.started_at).total_seconds()))


def check_outcome(value: object) -> str:
    if value not in OUTCOMES:
        raise EarnedError("Please choose how it ended: I waited, I acted, or the urge passed.")
    return str(value)


def check_urge(value: str | None) -> str:
    """The urge a new timer is for: required, a sentence at most (as an activation's urge)."""
    text = check_text(value, "urge", MAX_SHORT_TEXT)
    if not text:
        raise EarnedError("What is the urge? A few words are enough, e.g. 'text them again'.")
    return text


def ending(
    timer: UrgeDelay, *, outcome: object, now: datetime, at: datetime | None = None
) -> tuple[datetime, str] | None:
    """(end time, outcome) for stopping `timer`, or None if it has already ended.

    `at`: when it ended, if not now (a stop kept on a phone while it was offline, sent
    later with the phone's time); never in the future. A second stop (a double tap, a
    retried request) changes nothing: the first end stands. A clock that moved backwards
    cannot give a negative hold.
    """
    if timer.ended_at is not None:
        return None  # even a bad outcome on a second tap is answered with the first end
    end = now if at is None else at
    if end > now + FUTURE_GRACE:
        raise EarnedError("That end time is in the future; nothing was changed.")
    return max(end, timer.started_at), check_outcome(outcome)


@dataclass
class WholeTimer:
    """A timer started and ended on a phone while it was offline, sent as one: its urge,
    when it started and ended (the phone's times), and how it ended."""

    urge: str
    started_at: datetime
    ended_at: datetime
    outcome: str


def check_whole(
    *, urge: str | None, started_at: datetime, ended_at: datetime, outcome: object, now: datetime
) -> WholeTimer:
    """A whole timer kept offline: the urge as a new timer's, both times not in the future
    (the same grace as a moment's), the end not before the start, an outcome."""
    text = check_urge(urge)
    if started_at > now + FUTURE_GRACE or ended_at > now + FUTURE_GRACE:
        raise EarnedError("That timer's time is in the future; nothing was saved.")
    if ended_at < started_at:
        raise EarnedError("That timer ends before it starts; nothing was saved.")
    return WholeTimer(text, started_at, ended_at, check_outcome(outcome))


def calls_for_care(timer: UrgeDelay) -> bool:
    """After a timer ends: follow up with the crisis lines when the person acted on an urge
    whose words suggest danger ("hurt myself"); a neutral "that is useful data" is not
    enough there. The one rule for the web and the CLI."""
    from earned import safety  # stdlib only; its rules load on first use

    return timer.outcome == "acted" and safety.detect(timer.urge) is not None


def _imported_urge(value: str) -> str:
    text = check_text(value, "urge", MAX_SHORT_TEXT)
    if not text:
        raise EarnedError("The import file has an urge timer without an urge.")
    return text


def _imported_urge_or_null(value: Any) -> str:
    if value is None:
        raise EarnedError("The import file has an urge timer without an urge.")
    return str(imported.string(_imported_urge)(value))


# Each stored column of an imported timer, besides its id and times, and its check.
IMPORTED: dict[str, imported.Check] = {
    "client_token": imported.token,
    "urge": _imported_urge_or_null,
    "outcome": imported.optional(check_outcome),
    "activation_id": imported.optional(imported.reference),
}


def check_imported_times(times: Mapping[str, datetime | None], record: Mapping[str, Any]) -> None:
    """A timer that ended has an outcome and ends after it started; a running one has neither."""
    started, ended = times["started_at"], times["ended_at"]
    if (ended is None) != (record["outcome"] is None):
        raise EarnedError("The import file has an urge timer ended without an outcome.")
    if started is not None and ended is not None and ended < started:
        raise EarnedError("The import file has an urge timer that ends before it starts.")
