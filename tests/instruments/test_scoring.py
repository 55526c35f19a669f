"""Scoring against the real Open Psychometrics ECR responses."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import pytest

from earned import instruments
from earned.instruments.scoring import Incomplete, Scores, score

REVERSED = {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}


def read(path: Path) -> list[dict[int, int]]:
    with path.open(newline="") as f:
        return [{n: int(r[f"Q{n}"]) for n in range(1, 37)} for r in csv.DictReader(f)]


def independent_means(row: dict[int, int]) -> tuple[float, float]:
    """Written from the codebook, not from the instrument file: odd = avoidance."""
    vals = {n: (6 - v if n in REVERSED else v) for n, v in row.items()}
    avoid = sum(vals[n] for n in range(1, 37, 2)) / 18
    anx = sum(vals[n] for n in range(2, 37, 2)) / 18
    return anx, avoid


def alpha(matrix: list[list[int]]) -> float:
    k = len(matrix[0])
    cols = list(zip(*matrix, strict=True))
    item_var = sum(statistics.variance(c) for c in cols)
    total_var = statistics.variance([sum(r) for r in matrix])
    return k / (k - 1) * (1 - item_var / total_var)


def test_all_complete_rows_scored_like_an_independent_computation(ecr_csv: Path) -> None:
    ecr = instruments.load("ecr")
    rows = read(ecr_csv)
    complete = [r for r in rows if all(1 <= v <= 5 for v in r.values())]
    assert len(rows) == 51_491
    assert len(complete) == 46_610
    anx_items: list[list[int]] = []
    avo_items: list[list[int]] = []
    for row in rows:
        result = score(ecr, row)
        if all(1 <= v <= 5 for v in row.values()):
            assert isinstance(result, Scores)
            anx, avo = independent_means(row)
            assert result["anxiety"] == pytest.approx(anx, abs=1e-12)
            assert result["avoidance"] == pytest.approx(avo, abs=1e-12)
            keyed = {n: (6 - v if n in REVERSED else v) for n, v in row.items()}
            anx_items.append([keyed[n] for n in range(2, 37, 2)])
            avo_items.append([keyed[n] for n in range(1, 37, 2)])
        else:
            assert isinstance(result, Incomplete)
            assert not result.complete
            assert result.missing == tuple(n for n, v in row.items() if v in (0, -1))
    assert len(anx_items) == 46_610
    assert alpha(anx_items) == pytest.approx(0.916, abs=0.002)
    assert alpha(avo_items) == pytest.approx(0.938, abs=0.002)


def test_missing_answer_gives_incomplete_not_a_score() -> None:
    ecr = instruments.load("ecr")
    answers = {n: 3 for n in range(1, 37)}
    del answers[7]
    answers[8] = 0
    result = score(ecr, answers)
    assert isinstance(result, Incomplete)
    assert result.missing == (7, 8)
    assert "Incomplete" in result.describe()


def test_out_of_range_answer_is_invalid() -> None:
    ecr = instruments.load("ecr")
    answers = {n: 3 for n in range(1, 37)}
    answers[4] = 9
    result = score(ecr, answers)
    assert isinstance(result, Incomplete)
    assert result.invalid == (4,)


def test_reverse_keying_moves_the_score() -> None:
    ecr = instruments.load("ecr")
    answers = {n: 1 for n in range(1, 37)}
    result = score(ecr, answers)
    assert isinstance(result, Scores)
    # 18 avoidance items, 8 of them reversed (3,15,19,25,27,29,31,33,35 are odd: 9)
    reversed_avoid = len([n for n in REVERSED if n % 2])
    reversed_anx = len([n for n in REVERSED if n % 2 == 0])
    assert result["avoidance"] == pytest.approx((reversed_avoid * 5 + (18 - reversed_avoid)) / 18)
    assert result["anxiety"] == pytest.approx((reversed_anx * 5 + (18 - reversed_anx)) / 18)
