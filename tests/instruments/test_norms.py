"""The committed ECR norm table is rebuilt from the real responses and must match, and
percentiles follow the mid-rank definition (checked by counting, not by the code)."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import itertools
import json
import math
import statistics
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from earned import instruments
from earned.instruments import norms
from earned.instruments.norms import SubscaleNorm

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "earned" / "instruments" / "ecr_norms.json"
# From the Open Psychometrics codebook, not from ecr.toml: odd items measure
# avoidance, even items anxiety; these ten are reverse-keyed.
REVERSED = {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}
ITEMS = {"avoidance": range(1, 37, 2), "anxiety": range(2, 37, 2)}


def build_norms_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_norms", ROOT / "scripts/build_norms.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def raw_rows(path: Path) -> tuple[tuple[int, ...], ...]:
    """Q1..Q36 of every row, read with the csv module only."""
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        cols = [header.index(f"Q{n}") for n in range(1, 37)]
        return tuple(tuple(int(row[c]) for c in cols) for row in reader)


@cache
def independent_totals(path: Path) -> dict[str, list[int]]:
    """Raw keyed totals per subscale for complete rows, computed without earned."""
    out: dict[str, list[int]] = {"anxiety": [], "avoidance": []}
    for row in raw_rows(path):
        if not all(1 <= v <= 5 for v in row):
            continue
        keyed = {n: (6 - v if n in REVERSED else v) for n, v in enumerate(row, start=1)}
        for sub, numbers in ITEMS.items():
            out[sub].append(sum(keyed[n] for n in numbers))
    return out


def committed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COMMITTED.read_text("utf-8"))
    return data


def test_rebuilding_from_the_data_gives_the_committed_table(ecr_csv: Path) -> None:
    script = build_norms_script()
    rows = script.read_rows(ecr_csv)
    rebuilt = norms.build(instruments.load("ecr"), rows)
    table = committed()
    assert rebuilt["subscales"] == table["subscales"]
    assert rebuilt["n_complete"] == table["provenance"]["rows_complete"] == 46_610
    assert len(rows) == table["provenance"]["rows_read"] == 51_491
    assert hashlib.sha256(ecr_csv.read_bytes()).hexdigest() == table["provenance"]["input_sha256"]


def test_committed_table_agrees_with_an_independent_computation(ecr_csv: Path) -> None:
    totals = independent_totals(ecr_csv)
    table = committed()["subscales"]
    for sub in ("anxiety", "avoidance"):
        mine = totals[sub]
        means = [t / 18 for t in mine]
        assert table[sub]["n"] == len(mine) == 46_610
        assert table[sub]["item_count"] == 18
        assert table[sub]["mean"] == pytest.approx(statistics.fmean(means), abs=5e-5)
        assert table[sub]["sd"] == pytest.approx(statistics.stdev(means), abs=5e-5)
        assert {int(t): c for t, c in table[sub]["totals"].items()} == dict(Counter(mine))
        assert sum(table[sub]["totals"].values()) == len(mine)


def test_loaded_table_matches_the_file() -> None:
    loaded = norms.load("ecr")
    assert loaded is not None
    table = committed()
    assert loaded.instrument == "ecr"
    assert loaded.provenance == table["provenance"]
    for sub, raw in table["subscales"].items():
        got = loaded.subscales[sub]
        assert (got.n, got.mean, got.sd, got.alpha) == (
            raw["n"],
            raw["mean"],
            raw["sd"],
            raw["alpha"],
        )
        assert got.totals == {int(t): c for t, c in raw["totals"].items()}


def test_instrument_without_a_table_has_none() -> None:
    assert norms.load("no-such-instrument") is None


@pytest.mark.parametrize("sd", [0.0, -1.0, math.nan])
def test_a_table_with_an_unusable_sd_is_refused(sd: float) -> None:
    raw = committed()
    raw["subscales"]["anxiety"]["sd"] = sd
    with pytest.raises(ValueError, match="SD"):
        norms._parse(raw)


@pytest.mark.parametrize("sub", ["anxiety", "avoidance"])
def test_mid_rank_percentile_equals_a_hand_count(ecr_csv: Path, sub: str) -> None:
    """Percentile = % strictly below + half of % exactly equal, counted over raw rows."""
    totals = independent_totals(ecr_csv)[sub]
    table = norms.load("ecr")
    assert table is not None
    for mean_score in (1.0, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 61 / 18):
        total = round(mean_score * 18)
        below = sum(1 for t in totals if t < total)
        equal = sum(1 for t in totals if t == total)
        expected = 100 * (below + equal / 2) / len(totals)
        assert table.subscales[sub].percentile(mean_score) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("sub", ["anxiety", "avoidance"])
def test_percentiles_are_sane_across_the_whole_range(sub: str) -> None:
    table = norms.load("ecr")
    assert table is not None
    norm = table.subscales[sub]
    # Every reachable mean score: raw totals 18..90 over 18 items.
    pcts = [norm.percentile(total / 18) for total in range(18, 91)]
    assert pcts[0] < 1.0  # the lowest possible score: almost nobody is below
    assert pcts[-1] > 99.0  # the highest: almost everybody is below
    assert all(0.0 <= p <= 100.0 for p in pcts)
    assert all(a < b for a, b in itertools.pairwise(pcts))  # strictly rising
    # The median response sits near the 50th percentile.
    assert norm.percentile(norm.mean) == pytest.approx(50, abs=6)


def test_mid_rank_on_a_table_small_enough_to_count() -> None:
    # Four people on a 2-item scale: raw totals 2, 3, 3, 4.
    norm = SubscaleNorm(n=4, mean=1.5, sd=0.41, alpha=0.7, item_count=2, totals={2: 1, 3: 2, 4: 1})
    assert norm.percentile(1.0) == 12.5  # total 2: 0 below, 1 equal → (0 + 0.5) / 4
    assert norm.percentile(1.5) == 50.0  # total 3: 1 below, 2 equal → (1 + 1) / 4
    assert norm.percentile(2.0) == 87.5  # total 4: 3 below, 1 equal → (3 + 0.5) / 4
    assert norm.percentile(0.5) == 0.0  # below everyone
    assert norm.percentile(3.0) == 100.0  # above everyone
    # A mean that is not an exact multiple of 1/2 rounds to the nearest raw total.
    assert norm.percentile(1.49) == 50.0


def test_cronbach_alpha_by_hand() -> None:
    # Items a = 1,2,3,4 and b = 2,2,3,5 (population variances):
    #   var(a) = (2.25 + .25 + .25 + 2.25) / 4 = 1.25
    #   var(b) = (1 + 1 + 0 + 4) / 4 = 1.5
    #   totals 3,4,6,9: mean 5.5, var = (6.25 + 2.25 + .25 + 12.25) / 4 = 5.25
    #   alpha = 2/1 * (1 - 2.75 / 5.25) = 0.952381
    assert norms.cronbach_alpha([[1, 2, 3, 4], [2, 2, 3, 5]]) == pytest.approx(0.952381, abs=1e-6)
    # Two identical items: perfectly consistent.
    assert norms.cronbach_alpha([[1, 2, 3], [1, 2, 3]]) == pytest.approx(1.0)


def test_build_skips_incomplete_rows_and_counts_by_hand() -> None:
    ecr = instruments.load("ecr")
    low = {n: 1 for n in range(1, 37)}  # keyed: 1 except reversed items, which become 5
    high = {n: 5 for n in range(1, 37)}
    middle = {n: 3 for n in range(1, 37)}
    # Keyed 5 everywhere: 5 on plain items, 1 on reverse-keyed ones.
    strongest = {n: 1 if n in REVERSED else 5 for n in range(1, 37)}
    skipped = dict(middle)
    skipped[4] = 0  # Open Psychometrics' "skipped" code
    out = norms.build(ecr, [low, high, middle, strongest, skipped])
    assert out["n_complete"] == 4
    anx = out["subscales"]["anxiety"]
    # Anxiety (even items) has one reversed item (22): low → 17*1 + 5 = 22,
    # high → 17*5 + 1 = 86, middle → 54, strongest → 90.
    assert anx["totals"] == {"22": 1, "54": 1, "86": 1, "90": 1}
    assert anx["n"] == 4
    assert anx["item_count"] == 18
    assert anx["mean"] == round((22 + 54 + 86 + 90) / 4 / 18, 4)  # 3.5
    avo = out["subscales"]["avoidance"]
    # Avoidance (odd items) has nine reversed: low → 9*1 + 9*5 = 54, high → 54,
    # middle → 54, strongest → 90.
    assert avo["totals"] == {"54": 3, "90": 1}
    assert avo["mean"] == round((54 * 3 + 90) / 4 / 18, 4)  # 3.5
    # Sample SD of means 3, 3, 3, 5: mean 3.5, squares .25 * 3 + 2.25 = 3, / 3 → sqrt(1) = 1
    assert avo["sd"] == 1.0
