"""The secure-figure visualisations (earned.secure_figure): the scripts in the content file,
their pacing (each step's length within bounds, different lengths for different days), the
practice kind they are logged as, and the checks that refuse a script that could not play."""

from __future__ import annotations

from typing import Any

import pytest

from earned import regulation, secure_figure
from earned.errors import EarnedError


def test_three_or_four_scripts_of_different_lengths() -> None:
    scripts = secure_figure.scripts()
    assert 3 <= len(scripts) <= 4
    lengths = [s.seconds for s in scripts]
    assert len(set(s.minutes for s in scripts)) == len(scripts)  # a choice of lengths
    assert min(lengths) <= 5 * 60  # one for a busy day
    assert max(lengths) >= 10 * 60  # and one that goes further
    assert lengths[0] == min(lengths)  # the short one first


def test_every_step_is_paced_within_bounds_and_has_words() -> None:
    for script in secure_figure.scripts():
        assert script.seconds == sum(step.seconds for step in script.steps)
        assert script.minutes * 60 >= script.seconds > (script.minutes - 1) * 60
        for step in script.steps:
            assert secure_figure.MIN_STEP_SECONDS <= step.seconds <= secure_figure.MAX_STEP_SECONDS
            assert step.title and len(step.text) > 40
        assert script.seconds <= regulation.MAX_PRACTICE_SECONDS


def test_the_scripts_cover_building_meeting_and_a_younger_part() -> None:
    texts = " ".join(s.title.lower() + " " + s.summary.lower() for s in secure_figure.scripts())
    for theme in ("steady", "warm", "wise", "hard moment", "younger"):
        assert theme in texts, theme


def test_each_script_is_logged_as_the_secure_figure_practice() -> None:
    assert secure_figure.KIND == regulation.SECURE_FIGURE == "secure-figure"
    assert secure_figure.KIND in regulation.PRACTICE_KINDS
    assert secure_figure.KIND in regulation.INNER_KINDS
    regulation.check_practice(secure_figure.KIND, secure_figure.DEFAULT_MINUTES * 60)


def test_a_script_is_found_by_its_key_and_an_unknown_one_is_a_calm_404() -> None:
    first = secure_figure.scripts()[0]
    assert secure_figure.script(first.key) is first
    with pytest.raises(EarnedError) as error:
        secure_figure.script("nonexistent")
    assert error.value.status == 404


def _script(**changes: Any) -> list[dict[str, Any]]:
    step = {"title": "Arrive", "text": "Breathe.", "seconds": 30}
    raw = {"key": "ok", "title": "T", "summary": "S", "steps": [step]}
    step.update(changes.pop("step", {}))
    return [{**raw, **changes}]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_script(step={"seconds": secure_figure.MIN_STEP_SECONDS - 1}), "outside"),
        (_script(step={"seconds": secure_figure.MAX_STEP_SECONDS + 1}), "outside"),
        (_script(step={"seconds": 30.5}), "whole number"),
        (_script(step={"seconds": True}), "whole number"),
        (_script(step={"text": ""}), "title and a text"),
        (_script(steps=[]), "has steps"),
        (_script(key="Has Space"), "key"),
        (_script() + _script(), "share a key"),
    ],
)
def test_a_script_that_could_not_play_is_refused_at_load(raw: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        secure_figure.parse(raw)


def test_a_script_longer_than_a_practice_may_last_is_refused() -> None:
    many = [{"title": "Stay", "text": "Stay.", "seconds": 300}] * 49
    with pytest.raises(ValueError, match="longer than a practice"):
        secure_figure.parse([{"key": "long", "title": "T", "summary": "S", "steps": many}])
