"""The hand-off's rules (earned/handoff.py): the period, the sections, the form's
refusals by field, initials, and the median."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from earned import handoff as rules
from earned.errors import EarnedError
from tests.support import T0

TODAY = T0.date()


def test_the_default_period_is_the_last_four_weeks_ending_today() -> None:
    start, end = rules.default_period(TODAY)
    assert end == TODAY and (end - start).days + 1 == rules.DEFAULT_DAYS == 28


@pytest.mark.parametrize(
    ("start", "end", "field", "said"),
    [
        ("", "2026-03-01", "from", "Please give the first date"),
        ("2026-02-01", "1/3/2026", "to", "year-month-day"),
        ("2026-02-01", "2026-03-03", "to", "today at the latest"),
        ("2026-03-01", "2026-02-01", "from", "comes before"),
        ("2022-01-01", "2026-03-01", "from", "about three years"),
    ],
)
def test_a_period_is_refused_by_field(start: str, end: str, field: str, said: str) -> None:
    with pytest.raises(rules.PeriodError) as caught:
        rules.check_period(start, end, TODAY)
    assert said in caught.value.problems.fields[field]


def test_a_period_of_one_day_and_of_the_longest_are_kept() -> None:
    assert rules.check_period("2026-03-02", "2026-03-02", TODAY) == (TODAY, TODAY)
    first = TODAY - timedelta(days=rules.LONGEST_DAYS - 1)
    assert rules.check_period(first.isoformat(), TODAY.isoformat(), TODAY) == (first, TODAY)


def test_sections_keep_their_order_and_unknown_ones_are_named() -> None:
    assert rules.check_sections(["note", "results"]) == ("results", "note")
    with pytest.raises(EarnedError, match="no section called dreams"):
        rules.check_sections(["results", "dreams"])
    with pytest.raises(EarnedError, match="at least one section"):
        rules.check_sections([])


def test_the_form_gives_the_choice_or_every_problem_at_once() -> None:
    values = {
        "from": "2026-02-01",
        "to": "2026-03-01",
        "section-moments": "1",
        "section-note": "1",
        "initials": "1",
        "keep-belief-abc": "1",
        "note": "  hello  ",
    }
    choice, problems = rules.check_form(values, TODAY)
    assert not problems and choice is not None
    assert choice.start == date(2026, 2, 1) and choice.end == date(2026, 3, 1)
    assert choice.sections == ("moments", "note") and choice.initials and not choice.written
    assert choice.note == "hello"
    assert choice.kept("belief-abc") and not choice.kept("belief-other")
    bad = {"from": "x", "to": "2026-03-01", "note": "y" * (rules.MAX_NOTE + 1)}
    choice, problems = rules.check_form(bad, TODAY)
    assert choice is None and set(problems.fields) == {"from", "sections", "note"}


def test_a_choice_without_a_list_keeps_every_item() -> None:
    assert rules.Choice(TODAY, TODAY).kept("anything")


@pytest.mark.parametrize(
    ("name", "short"),
    [("Sam", "S."), ("Sam Lee", "S. L."), ("anne-marie o'neil", "A. O."), ("42", "42")],
)
def test_initials(name: str, short: str) -> None:
    assert rules.initials(name) == short


def test_names_become_initials_as_whole_words_in_any_case() -> None:
    said = "Sam Lee called; sam was kind. Samantha and Lee's dog."
    got = rules.with_initials(said, ["Sam Lee", ""])
    assert got == "S. L. called; S. was kind. Samantha and L.'s dog."


def test_median() -> None:
    assert rules.median([]) is None
    assert rules.median([3.0, 1.0, 2.0]) == 2.0
    assert rules.median([4.0, 1.0, 2.0, 3.0]) == 2.5
