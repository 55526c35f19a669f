"""Validated questionnaires, loaded from the TOML data files beside this module.

Each file holds one instrument; `load("ecr")` parses and validates it. Parsing
is cached because the files never change while the program runs.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from earned.errors import EarnedError
from earned.instruments.model import Alert, Band, Cue, Instrument, Item, Scale, Subscale

__all__ = ["Instrument", "available", "load", "parse"]


def available() -> list[str]:
    """Ids of the instruments shipped with the package."""
    folder = resources.files(__package__)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


@cache
def load(instrument_id: str) -> Instrument:
    """Load a shipped instrument by id; raises EarnedError if it is unknown."""
    if instrument_id not in available():
        raise EarnedError(f"There is no questionnaire called {instrument_id!r}.")
    text = resources.files(__package__).joinpath(f"{instrument_id}.toml").read_text("utf-8")
    return parse(tomllib.loads(text))


def parse(raw: dict[str, Any]) -> Instrument:
    """Build an Instrument from parsed TOML, checking it is internally consistent.

    Raises ValueError naming the instrument and the problem (these files ship with
    the package, so a bad one is a developer's error, caught by the tests).
    """
    try:
        return _parse(raw)
    except KeyError as missing:
        raise ValueError(f"{raw.get('id', '?')}: missing field {missing}") from None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_reliable_change(instrument_id: str, sub: Subscale) -> None:
    """The figures a Reliable Change Index is built from must be usable and cited."""
    if sub.reliability is not None and (
        not _is_number(sub.reliability) or not 0 <= sub.reliability < 1
    ):
        raise ValueError(f"{instrument_id}: reliability of {sub.id} must lie in [0, 1)")
    if sub.change_points is not None and (
        not _is_number(sub.change_points)
        or not (math.isfinite(sub.change_points) and sub.change_points > 0)
        or not sub.change_source
    ):
        raise ValueError(f"{instrument_id}: change_points of {sub.id} must be positive and cited")
    if sub.change_points is None and sub.change_source:
        raise ValueError(f"{instrument_id}: change_source of {sub.id} without change_points")
    if sub.rci_sd is None:
        if sub.rci_sd_source:
            raise ValueError(f"{instrument_id}: rci_sd_source of {sub.id} without an rci_sd")
        return
    if not _is_number(sub.rci_sd) or not (math.isfinite(sub.rci_sd) and sub.rci_sd > 0):
        raise ValueError(f"{instrument_id}: rci_sd of {sub.id} must be a positive number")
    if not sub.rci_sd_source:
        raise ValueError(f"{instrument_id}: rci_sd of {sub.id} needs its source")
    if sub.reliability is None:
        raise ValueError(f"{instrument_id}: rci_sd of {sub.id} is of no use without a reliability")


def _parse(raw: dict[str, Any]) -> Instrument:
    scale_raw = raw["scale"]
    scale = Scale(
        min=int(scale_raw["min"]),
        max=int(scale_raw["max"]),
        labels=tuple(scale_raw["labels"]),
        missing=tuple(scale_raw.get("missing", ())),
    )
    if len(scale.labels) != scale.max - scale.min + 1:
        raise ValueError(f"{raw['id']}: one label is needed per scale point")
    if any(scale.min <= m <= scale.max for m in scale.missing):
        # A "missing" code on the scale would silently turn a real answer into a gap.
        raise ValueError(f"{raw['id']}: a missing-answer code lies on the scale")
    subscales = tuple(
        Subscale(
            id=s["id"],
            name=s["name"],
            method=s["method"],
            lower_is_better=bool(s["lower_is_better"]),
            description=s.get("description", ""),
            reliability=s.get("reliability"),
            reliability_source=s.get("reliability_source"),
            multiplier=float(s.get("multiplier", 1.0)),
            bands=tuple(Band(b["low"], b["high"], b["label"]) for b in s.get("bands", ())),
            rci_sd=s.get("rci_sd"),
            rci_sd_source=s.get("rci_sd_source"),
            change_points=s.get("change_points"),
            change_source=s.get("change_source"),
        )
        for s in raw["subscales"]
    )
    ids = {s.id for s in subscales}
    if len(ids) != len(subscales):
        raise ValueError(f"{raw['id']}: two subscales share an id")
    items = tuple(
        Item(
            number=int(i["number"]),
            text=i["text"],
            subscale=i.get("subscale"),
            reverse=bool(i.get("reverse", False)),
            extra_subscales=tuple(i.get("extra_subscales", ())),
        )
        for i in raw["items"]
    )
    if [i.number for i in items] != list(range(1, len(items) + 1)):
        raise ValueError(f"{raw['id']}: items must be numbered 1..n in order")
    for item in items:
        for sub in (item.subscale, *item.extra_subscales):
            if sub is not None and sub not in ids:
                raise ValueError(f"{raw['id']}: item {item.number} names unknown subscale {sub}")
    for subscale in subscales:
        if subscale.method not in ("mean", "sum"):
            raise ValueError(f"{raw['id']}: unknown scoring method {subscale.method}")
        # Without items a mean divides by zero at scoring time, long after loading.
        if not any(subscale.id in (i.subscale, *i.extra_subscales) for i in items):
            raise ValueError(f"{raw['id']}: subscale {subscale.id} has no items")
        if any(b.low > b.high for b in subscale.bands):
            raise ValueError(f"{raw['id']}: a band of {subscale.id} runs backwards")
        ordered = sorted(subscale.bands, key=lambda b: b.low)
        if any(later.low <= earlier.high for earlier, later in itertools.pairwise(ordered)):
            # A score in two bands would be labelled by whichever comes last in the file.
            raise ValueError(f"{raw['id']}: two bands of {subscale.id} overlap")
        _check_reliable_change(raw["id"], subscale)
    alerts = tuple(Alert(a["item"], a["at_least"], a["kind"]) for a in raw.get("alerts", ()))
    for alert in alerts:
        if not 1 <= alert.item <= len(items) or not scale.min < alert.at_least <= scale.max:
            raise ValueError(
                f"{raw['id']}: alert on item {alert.item} would never or always be met"
            )
    cues = tuple(
        Cue(c["kind"], c.get("subscale"), c.get("below"), c.get("item_at_most"))
        for c in raw.get("cues", ())
    )
    for cue in cues:
        _check_cue(raw["id"], cue, ids, scale)
    return Instrument(
        id=raw["id"],
        format_version=int(raw["format_version"]),
        name=raw["name"],
        short_name=raw["short_name"],
        purpose=raw.get("purpose", ""),
        instructions=raw["instructions"],
        citation=raw["citation"],
        terms=raw["terms"],
        scale=scale,
        subscales=subscales,
        items=items,
        items_per_page=int(raw.get("items_per_page", 6)),
        administration_source=raw.get("administration_source", ""),
        alerts=alerts,
        cues=cues,
    )


def _check_cue(instrument_id: str, cue: Cue, ids: set[str], scale: Scale) -> None:
    """A cue is either on a subscale's score (`subscale` and `below`) or on any single
    answer (`item_at_most`, strictly inside the scale so it can be met and missed)."""
    on_score = cue.subscale is not None and cue.below is not None and cue.item_at_most is None
    on_item = cue.item_at_most is not None and cue.subscale is None and cue.below is None
    if not (on_score or on_item):
        raise ValueError(f"{instrument_id}: a cue needs subscale and below, or item_at_most")
    if on_score and cue.subscale not in ids:
        raise ValueError(f"{instrument_id}: a cue names unknown subscale {cue.subscale}")
    if on_item and not scale.min <= (cue.item_at_most or 0) < scale.max:
        raise ValueError(f"{instrument_id}: a cue on item answers would never or always be met")
