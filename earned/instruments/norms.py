"""Norm tables: percentiles of a score against a reference sample, and how they are built.

The ECR table is derived by `scripts/build_norms.py` from the Open Psychometrics
responses and committed as a small JSON file of counts (no raw responses), so
the app needs no data set at run time. Building is a pure function of rows, so
a test can rebuild the table and compare it with the committed one.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from earned.instruments.model import Instrument
from earned.instruments.scoring import Scores, keyed, score


@dataclass(frozen=True)
class SubscaleNorm:
    n: int
    mean: float
    sd: float
    alpha: float
    item_count: int
    # Number of reference responses at each raw total (sum of keyed items).
    totals: dict[int, int]

    def percentile(self, mean_score: float) -> float:
        """Mid-rank percentile of a mean score: % below plus half of % equal."""
        total = round(mean_score * self.item_count)
        below = sum(c for t, c in self.totals.items() if t < total)
        equal = self.totals.get(total, 0)
        return 100.0 * (below + equal / 2) / self.n


@dataclass(frozen=True)
class Norms:
    instrument: str
    source: str
    provenance: dict[str, Any]
    subscales: dict[str, SubscaleNorm]


def cronbach_alpha(columns: Sequence[Sequence[int]]) -> float:
    """Cronbach's alpha from item columns (each a list of keyed responses)."""
    k = len(columns)
    item_var = sum(statistics.pvariance(col) for col in columns)
    totals = [sum(vals) for vals in zip(*columns, strict=True)]
    return float((k / (k - 1)) * (1 - item_var / statistics.pvariance(totals)))


def build(instrument: Instrument, rows: Iterable[Mapping[int, int]]) -> dict[str, Any]:
    """Norm figures for each subscale from complete rows; incomplete rows are skipped."""
    keyed_rows = []
    for row in rows:
        if isinstance(score(instrument, row), Scores):
            keyed_rows.append(keyed(instrument, row))
    out: dict[str, Any] = {"n_complete": len(keyed_rows), "subscales": {}}
    for sub in instrument.subscales:
        numbers = [i.number for i in instrument.items_of(sub.id)]
        columns = [[r[n] for r in keyed_rows] for n in numbers]
        totals = [sum(vals) for vals in zip(*columns, strict=True)]
        means = [t / len(numbers) for t in totals]
        out["subscales"][sub.id] = {
            "n": len(keyed_rows),
            "mean": round(statistics.fmean(means), 4),
            "sd": round(statistics.stdev(means), 4),
            "alpha": round(cronbach_alpha(columns), 4),
            "item_count": len(numbers),
            "totals": {str(t): c for t, c in sorted(Counter(totals).items())},
        }
    return out


def _parse(raw: dict[str, Any]) -> Norms:
    subs = {
        sid: SubscaleNorm(
            n=s["n"],
            mean=s["mean"],
            sd=s["sd"],
            alpha=s["alpha"],
            item_count=s["item_count"],
            totals={int(t): c for t, c in s["totals"].items()},
        )
        for sid, s in raw["subscales"].items()
    }
    if any(not math.isfinite(s.sd) or s.sd <= 0 for s in subs.values()):
        raise ValueError("norm table has a non-positive SD")
    return Norms(raw["instrument"], raw["source"], raw["provenance"], subs)


@cache
def load(instrument_id: str) -> Norms | None:
    """The committed norm table for an instrument, or None if it has none."""
    path = resources.files("earned.instruments").joinpath(f"{instrument_id}_norms.json")
    if not path.is_file():
        return None
    return _parse(json.loads(path.read_text("utf-8")))
