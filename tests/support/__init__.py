"""What the whole suite shares, defined once: where things are, the passphrase and clock
the fixtures use, `require`, and the environment for child processes.

The helpers for one kind of test live beside this module and are named after it:
`journals` (journals and stores, made from templates), `cli` (running `earned`),
`html` (reading pages) and `web` (driving the app over HTTP). Fixtures stay in the
conftest files and are built from these; tests import helpers from here, never from a
conftest.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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


def child_env(**extra: str) -> dict[str, str]:
    """The environment for an `earned` child process: cheap Argon2, no passphrase from the
    environment and no fault injection unless `extra` asks for them."""
    env = {k: v for k, v in os.environ.items() if k not in ("EARNED_PASSPHRASE", "EARNED_FAULT")}
    env["EARNED_KDF_PROFILE"] = "test"
    env.update(extra)
    return env
