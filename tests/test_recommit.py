"""Step 10's detector and record rules, on synthetic weeks written with the rules (the
held-out set written without them is tests/test_recommit_heldout.py)."""

from __future__ import annotations

import random
from datetime import UTC, timedelta

import pytest

from earned import recommit
from earned.errors import EarnedError
from earned.recommit import Week, bucket, detect, long_run
from tests.support import T0


def weeks_of(intensities: list[float], *, per_week: int = 6, seed: int = 1) -> list[Week]:
    """Weeks whose intensities sit around each given level, with a person's own wobble."""
    rng = random.Random(seed)
    return [
        Week(intensity=[min(10, max(0, round(level + rng.gauss(0, 1)))) for _ in range(per_week)])
        for level in intensities
    ]


def test_a_steady_person_has_not_slipped() -> None:
    finding = detect(weeks_of([5.0] * 16))
    assert finding.enough and not finding.slipped


def test_a_planted_dip_over_the_last_four_weeks_is_found_with_its_start() -> None:
    finding = detect(weeks_of([5.0] * 12 + [8.0] * 4))
    assert finding.slipped
    (slip,) = finding.slips
    assert slip.measure == "intensity" and slip.worse_weeks >= 3
    assert slip.recent > slip.usual + 2
    assert finding.began_weeks_ago == 4


def test_one_hard_week_is_not_several() -> None:
    assert not detect(weeks_of([5.0] * 15 + [9.0])).slipped


def test_an_improving_person_is_not_told_they_slipped() -> None:
    levels = [7.0 - 0.2 * i for i in range(16)]
    assert not detect(weeks_of(levels)).slipped


def test_a_gap_is_never_a_setback() -> None:
    weeks = [*weeks_of([5.0] * 12), Week(), Week(), Week(), Week()]
    assert not detect(weeks).slipped


def test_too_few_usual_weeks_says_not_enough() -> None:
    assert not detect(weeks_of([5.0] * 5 + [9.0] * 4)).enough
    assert not detect(weeks_of([5.0] * 3)).enough


def test_slower_settling_and_shorter_holding_are_worse() -> None:
    rng = random.Random(3)
    usual = [
        Week(
            recovery_minutes=[rng.lognormvariate(3.4, 0.4) for _ in range(5)],
            held_minutes=[rng.lognormvariate(2.8, 0.4) for _ in range(3)],
        )
        for _ in range(12)
    ]
    harder = [
        Week(
            recovery_minutes=[rng.lognormvariate(4.6, 0.4) for _ in range(5)],
            held_minutes=[rng.lognormvariate(1.6, 0.4) for _ in range(3)],
        )
        for _ in range(4)
    ]
    finding = detect(usual + harder)
    assert {s.measure for s in finding.slips} == {"recovery", "held"}
    recovery = next(s for s in finding.slips if s.measure == "recovery")
    assert recovery.recent > 2 * recovery.usual  # reported in minutes, not logarithms
    assert "longer to settle" in recovery_sentence(recovery)


def recovery_sentence(slip: recommit.Slip) -> str:
    return recommit.describe(slip)


def test_a_very_regular_person_is_not_flagged_for_a_small_wobble() -> None:
    # Weekly medians that barely move: the floor keeps a half-point wobble from counting.
    weeks = [Week(intensity=[5, 5, 5]) for _ in range(12)] + [Week(intensity=[5, 6, 6])] * 4
    assert not detect(weeks).slipped


def test_bucket_puts_records_in_seven_day_windows_ending_now() -> None:
    now = T0.timestamp()  # the rules take POSIX seconds, as the store reads them
    day, minute = 86400, 60
    moments = [
        (now - day, 6, now - day + 30 * minute),
        (now - 8 * day, 4, None),
        (now - 400 * day, 9, None),  # too old: not read into any window
        (now - 21 * day, 5, None),  # the oldest window's first instant: counted
        (now, 7, None),  # `now` itself is after the last window
    ]
    timers = [(now - 2 * day, now - 2 * day + 12 * minute)]
    weeks = bucket(now, moments, timers, count=3)
    assert [w.intensity for w in weeks] == [[5], [4], [6]]
    assert weeks[-1].recovery_minutes == [30.0]
    assert weeks[-1].held_minutes == [12.0]


def test_the_long_run_reads_first_and_last_months() -> None:
    now = T0.timestamp()
    values = [(now - (7 * ago + 1) * 86400, 80.0 if ago > 40 else 30.0) for ago in range(60)]
    run = long_run(now, values, "recovery")
    assert len(run.weekly) == 60
    # Each week is shown by when it began, as naive UTC: the newest began 7 days ago.
    assert run.weekly[-1][0] == (T0 - timedelta(days=7)).astimezone(UTC).replace(tzinfo=None)
    assert run.first == 80.0 and run.last == 30.0
    sentence = run.sentence()
    assert sentence is not None and "about 80 min" in sentence and "about 30 min" in sentence
    assert long_run(now, values[:10], "recovery").sentence() is None  # too short to say


def test_record_rules() -> None:
    assert recommit.check_practice("breathe") == "breathe"
    with pytest.raises(EarnedError):
        recommit.check_practice("sprint")
    assert recommit.check_noticed("  ") is None
    with pytest.raises(EarnedError):
        recommit.check_noticed("x" * (recommit.MAX_NOTICED + 1))
    assert recommit.IMPORTED["practice"]("belief") == "belief"
    with pytest.raises(TypeError):
        recommit.IMPORTED["practice"](3)


def test_a_short_read_is_enough_for_a_regular_logger_but_not_after_weeks_away() -> None:
    regular = weeks_of([5.0] * recommit.SHORT_READ)
    assert not recommit.needs_more(regular)
    away = [*weeks_of([5.0] * 6), Week(), Week(), Week(), Week(), Week(), Week(),
            *weeks_of([8.0] * 4, seed=2)]  # fmt: skip
    assert len(away) == recommit.SHORT_READ and recommit.needs_more(away)
    # Someone who never uses urge timers has no held times to look further back for.
    assert not any(w.held_minutes for w in regular)
