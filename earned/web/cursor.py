"""Where the next page of a newest-first list starts: "<time ISO>_<id>" of the last item
shown, carried in the address as `before`. A keyset, not an offset, so every page costs
the same however long the history behind it."""

from __future__ import annotations

from datetime import datetime

from earned.errors import EarnedError


def make(moment: datetime, item_id: str) -> str:
    return f"{moment.isoformat()}_{item_id}"


def read(raw: str, what: str) -> tuple[datetime, str] | None:
    """The (time, id) in `raw`, None when empty; a calm 404 naming `what` otherwise."""
    if not raw:
        return None
    when, _, last = raw.rpartition("_")
    missing = EarnedError(f"That page of your {what} could not be found.", status=404)
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        raise missing from None
    if moment.tzinfo is None or not last or len(last) > 32 or not last.isalnum():
        raise missing
    return moment, last
