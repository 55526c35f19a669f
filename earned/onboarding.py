"""Whether a person has been through the welcome page: a setting, owned here.

The web app sends a journal without it to the welcome page once; the demo profile has it
already, so it opens on its data.
"""

from __future__ import annotations

SETTING = "onboarded"
DONE = "yes"
