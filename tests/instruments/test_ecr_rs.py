"""The ECR-RS data file (earned/instruments/ecr_rs.toml): nine items on a 7-point scale,
keyed as published (avoidance = mean of items 1-6 with 1-4 reverse-keyed; anxiety = mean
of items 7-9), scored against an example worked by hand from that key."""

from __future__ import annotations

import pytest

from earned import instruments
from earned.instruments.scoring import Incomplete, Scores, score

RS = instruments.load("ecr_rs")


def test_the_published_structure() -> None:
    assert (RS.scale.min, RS.scale.max, len(RS.items)) == (1, 7, 9)
    assert RS.scale.labels[0] == "strongly disagree" and RS.scale.labels[-1] == "strongly agree"
    assert [i.number for i in RS.items_of("avoidance")] == [1, 2, 3, 4, 5, 6]
    assert [i.number for i in RS.items_of("anxiety")] == [7, 8, 9]
    assert [i.number for i in RS.items if i.reverse] == [1, 2, 3, 4]
    assert all("this person" in i.text for i in RS.items)
    assert RS.purpose == "relationship"  # not a check-in, not the starting point
    assert "Fraley" in RS.citation and "Psychological Assessment" in RS.citation
    assert RS.terms and RS.administration_source


def test_scores_match_an_example_worked_by_hand() -> None:
    # Answers 1-9: 6, 5, 7, 2, 3, 2, 4, 1, 6.
    # Avoidance: items 1-4 reversed on 1..7 (8 - x): 2, 3, 1, 6; items 5-6 as given: 3, 2.
    #   (2 + 3 + 1 + 6 + 3 + 2) / 6 = 17 / 6 = 2.8333...
    # Anxiety: (4 + 1 + 6) / 3 = 11 / 3 = 3.6666...
    answers = dict(enumerate([6, 5, 7, 2, 3, 2, 4, 1, 6], start=1))
    result = score(RS, answers)
    assert isinstance(result, Scores)
    assert result["avoidance"] == pytest.approx(17 / 6)
    assert result["anxiety"] == pytest.approx(11 / 3)


def test_the_ends_of_the_scale() -> None:
    # Agreeing fully with every item: the reversed four count 1, the rest 7.
    result = score(RS, dict.fromkeys(range(1, 10), 7))
    assert isinstance(result, Scores)
    assert result["avoidance"] == pytest.approx((4 * 1 + 2 * 7) / 6)
    assert result["anxiety"] == 7


def test_an_unanswered_item_leaves_it_incomplete() -> None:
    assert isinstance(score(RS, dict.fromkeys(range(1, 9), 4)), Incomplete)


def test_no_reliable_change_is_claimed_without_cited_figures() -> None:
    assert all(s.reliability is None and s.rci_sd is None for s in RS.subscales)
