"""Pure scoring of questionnaire answers: reverse keys, subscale means or sums, bands.

An answer set with a missing or out-of-range answer gets an `Incomplete`
result naming the items, never a partial score: a mean over fewer items would
not be comparable with the norms or with the person's earlier results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from earned.instruments.model import Alert, Cue, Instrument


@dataclass(frozen=True)
class Incomplete:
    missing: tuple[int, ...]
    invalid: tuple[int, ...] = ()

    @property
    def complete(self) -> bool:
        return False

    def describe(self) -> str:
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} unanswered")
        if self.invalid:
            parts.append(f"{len(self.invalid)} outside the scale")
        return "Incomplete: " + ", ".join(parts) + " — no score until every item is answered."


@dataclass(frozen=True)
class Scores:
    values: dict[str, float]
    bands: dict[str, str]
    alerts: tuple[Alert, ...]
    cues: tuple[Cue, ...] = ()

    @property
    def complete(self) -> bool:
        return True

    def __getitem__(self, subscale_id: str) -> float:
        return self.values[subscale_id]


def check(instrument: Instrument, answers: Mapping[int, int]) -> Incomplete | None:
    """Return what is missing or invalid in `answers`, or None if all is well."""
    missing: list[int] = []
    invalid: list[int] = []
    for item in instrument.items:
        value = answers.get(item.number)
        if value is None or value in instrument.scale.missing:
            missing.append(item.number)
        elif not instrument.scale.min <= value <= instrument.scale.max:
            invalid.append(item.number)
    if missing or invalid:
        return Incomplete(tuple(missing), tuple(invalid))
    return None


def keyed(instrument: Instrument, answers: Mapping[int, int]) -> dict[int, int]:
    """Answers with reverse-keyed items mirrored, so higher always means more of the trait."""
    return {
        item.number: instrument.scale.reverse(answers[item.number])
        if item.reverse
        else answers[item.number]
        for item in instrument.items
    }


def score(instrument: Instrument, answers: Mapping[int, int]) -> Scores | Incomplete:
    """Score a complete answer set; an incomplete one yields `Incomplete`."""
    problem = check(instrument, answers)
    if problem is not None:
        return problem
    values_by_item = keyed(instrument, answers)
    values: dict[str, float] = {}
    bands: dict[str, str] = {}
    for sub in instrument.subscales:
        numbers = [i.number for i in instrument.items_of(sub.id)]
        total = sum(values_by_item[n] for n in numbers)
        raw = total / len(numbers) if sub.method == "mean" else float(total)
        value = raw * sub.multiplier
        values[sub.id] = value
        for band in sub.bands:
            if band.low <= value <= band.high:
                bands[sub.id] = band.label
    return Scores(
        values=values,
        bands=bands,
        alerts=alerts(instrument, answers),
        cues=cues(instrument, answers, values),
    )


def cues(
    instrument: Instrument, answers: Mapping[int, int], values: Mapping[str, float]
) -> tuple[Cue, ...]:
    """The cues (gentle suggestions to talk to a professional) met by a complete answer
    set: a score below a cue's line, or any raw answer at or under a cue's value."""
    met = []
    for cue in instrument.cues:
        if cue.subscale is not None and cue.below is not None:
            if values[cue.subscale] < cue.below:
                met.append(cue)
        elif cue.item_at_most is not None and any(
            answers[i.number] <= cue.item_at_most for i in instrument.items
        ):
            met.append(cue)
    return tuple(met)


def alerts(instrument: Instrument, answers: Mapping[int, int]) -> tuple[Alert, ...]:
    """The alert rules met by the answers given so far, complete or not.

    An answer that calls for crisis resources counts the moment it is given, so a
    half-finished questionnaire can show them too. Only answers on the scale count: a
    missing-answer code is not an answer.
    """
    low, high = instrument.scale.min, instrument.scale.max
    met = []
    for alert in instrument.alerts:
        value = answers.get(alert.item)
        if value is not None and low <= value <= high and value >= alert.at_least:
            met.append(alert)
    return tuple(met)
