"""The person's time zone: the one every time earned shows on a page is written in.

Chosen once, at setup, from what the browser says (its IANA name, e.g. "Europe/Madrid"),
and kept in the settings under SETTING. Until then, or if the saved name is not one this
computer knows, the computer's own zone is used: in personal mode the server runs on the
person's own machine, so that is theirs too. Standard library only.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SETTING = "time_zone"
MAX_NAME = 64  # the longest IANA names are about 30 characters


def check_zone(name: str | None) -> str | None:
    """`name` if it is a time zone this computer knows, else None (never an error: a
    browser that sends nothing, or something odd, just leaves the computer's zone)."""
    if not name or len(name) > MAX_NAME or not name.isascii() or ".." in name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def zone_of(saved: str | None) -> tzinfo:
    """The zone to show times in: the saved one if valid, else this computer's."""
    name = check_zone(saved)
    if name is not None:
        return ZoneInfo(name)
    here = datetime.now().astimezone().tzinfo
    assert here is not None  # astimezone() always gives an aware time
    return here


def local(moment: datetime, zone: tzinfo, fmt: str) -> str:
    """`moment` (an aware time, stored in UTC) as the person's clock shows it."""
    return moment.astimezone(zone).strftime(fmt)
