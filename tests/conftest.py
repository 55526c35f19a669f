"""Shared fixtures: real data paths, a fresh encrypted journal per test, frozen clocks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# Cheap Argon2id parameters for the suite (recorded in each key file); the real
# parameters are exercised by tests/store/test_keys.py.
os.environ.setdefault("EARNED_KDF_PROFILE", "test")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
ECR_CSV = SHARED_DATA / "ecr-openpsychometrics" / "data.csv"
PASSPHRASE = "a calm harbour at dawn"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real part is missing; fail in CI (EARNED_REQUIRE_ALL is set)."""
    if condition:
        return
    if os.environ.get("EARNED_REQUIRE_ALL"):
        pytest.fail(f"required for the full suite: {reason}")
    pytest.skip(reason)


@pytest.fixture
def ecr_csv() -> Path:
    require(ECR_CSV.exists(), f"{ECR_CSV} is not present")
    return ECR_CSV


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "data"
    monkeypatch.setenv("EARNED_DATA_DIR", str(root))
    yield root
