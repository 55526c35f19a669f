"""The self-compassion break (earned.compassion_break) and the compassionate letter (a
journal entry of kind "letter", earned.journal): the three steps, the words kept for each,
the labelled note they become, its limits, the length of a break, the letter's rules."""

from __future__ import annotations

import pytest

from earned import compassion_break, journal, regulation
from earned.errors import EarnedError

STEPS = compassion_break.steps()


def test_three_steps_mindfulness_common_humanity_kindness() -> None:
    assert [s["key"] for s in STEPS] == ["noticing", "humanity", "kindness"]
    for step in STEPS:
        assert step["title"] and len(step["prompt"]) > 60 and step["placeholder"]


def test_the_break_is_logged_as_its_own_practice_kind() -> None:
    assert compassion_break.KIND == regulation.COMPASSION_BREAK == "compassion-break"
    assert compassion_break.KIND in regulation.PRACTICE_KINDS
    assert regulation.INNER_KINDS == (regulation.SECURE_FIGURE, regulation.COMPASSION_BREAK)


def test_the_note_is_one_labelled_line_per_step_written() -> None:
    written = compassion_break.check_all(
        {"noticing": " this hurts\nin my chest ", "kindness": "I'm here", "humanity": ""}
    )
    assert written == {
        "noticing": "this hurts\nin my chest",
        "humanity": "",
        "kindness": "I'm here",
    }
    assert compassion_break.note_of(written) == (
        f"{STEPS[0]['title']}: this hurts in my chest\n{STEPS[2]['title']}: I'm here"
    )
    assert compassion_break.note_of(compassion_break.check_all({})) is None


def test_three_steps_at_their_limit_fit_in_a_practice_note() -> None:
    full = {s["key"]: "w" * compassion_break.MAX_STEP_WORDS for s in STEPS}
    note = compassion_break.note_of(compassion_break.check_all(dict(full)))
    assert note is not None and len(note) <= regulation.MAX_NOTE
    assert regulation.check_note(note) == note


def test_too_many_words_for_one_step_name_the_step() -> None:
    too_long = "w" * (compassion_break.MAX_STEP_WORDS + 1)
    with pytest.raises(EarnedError, match=STEPS[1]["title"].lower()):
        compassion_break.check_all({"humanity": too_long})


def test_a_break_lasts_from_its_start_or_the_suggested_length() -> None:
    assert compassion_break.check_seconds(1000, 1240) == 240
    default = compassion_break.DEFAULT_SECONDS
    assert compassion_break.check_seconds(None, 1240) == default
    assert compassion_break.check_seconds(1240, 1240) == default  # no time at all
    assert compassion_break.check_seconds(2000, 1240) == default  # a clock moved back
    assert compassion_break.check_seconds(0, regulation.MAX_PRACTICE_SECONDS + 1) == default


# --- the compassionate letter ---------------------------------------------------------------


def test_a_letter_is_a_journal_kind_with_an_optional_starting_point() -> None:
    assert "letter" in journal.KINDS and journal.KIND_NAMES["letter"]
    keys = journal.letter_prompt_keys()
    assert len(keys) >= 3
    for key in keys:
        journal.check_kind("letter", key)
    journal.check_kind("letter", None)
    with pytest.raises(EarnedError, match="starting points"):
        journal.check_kind("letter", "distance")  # a reflection's question, not a letter's
    for p in journal.letter_prompts():
        assert p["title"] and p["question"]
