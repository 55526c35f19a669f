"""The calm crisis panel in the terminal: the care words and the crisis lines on stderr,
the person's region first; the same words the web app shows. Nothing is blocked or sent.

Printed by `earned log` and `earned wait` when what was typed suggests danger (see
docs/crisis-language.md) and by `earned checkin phq9` when item 9 is above 0. Stays on
the quick path: no SQLAlchemy here unless the caller already has the full store open.
"""

from __future__ import annotations

import sys

from earned.cli.common import say

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from earned.store import Store


def region_if_at_risk(conn: Any, *texts: str | None) -> str | None:
    """After a save: the region for the crisis lines if `texts` suggest danger, else None.

    `conn` is the quick path's connection (earned.store.quick). earned.safety is stdlib
    only and reads its rules lazily, so the quick path stays light; the words themselves
    are neither kept nor shown (see docs/crisis-language.md).
    """
    from earned import safety

    if safety.detect_any(texts) is None:
        return None
    return region(conn)


def region(conn: Any) -> str:
    """The journal's region for the crisis lines, through the quick path's connection."""
    from earned import crisis
    from earned.store import quick

    return crisis.region_or_default(quick.get_setting(conn, crisis.SETTING))


def print_lines(region: str | None) -> None:
    """The panel's words and every region's crisis lines on stderr, `region` first."""
    from earned import content, crisis

    words = content.load("crisis")
    regions: dict[str, Any] = words["regions"]
    first = crisis.region_or_default(region)
    err = sys.stderr
    print(file=err)
    say(words["care"]["title"], file=err, strong=True)
    say(words["care"]["text"], "  ", file=err)
    for key in [first, *(k for k in regions if k != first)]:
        say(regions[key]["name"], "  ", file=err, strong=True)
        for line in regions[key]["lines"]:
            say(f"{line['name']}: {line['how']} ({line['hours']})", "    ", file=err)
    say(words["emergency"], "  ", file=err)
    say(words["directory"], "  ", file=err)


def print_for_store(store: Store) -> None:
    """The panel for the journal's saved region, read through the full store."""
    from earned import crisis
    from earned.store import settings

    with store.session() as session:
        print_lines(settings.get_setting(session=session, key=crisis.SETTING))
