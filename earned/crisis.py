"""Crisis lines: which region's lines "Get help now" and the care panel show first.

The person chooses a region in Settings; it is kept in the settings table under SETTING.
The one rule for reading it back lives here, for the web app and the CLI alike: a saved
value that earned/content/crisis.toml does not list (an old import, a region since
removed, a hand-edited database) falls back to the default region, so a help page can
never fail or show nothing because of it.

Stdlib only (the content is TOML read by tomllib, once), so the quick CLI path can show
the crisis lines after a save without loading the full store.
"""

from __future__ import annotations

from earned import content

SETTING = "region"  # the settings key; its value is one of crisis.toml's [regions] keys


def known(region: str) -> bool:
    """Whether `region` is one of the regions crisis.toml has lines for."""
    return region in content.load("crisis")["regions"]


def region_or_default(saved: str | None) -> str:
    """The region whose lines come first: `saved` if the content knows it, else the default.

    `saved` is the stored setting as read (None when it was never set).
    """
    if saved is not None and known(saved):
        return saved
    return str(content.load("crisis")["default_region"])
