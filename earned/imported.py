"""Type checks for values read from an import file, before a record kind's own rules.

An export is JSON a person may have edited by hand. A value of the wrong JSON type
raises TypeError, which the importer words as "incomplete or damaged"; a value of the
right type is handed to the rule its record kind owns (episodes, urges, regulation,
toolkit), so an imported record meets exactly the limits a new one does.
"""

from __future__ import annotations

from earned import tokens

# typing.TYPE_CHECKING without importing typing (~4 ms on the quick CLI path, which imports
# earned.episodes and so this module); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Check = Callable[[Any], Any]
MAX_ID = 32  # uuid4 hex


def optional(check: Check) -> Check:
    """`check`, but None (JSON null) passes through as None."""
    return lambda value: None if value is None else check(value)


def string(rule: Callable[[str], Any]) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError
        return rule(value)

    return check


def whole(rule: Callable[[int], Any]) -> Check:
    """A JSON integer (not a bool, not 8.0, not "8") handed to `rule`."""

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        return rule(value)

    return check


def strings(rule: Callable[[list[str]], Any]) -> Check:
    """A JSON list of strings handed to `rule`."""

    def check(value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError
        return rule(value)

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def reference(value: Any) -> str:
    """The id of another record (checked to exist by the database's foreign key)."""
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID:
        raise TypeError
    return value


def token(value: Any) -> str | None:
    """A client token, compared exactly: never trimmed, so it still matches the stored one."""
    return tokens.check_token(value)
