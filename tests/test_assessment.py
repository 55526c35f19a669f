"""The starting point as pure domain logic: quadrant and reading, resuming, trajectory."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from earned import assessment, instruments
from earned.assessment import Assessment, overall_change, placements, quadrant, reading, trajectory
from earned.instruments import norms
from earned.instruments.scoring import Incomplete, Scores
from tests.support import T0

READINGS = Path(assessment.__file__).parent / "content" / "readings.toml"
# From the ECR codebook (not the instrument file): odd items avoidance, even anxiety.
REVERSED = {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}


def ecr_answers(anxiety_total: int, avoidance_total: int) -> dict[int, int]:
    """Raw ECR answers whose keyed subscale totals are exactly the ones given (18..90)."""
    answers: dict[int, int] = {}
    for total, numbers in ((anxiety_total, range(2, 37, 2)), (avoidance_total, range(1, 37, 2))):
        base, extra = divmod(total, 18)
        for index, n in enumerate(numbers):
            keyed = base + (1 if index < extra else 0)
            answers[n] = 6 - keyed if n in REVERSED else keyed
    return answers


def done(ident: str, anx: int, avo: int, completed: datetime) -> Assessment:
    return Assessment(
        id=ident,
        instrument_id="ecr",
        started_at=completed - timedelta(minutes=20),
        completed_at=completed,
        answers=ecr_answers(anx, avo),
    )


def test_the_helper_gives_the_means_it_promises() -> None:
    result = Assessment("x", "ecr", T0, answers=ecr_answers(63, 37)).result()
    assert isinstance(result, Scores)
    assert result["anxiety"] == pytest.approx(3.5)
    assert result["avoidance"] == pytest.approx(37 / 18)


# --- quadrant and reading -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "key"),
    [
        (4.2, 4.1, "fearful"),
        (4.2, 1.5, "anxious"),
        (1.5, 4.2, "avoidant"),
        (1.5, 1.5, "secure"),
        (3.0, 3.0, "secure"),  # on the midpoint is not above it
        (3.0 + 1 / 18, 3.0, "anxious"),  # one raw point above the line
        (3.0, 3.0 + 1 / 18, "avoidant"),
        (5.0, 5.0, "fearful"),
        (1.0, 1.0, "secure"),
    ],
)
def test_quadrant(anxiety: float, avoidance: float, key: str) -> None:
    assert quadrant(anxiety, avoidance) == key


def test_quadrant_midpoint_can_move() -> None:
    assert quadrant(3.5, 3.5) == "fearful"
    assert quadrant(3.5, 3.5, midpoint=4.0) == "secure"
    assert quadrant(4.5, 3.5, midpoint=4.0) == "anxious"


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "key"),
    [(4.0, 4.0, "fearful"), (4.0, 2.0, "anxious"), (2.0, 4.0, "avoidant"), (2.0, 2.0, "secure")],
)
def test_reading_uses_the_words_for_that_quadrant(
    anxiety: float, avoidance: float, key: str
) -> None:
    words = tomllib.loads(READINGS.read_text("utf-8"))
    got = reading(anxiety, avoidance)
    assert got.key == key
    assert got.title == words["quadrants"][key]["title"]
    assert got.text == words["quadrants"][key]["text"]
    # Every reading carries the dimensional caveat and the midpoint note.
    assert got.caveat == words["caveat"] and "dimensional" in got.caveat
    assert got.midpoint_note == words["midpoint_note"]


def test_the_four_readings_differ() -> None:
    texts = {reading(a, v).text for a, v in ((4, 4), (4, 2), (2, 4), (2, 2))}
    assert len(texts) == 4


# --- progress through the questionnaire ---------------------------------------------------


def partial(numbers: list[int]) -> Assessment:
    return Assessment("p", "ecr", T0, answers=dict.fromkeys(numbers, 3))


@pytest.mark.parametrize(
    ("answered", "page"),
    [
        ([], 1),
        (list(range(1, 6)), 1),  # item 6 still open
        ([1, 2, 3, 4, 5, 7, 8], 1),  # a gap on page 1 wins over later answers
        (list(range(1, 7)), 2),
        (list(range(1, 19)), 4),
        ([n for n in range(1, 37) if n != 20], 4),  # items 19-24 are page 4
        ([n for n in range(1, 37) if n != 36], 6),
        (list(range(1, 37)), 6),  # all answered: the last page
        (list(range(7, 37)), 1),
    ],
)
def test_resume_page_is_the_first_page_with_an_open_item(answered: list[int], page: int) -> None:
    assert partial(answered).resume_page() == page


def test_answered_and_result() -> None:
    a = partial(list(range(1, 31)))
    assert a.answered == 30
    result = a.result()
    assert isinstance(result, Incomplete)
    assert result.missing == tuple(range(31, 37))
    a.answers.update(dict.fromkeys(range(31, 37), 3))
    assert a.answered == 36
    assert isinstance(a.result(), Scores)


def test_placements_give_the_norm_percentile() -> None:
    ecr = instruments.load("ecr")
    table = norms.load("ecr")
    assert table is not None
    result = Assessment("x", "ecr", T0, answers=ecr_answers(72, 36)).result()
    assert isinstance(result, Scores)
    got = {p.subscale: p for p in placements(ecr, result)}
    assert got["anxiety"].value == pytest.approx(4.0)
    assert got["anxiety"].name == "Attachment anxiety"
    # Recount the mid-rank from the committed counts at raw total 72.
    anx = table.subscales["anxiety"]
    below = sum(c for t, c in anx.totals.items() if t < 72)
    expected = 100 * (below + anx.totals[72] / 2) / anx.n
    assert got["anxiety"].percentile == pytest.approx(expected)
    assert got["avoidance"].value == pytest.approx(2.0)
    assert got["avoidance"].percentile is not None and got["avoidance"].percentile < 50


# --- trajectory ---------------------------------------------------------------------------
# ECR anxiety: S_diff = sqrt(2) * 0.8034 * sqrt(1 - .916) = 0.329296 (threshold 0.6454);
# avoidance:   S_diff = sqrt(2) * 0.8396 * sqrt(1 - .938) = 0.295654 (threshold 0.5795).
ANX_SDIFF, AVO_SDIFF = 0.329296, 0.295654


def three_results() -> list[Assessment]:
    return [
        # Listed out of order on purpose; completion time decides the order.
        done("third", anx=45, avo=54, completed=T0 + timedelta(days=70)),  # 2.5, 3.0
        done("first", anx=72, avo=36, completed=T0),  # 4.0, 2.0
        done("second", anx=63, avo=36, completed=T0 + timedelta(days=35)),  # 3.5, 2.0
        Assessment("unfinished", "ecr", T0 + timedelta(days=80), answers={1: 3}),
    ]


def test_trajectory_orders_by_completion_and_skips_unfinished() -> None:
    steps = trajectory(three_results())
    assert [s.assessment.id for s in steps] == ["first", "second", "third"]
    assert [s.scores["anxiety"] for s in steps] == pytest.approx([4.0, 3.5, 2.5])


def test_completion_time_not_start_time_orders_the_steps() -> None:
    early_start = done("b", 72, 36, completed=T0 + timedelta(days=9))
    early_start.started_at = T0 - timedelta(days=30)
    late_start = done("a", 45, 36, completed=T0 + timedelta(days=1))
    assert [s.assessment.id for s in trajectory([early_start, late_start])] == ["a", "b"]


def test_trajectory_reliable_change_between_neighbours() -> None:
    first, second, third = trajectory(three_results())
    assert first.changes == {}  # nothing to compare with
    # First → second: anxiety 4.0 → 3.5, RCI = -0.5 / 0.329296 = -1.518: within error.
    assert second.changes["anxiety"].rci == pytest.approx(-0.5 / ANX_SDIFF, abs=1e-4)
    assert second.changes["anxiety"].verdict == "no reliable change"
    assert second.changes["avoidance"].rci == 0.0
    assert second.changes["avoidance"].verdict == "no reliable change"
    # Second → third: anxiety 3.5 → 2.5, RCI = -1.0 / 0.329296 = -3.037: improvement;
    # avoidance 2.0 → 3.0, RCI = 1.0 / 0.295654 = +3.382: worsening (lower is better).
    assert third.changes["anxiety"].rci == pytest.approx(-3.0368, abs=1e-3)
    assert third.changes["anxiety"].verdict == "reliable improvement"
    assert third.changes["avoidance"].rci == pytest.approx(3.3823, abs=1e-3)
    assert third.changes["avoidance"].verdict == "reliable worsening"
    assert third.changes["anxiety"].before == pytest.approx(3.5)
    assert third.changes["anxiety"].after == pytest.approx(2.5)


def test_overall_change_from_first_to_latest() -> None:
    steps = trajectory(three_results())
    anx = overall_change(steps, "anxiety")
    assert anx is not None
    # 4.0 → 2.5: RCI = -1.5 / 0.329296 = -4.555
    assert anx.rci == pytest.approx(-4.5552, abs=1e-3)
    assert anx.verdict == "reliable improvement"
    avo = overall_change(steps, "avoidance")
    assert avo is not None and avo.verdict == "reliable worsening"


def test_overall_change_needs_two_results() -> None:
    steps = trajectory([done("only", 60, 40, T0)])
    assert len(steps) == 1
    assert overall_change(steps, "anxiety") is None
    assert overall_change([], "anxiety") is None
    assert trajectory([]) == []


def test_a_completed_but_incomplete_record_is_left_out() -> None:
    broken = Assessment("broken", "ecr", T0, completed_at=T0 + timedelta(days=20), answers={1: 3})
    steps = trajectory([done("a", 72, 36, T0), broken, done("b", 45, 36, T0 + timedelta(days=30))])
    assert [s.assessment.id for s in steps] == ["a", "b"]
    # b is compared with a, not with the unusable record in between.
    assert steps[1].changes["anxiety"].verdict == "reliable improvement"


def test_mixed_instruments_compare_like_with_like(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second questionnaire in the list must not be compared with the ECR results."""
    toy = instruments.parse(
        {
            "id": "toy",
            "format_version": 1,
            "name": "Toy",
            "short_name": "Toy",
            "instructions": "x",
            "citation": "x",
            "terms": "x",
            "scale": {"min": 0, "max": 3, "labels": ["0", "1", "2", "3"]},
            "subscales": [
                {
                    "id": "total",
                    "name": "Total",
                    "method": "sum",
                    "lower_is_better": True,
                    "reliability": 0.5,
                }
            ],
            "items": [{"number": 1, "text": "item 1", "subscale": "total"}],
        }
    )
    toy_norms = norms.Norms(
        "toy", "test", {}, {"total": norms.SubscaleNorm(10, 1.5, 1.0, 0.5, 1, {0: 5, 3: 5})}
    )
    real_load, real_norms = instruments.load, norms.load
    monkeypatch.setattr(instruments, "load", lambda i: toy if i == "toy" else real_load(i))
    monkeypatch.setattr(norms, "load", lambda i: toy_norms if i == "toy" else real_norms(i))

    def toy_done(ident: str, value: int, day: int) -> Assessment:
        when = T0 + timedelta(days=day)
        return Assessment(ident, "toy", when, completed_at=when, answers={1: value})

    steps = trajectory(
        [
            done("ecr-1", 72, 36, T0),
            toy_done("toy-1", 3, 1),
            done("ecr-2", 45, 36, T0 + timedelta(days=20)),
            toy_done("toy-2", 0, 30),
        ]
    )
    by_id = {s.assessment.id: s for s in steps}
    assert by_id["toy-1"].changes == {}
    assert by_id["ecr-2"].changes["anxiety"].before == pytest.approx(4.0)
    # toy: S_diff = sqrt(2) * 1 * sqrt(.5) = 1; 3 → 0 is RCI -3.
    assert by_id["toy-2"].changes["total"].rci == pytest.approx(-3.0)
    toy_overall = overall_change(steps, "total")
    assert toy_overall is not None
    assert (toy_overall.before, toy_overall.after) == (3.0, 0.0)
    ecr_overall = overall_change(steps, "anxiety")  # the latest step is toy's: still fine
    assert ecr_overall is not None
    assert (ecr_overall.before, ecr_overall.after) == pytest.approx((4.0, 2.5))


# --- re-takes too soon to compare ---------------------------------------------------------------


def test_a_re_take_within_two_weeks_is_too_soon_to_compare() -> None:
    """A re-take minutes after the first was labelled "reliable improvement": answers given
    so close together mostly repeat each other, so no verdict is given until two weeks."""
    first = done("a", 72, 36, T0)
    minutes_later = done("b", 45, 36, T0 + timedelta(minutes=30))
    weeks_later = done("c", 45, 36, T0 + timedelta(days=assessment.RETEST_DAYS, minutes=40))
    steps = trajectory([first, minutes_later, weeks_later])
    assert [(s.too_soon, bool(s.changes)) for s in steps] == [
        (False, False),
        (True, False),
        (False, True),
    ]
    assert steps[1].days_since == pytest.approx(30 / 1440)
    assert overall_change(steps[:2], "anxiety") is None
    overall = overall_change(steps, "anxiety")
    assert overall is not None and overall.verdict == "reliable improvement"


@pytest.mark.parametrize(
    ("percentile", "words"),
    [
        (0.0, "lower than almost everyone in the reference sample"),
        (0.4, "lower than almost everyone in the reference sample"),
        (1.0, "higher than about 1% of the reference sample"),
        (57.4, "higher than about 57% of the reference sample"),
        (99.0, "higher than about 99% of the reference sample"),
        (99.6, "higher than almost everyone in the reference sample"),
        (None, "no reference figures"),
    ],
)
def test_percentiles_read_honestly_at_the_ends(percentile: float | None, words: str) -> None:
    assert assessment.compared_words(percentile) == words
