"""Import refusals name the record in words (earned/reports/faults.py)."""

from __future__ import annotations

import pytest

from earned.errors import EarnedError
from earned.reports import faults


def test_a_record_is_named_by_its_kind_and_date_or_its_place() -> None:
    dated = {"onset_at": "2026-03-02T21:15:00+00:00"}
    assert faults.which("activations", dated, "onset_at", 4) == "The moment of 2 Mar 2026"
    assert faults.which("urge_delays", {}, "started_at", 3) == "Urge timer 3 in the file"
    assert faults.which("tools", [1], "created_at", 1) == "Toolkit tool 1 in the file"
    assert faults.which("practices", {"started_at": "soon"}, "started_at", 2) == (
        "Practice 2 in the file"
    )


def test_every_refusal_says_nothing_was_imported() -> None:
    with pytest.raises(EarnedError) as error, faults.at_fault("entries", {}, "created_at", 2):
        raise EarnedError("The entry is empty. Nothing was saved.")
    assert error.value.message == (
        "Journal entry 2 in the file could not be imported: the entry is empty. "
        "Nothing was imported."
    )
    with pytest.raises(EarnedError) as error, faults.at_fault("tool_uses", {}, "used_at", 1):
        raise TypeError
    assert error.value.message.endswith("missing or of the wrong kind. Nothing was imported.")
