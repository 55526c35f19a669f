"""The person's time zone (earned.zones): a name the browser sends is kept only if this
computer knows it; without one, the computer's own zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from earned import zones


@pytest.mark.parametrize("name", ["Europe/Madrid", "America/Mexico_City", "Australia/Sydney"])
def test_known_zones_are_kept(name: str) -> None:
    assert zones.check_zone(name) == name
    assert zones.zone_of(name) == ZoneInfo(name)


@pytest.mark.parametrize("name", [None, "", "Mars/Olympus", "../../etc/passwd", "x" * 65, "Ó"])
def test_anything_else_falls_back_to_this_computer(name: str | None) -> None:
    assert zones.check_zone(name) is None
    here = datetime.now().astimezone().tzinfo
    assert zones.zone_of(name).utcoffset(None) == here.utcoffset(None)  # type: ignore[union-attr]


def test_a_stored_time_is_shown_on_the_persons_clock() -> None:
    stored = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
    assert zones.local(stored, ZoneInfo("Europe/Madrid"), "%d %b %H:%M") == "02 Mar 23:30"
    assert zones.local(stored, ZoneInfo("Australia/Sydney"), "%d %b %H:%M") == "03 Mar 09:30"
