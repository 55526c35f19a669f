"""Which region's crisis lines come first (earned.crisis): the one rule for web and CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from earned import content, crisis

WORDS = content.load("crisis")


def test_the_default_region_is_one_the_content_has_lines_for() -> None:
    assert crisis.known(WORDS["default_region"])


@pytest.mark.parametrize("region", list(WORDS["regions"]))
def test_a_known_saved_region_is_kept(region: str) -> None:
    assert crisis.known(region)
    assert crisis.region_or_default(region) == region


@pytest.mark.parametrize("saved", [None, "", "atlantis", "US", " us", "regions"])
def test_anything_else_falls_back_to_the_default(saved: str | None) -> None:
    assert crisis.region_or_default(saved) == WORDS["default_region"] == "us"
    if saved is not None:
        assert not crisis.known(saved)


def test_it_stays_light_for_the_quick_path() -> None:
    # The quick CLI commands show the lines after a save; they must not pay for the store.
    code = (
        "import sys; from earned import crisis; crisis.region_or_default('au'); "
        "print(','.join(m for m in ('sqlalchemy', 'fastapi', 'argon2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
