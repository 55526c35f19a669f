"""Bold text in the terminal, where it helps a person find their place, and only when it
is wanted: the crisis panel's heading and region names, the headings of `earned results`.

No escape codes when NO_COLOR is set to anything but an empty string
(https://no-color.org), when TERM is "dumb", or when the stream is not a terminal (a
pipe, a file, a test's capture). Bold and nothing else: it reads on every palette, light
or dark, and leaves colour to the terminal's own theme. Standard library only, imported
when something is printed in bold (not by `earned log` unless the crisis panel shows).
"""

from __future__ import annotations

import os

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

BOLD, RESET = "\033[1m", "\033[0m"


def wanted(stream: TextIO) -> bool:
    """Whether escape codes may be written to `stream` (see the module's rules)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or already closed
        return False


def bold(text: str, stream: TextIO) -> str:
    """`text` in bold when `stream` takes escape codes, else `text` as it is."""
    return f"{BOLD}{text}{RESET}" if text and wanted(stream) else text
