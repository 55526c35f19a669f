"""Origin-story links' rules (earned.origin_links): the passage is the entry's own words,
limits, what can be linked, and imported links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from earned import origin_links
from earned.errors import EarnedError
from earned.patterns import Recurring
from tests.support import T0

BODY = "When I cried, Mum went quiet.\nI learned to keep\nthe hard days to myself."
RECURRING = [
    Recurring("Being Left.", "send another text", 5, 2, 1, T0),
    Recurring("being too much", "apologise and go quiet", 2, 0, 2, T0 - timedelta(days=30)),
]
OFFERED = origin_links.targets(
    recurring=RECURRING,
    triggers=["no reply for hours", "a short reply", "no reply for hours"],
    beliefs={"b" * 32: "I am too much for people."},
)


def choice(kind: str, key: str) -> str:
    return origin_links.Target(kind, key, "").choice


def link(passage: str | None, chosen: str | None, *, kind: str = "origin") -> tuple[str, str, str]:
    """check_link on BODY; `chosen` is "kind:key", sent as a form names it."""
    kind_of, _, key = (chosen or "").partition(":")
    sent = choice(kind_of, key) if key else chosen
    return origin_links.check_link(
        entry_kind=kind, entry_body=BODY, passage=passage, choice=sent, offered=OFFERED
    )


def test_what_can_be_linked() -> None:
    assert [(t.kind, t.key) for t in OFFERED] == [
        ("pattern", "being left\nsend another text"),
        ("pattern", "being too much\napologise and go quiet"),
        ("trigger", "no reply for hours"),
        ("trigger", "a short reply"),
        ("belief", "b" * 32),
    ]
    assert OFFERED[0].label == "the fear of being left, and the urge to send another text"


def test_a_form_names_a_target_without_its_line_breaks() -> None:
    two_lines = origin_links.Target("trigger", "no reply\r\nfor hours", "")
    assert "\n" not in two_lines.choice and "\r" not in two_lines.choice
    assert two_lines.choice.startswith("trigger:")
    assert len({t.choice for t in OFFERED}) == len(OFFERED)
    assert two_lines.choice != origin_links.Target("trigger", "no reply\nfor hours", "").choice


def test_triggers_offered_are_few_and_distinct() -> None:
    many = [f"trigger {n}" for n in range(100)] * 2
    offered = origin_links.targets(recurring=[], triggers=many, beliefs={})
    assert [t.key for t in offered] == many[: origin_links.TRIGGERS_OFFERED]


def test_a_passage_of_the_entry_links_to_an_offered_target() -> None:
    assert link("  Mum went quiet.  ", "belief:" + "b" * 32) == (
        "Mum went quiet.",
        "belief",
        "b" * 32,
    )
    # A selection may join the entry's lines with spaces, or with a Windows line end.
    assert link("keep the hard days", "trigger:a short reply")[0] == "keep the hard days"
    assert link("keep\r\nthe hard", "pattern:being left\nsend another text")[0] == "keep\nthe hard"


@pytest.mark.parametrize(
    ("passage", "choice", "message"),
    [
        ("", "trigger:a short reply", "Select a few words"),
        ("   ", "trigger:a short reply", "Select a few words"),
        (None, "trigger:a short reply", "Select a few words"),
        ("Dad went quiet", "trigger:a short reply", "not in this entry"),
        ("Mum went quiet", "trigger:an unknown trigger", "Choose one of"),
        ("Mum went quiet", "belief:" + "c" * 32, "Choose one of"),
        ("Mum went quiet", "person:Sam", "Choose what to link"),
        ("Mum went quiet", "", "Choose what to link"),
        ("Mum went quiet", "trigger:", "Choose one of"),
        ("Mum went quiet", "trigger:a short reply!", "Choose one of"),
        ("x" * (origin_links.MAX_PASSAGE + 1), "trigger:a short reply", "1,001 characters"),
    ],
)
def test_bad_links_are_refused_in_words(passage: str | None, choice: str, message: str) -> None:
    with pytest.raises(EarnedError, match=message):
        link(passage, choice)


def test_only_origin_story_entries_have_passages_to_link() -> None:
    with pytest.raises(EarnedError, match="origin-story entries"):
        link("Mum went quiet", "trigger:a short reply", kind="reflection")


def test_a_link_names_what_it_points_to() -> None:
    words = {"b1": "I am too much."}
    assert origin_links.label("belief", "b1", words) == "I am too much."
    assert "no longer" in origin_links.label("belief", "gone", words)
    assert origin_links.label("trigger", "a short reply", words) == "a short reply"
    key = origin_links.pattern_key("Being left", "text again!")
    assert (
        origin_links.label("pattern", key, words)
        == "the fear of being left, and the urge to text again"
    )


def test_imported_links_meet_the_same_limits_but_keep_a_passage_since_edited_away() -> None:
    check = origin_links.IMPORTED
    # The entry may have been edited since: an import does not compare the passage with it.
    assert check["passage"]("words no longer in the entry") == "words no longer in the entry"
    assert check["target_kind"]("pattern") == "pattern"
    assert check["target"]("a\nb") == "a\nb"
    for column, bad, error in [
        ("passage", "", EarnedError),
        ("passage", 3, TypeError),
        ("passage", "p" * (origin_links.MAX_PASSAGE + 1), EarnedError),
        ("target_kind", "person", EarnedError),
        ("target", "", EarnedError),
        ("target", "t" * (origin_links.MAX_TARGET + 1), EarnedError),
        ("entry_id", None, TypeError),
    ]:
        with pytest.raises(error):
            check[column](bad)


def test_a_kept_passage_comes_back_from_its_import_check_unchanged() -> None:
    kept = origin_links.check_passage(" one\r\r\ntwo\x00 ")
    assert kept == "one\ntwo"
    assert origin_links.IMPORTED["passage"](kept) == kept
