"""Activations (moments the attachment system fires) and their timing: pure domain logic.

An episode starts at onset (the log time, editable), may record a peak, and ends when
the person marks it settled. Recovery time = settled − onset. An episode left open is
never counted as recovered: it simply has no recovery time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from earned.errors import EarnedError

INTENSITY_MIN, INTENSITY_MAX = 0, 10
MAX_SHORT_TEXT = 500  # trigger, urge, what I did: a sentence or two
MAX_LIST = 20  # tags, emotions, body regions per activation
# Clock skew between a phone and the laptop serving it; later than this is "future".
FUTURE_GRACE = timedelta(minutes=2)
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

    @property
    def is_open(self) -> bool:
        return self.settled_at is None

    @property
    def recovery(self) -> timedelta | None:
        """Settled − onset; None while the episode is open."""
        if self.settled_at is None:
            return None
        return self.settled_at - self.onset_at


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


def check_text(value: str | None, what: str, limit: int = MAX_SHORT_TEXT) -> str | None:
    """Trimmed text or None; over `limit` characters is refused with a clear message."""
    if value is None:
        return None
    text = value.replace("\x00", "").strip()
    if len(text) > limit:
        raise EarnedError(
            f"The {what} is {len(text):,} characters; please keep it under {limit:,}. "
            "Nothing was saved."
        )
    return text or None


def check_list(values: list[str], what: str, allowed: frozenset[str] | None = None) -> list[str]:
    """De-duplicated, trimmed, lower-case words in first-seen order."""
    out: list[str] = []
    for raw in values:
        word = raw.replace("\x00", "").strip().lower()
        if not word or word in out:
            continue
        if len(word) > 60:
            raise EarnedError(f"One of the {what} is too long (60 characters at most).")
        if allowed is not None and word not in allowed:
            raise EarnedError(f"{word!r} is not one of the {what} earned knows.")
        out.append(word)
    if len(out) > MAX_LIST:
        raise EarnedError(f"Please choose at most {MAX_LIST} {what}.")
    return out


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
        trigger=check_text(trigger, "trigger"),
        tags=check_list(tags or [], "tags"),
        emotions=check_list(emotions or [], "emotion words"),
        urge=check_text(urge, "urge"),
    )
