"""Sharing rules (earned/consent.py): categories, invite codes as typed, suggestions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from earned import consent
from earned.errors import EarnedError


def test_invite_codes_are_unambiguous_and_read_back_however_typed() -> None:
    codes = {consent.new_invite_code() for _ in range(200)}
    assert len(codes) == 200
    for code in list(codes)[:20]:
        assert not set(code) & set("01OIL")
        assert consent.normal_code(code.lower().replace("-", " ")) == code
        assert consent.normal_code(code[:-1]) is None
    assert consent.normal_code("AAAA-BBBB-CCC0") is None  # a zero is never in a code


def test_categories_are_checked_and_defaults_are_few() -> None:
    assert consent.check_categories(["results", "journal"]) == {"results", "journal"}
    with pytest.raises(EarnedError, match="Nothing changed"):
        consent.check_categories(["results", "everything"])
    assert set(consent.DEFAULT) < set(consent.CATEGORIES)
    assert "journal" not in consent.DEFAULT  # words a person wrote are never shared unasked


def test_a_link_allows_only_what_it_names() -> None:
    link = consent.Link(1, 2, frozenset({"results"}), datetime(2026, 1, 1, tzinfo=UTC))
    assert link.allows("results") and not link.allows("journal")


OFFERED = {"practice": ("Box breathing",), "rung": ("ask for help",)}


def test_suggestions_and_answers() -> None:
    assert consent.check_assignment("rung", " ask for help ", " gently ", OFFERED) == (
        "rung", "ask for help", "gently")  # fmt: skip
    with pytest.raises(EarnedError):
        consent.check_assignment("homework", "x", None, OFFERED)
    with pytest.raises(EarnedError):  # a step of another kind, or nothing the app offers
        consent.check_assignment("practice", "ask for help", None, OFFERED)
    with pytest.raises(EarnedError):
        consent.check_assignment("practice", "<b>anything</b>", None, OFFERED)
    with pytest.raises(EarnedError):
        consent.check_assignment(
            "practice", "Box breathing", "y" * (consent.ASSIGN_NOTE_MAX + 1), OFFERED
        )
    assert consent.check_answer("declined") == "declined"
    with pytest.raises(EarnedError):
        consent.check_answer("open")


def test_a_change_is_an_event_only_when_it_changes_something() -> None:
    assert consent.change_kind(None, ["results"]) == consent.BEGAN
    assert consent.change_kind(["results", "progress"], ["progress", "results"]) is None
    assert consent.change_kind(["results"], ["results", "journal"]) == consent.CHANGED
    assert consent.change_kind(["results"], []) == consent.CHANGED  # shared nothing, not ended


def test_events_read_as_sentences_in_the_sharing_pages_order() -> None:
    at = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    began = consent.Event(at, "Dr Lee", consent.BEGAN, frozenset({"progress", "results"}))
    assert began.words == "Began sharing results and progress signs with Dr Lee"
    assert (
        consent.event_words(consent.CHANGED, "Dr Lee", ["journal", "moments", "results"])
        == "Changed what Dr Lee sees to results, moments and journal writing"
    )
    assert (
        consent.event_words(consent.CHANGED, "Dr Lee", []) == "Changed what Dr Lee sees to nothing"
    )
    assert consent.event_words(consent.STOPPED, "Dr Lee", []) == "Stopped sharing with Dr Lee"
    # A kind or category from a later version is still said, never an error.
    assert "paused" in consent.event_words("paused", "Dr Lee", ["later-kind"]).lower()
    assert "later-kind" in consent.listed(["results", "later-kind"])
