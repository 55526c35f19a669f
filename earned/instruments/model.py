"""Questionnaires as data: the typed shape every instrument file is loaded into.

An instrument file (TOML, one per questionnaire) names its items, response
scale, subscales and how each is scored, reliabilities with their sources,
optional score bands (PHQ-9 style severity), optional alert rules on single
items (PHQ-9 item 9), optionally a cited reference SD for reliable change, its
citation and terms of use. Nothing here imports the
web stack or the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Method = Literal["mean", "sum"]


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    subscale: str | None
    reverse: bool = False
    extra_subscales: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: tuple[str, ...]
    missing: tuple[int, ...] = ()

    def reverse(self, value: int) -> int:
        """Mirror a response on the scale (1..5 -> 5..1; 0..3 -> 3..0)."""
        return self.min + self.max - value


@dataclass(frozen=True)
class Band:
    """A labelled score range, inclusive on both ends (e.g. PHQ-9 5-9 'mild')."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Subscale:
    id: str
    name: str
    method: Method
    lower_is_better: bool
    description: str
    reliability: float | None = None
    reliability_source: str | None = None
    multiplier: float = 1.0
    bands: tuple[Band, ...] = ()
    # The SD of a published reference sample, for reliable change when the instrument has
    # no norm table of its own (PHQ-9, GAD-7); cited like the reliability.
    rci_sd: float | None = None
    rci_sd_source: str | None = None
    # A published rule for meaningful change in points of this subscale (WHO-5: 10
    # percentage points), used instead of the Reliable Change Index when the file gives no
    # cited reliability and SD; cited like them.
    change_points: float | None = None
    change_source: str | None = None


@dataclass(frozen=True)
class Alert:
    """A single-item rule that must surface crisis resources when met."""

    item: int
    at_least: int
    kind: str


@dataclass(frozen=True)
class Cue:
    """A gentle suggestion to talk things over with a professional, never an alarm.

    Met when the subscale's score is below `below`, or (`item_at_most`) when any item is
    answered at or under that value (WHO-5: a raw score under 13, or any answer 0 or 1).
    """

    kind: str
    subscale: str | None = None
    below: float | None = None
    item_at_most: int | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    format_version: int
    name: str
    short_name: str
    purpose: str
    instructions: str
    citation: str
    terms: str
    scale: Scale
    subscales: tuple[Subscale, ...]
    items: tuple[Item, ...]
    items_per_page: int = 6
    administration_source: str = ""
    alerts: tuple[Alert, ...] = field(default_factory=tuple)
    cues: tuple[Cue, ...] = field(default_factory=tuple)

    def subscale(self, subscale_id: str) -> Subscale:
        for sub in self.subscales:
            if sub.id == subscale_id:
                return sub
        raise KeyError(subscale_id)

    def items_of(self, subscale_id: str) -> tuple[Item, ...]:
        return tuple(
            i for i in self.items if i.subscale == subscale_id or subscale_id in i.extra_subscales
        )

    @property
    def pages(self) -> int:
        return -(-len(self.items) // self.items_per_page)

    def page_items(self, page: int) -> tuple[Item, ...]:
        """Items on 1-based page `page`."""
        start = (page - 1) * self.items_per_page
        return self.items[start : start + self.items_per_page]
