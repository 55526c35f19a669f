"""Naming the pattern (earned.patterns): the share of activations named in the moment,
recent four weeks against the four before, with time frozen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned.episodes import Activation
from earned.patterns import named_counts, named_share

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


def _moment(days_ago: float, named: bool | None) -> Activation:
    return Activation(
        id=f"a{days_ago}-{named}",
        onset_at=NOW - timedelta(days=days_ago),
        intensity=5,
        named_in_moment=named,
    )


def test_no_activations_gives_no_share_rather_than_zero() -> None:
    assert named_share([], now=NOW) == (None, None)
    assert named_counts([], now=NOW) == ((0, 0), (0, 0))


def test_recent_and_earlier_windows_are_counted_apart() -> None:
    moments = [
        _moment(1, True),
        _moment(3, True),
        _moment(10, False),
        _moment(27.9, True),  # still inside the last 28 days
        _moment(28, False),  # the first instant of the window before
        _moment(40, True),
        _moment(55.9, False),
        _moment(56, True),  # older than both windows: ignored
        _moment(400, True),
    ]
    assert named_counts(moments, now=NOW) == ((3, 4), (1, 3))
    recent, before = named_share(moments, now=NOW)
    assert recent == pytest.approx(0.75)
    assert before == pytest.approx(1 / 3)


def test_unanswered_moments_are_left_out_not_counted_as_unnamed() -> None:
    moments = [_moment(2, True), _moment(4, None), _moment(5, None), _moment(30, None)]
    assert named_counts(moments, now=NOW) == ((1, 1), (0, 0))
    assert named_share(moments, now=NOW) == (1.0, None)


def test_all_named_afterwards_is_zero_percent_not_missing() -> None:
    assert named_share([_moment(1, False), _moment(2, False)], now=NOW) == (0.0, None)


def test_future_onsets_are_not_counted() -> None:
    assert named_counts([_moment(-1, True)], now=NOW) == ((0, 0), (0, 0))


def test_window_length_is_a_parameter() -> None:
    moments = [_moment(1, True), _moment(8, False), _moment(15, True)]
    assert named_counts(moments, now=NOW, window_days=7) == ((1, 1), (0, 1))
    assert named_share(moments, now=NOW, window_days=7) == (1.0, 0.0)
