"""The trend of a sign of change, on synthetic weeks with a known trend or a known dip."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from earned import recommit, trends
from earned.trends import SIGN, harder_stretches, sentence, trend
from tests.support import T0

MONDAY = T0.date() - timedelta(days=T0.weekday())


def weeks(values: list[float | None]) -> list[tuple[date, float | None]]:
    """The values on consecutive Mondays ending this week."""
    first = MONDAY - timedelta(weeks=len(values) - 1)
    return [(first + timedelta(weeks=i), v) for i, v in enumerate(values)]


def noisy(start: float, step: float, count: int, *, wobble: float, seed: int = 3) -> list[float]:
    rng = random.Random(seed)
    return [max(0.0, start + step * i + rng.gauss(0, wobble)) for i in range(count)]


def test_a_planted_improvement_in_settling_is_found_falling_with_a_small_p() -> None:
    series = weeks(list(noisy(60, -2.0, 20, wobble=4)))
    found = trend(series)
    assert found.enough and found.clear
    assert found.slope is not None and -2.6 < found.slope < -1.4
    assert found.low is not None and found.high is not None and found.low <= found.slope
    assert found.high < 0  # the whole interval leans one way
    assert found.p is not None and found.p < 0.01
    assert trends.improving(SIGN["recovery"], found) is True
    said = sentence(SIGN["recovery"], found)
    assert "settle faster" in said and "minutes less each week" in said
    assert "Over the last 20 weeks" in said


def test_a_planted_worsening_is_found_and_worded_as_step_10() -> None:
    # The share named in the moment falls from 80% to about 30% over 16 weeks.
    series = weeks([min(1.0, v) for v in noisy(0.8, -0.03, 16, wobble=0.04)])
    found = trend(series)
    assert found.clear and found.slope is not None and found.slope < 0
    assert trends.improving(SIGN["named"], found) is False
    said = sentence(SIGN["named"], found)
    assert "fewer moments have been named" in said and "percentage points less" in said
    for word in ("worse", "fail", "bad"):
        assert word not in said.lower()


def test_the_same_slope_means_opposite_things_for_opposite_signs() -> None:
    found = trend(weeks(noisy(10, 1.5, 12, wobble=1)))
    assert trends.improving(SIGN["held"], found) is True  # rising is good
    assert trends.improving(SIGN["recovery"], found) is False  # falling is good


def test_three_weeks_are_not_enough_to_say_anything() -> None:
    found = trend(weeks([30.0, 20.0, 10.0]))
    assert not found.enough and found.slope is None and found.p is None
    assert found.weeks == 3
    said = sentence(SIGN["recovery"], found)
    assert said.startswith("Not enough data yet") and "3 week" in said
    assert trends.improving(SIGN["recovery"], found) is None


def test_weeks_without_records_are_not_counted_as_weeks_with_data() -> None:
    found = trend(weeks([30.0, None, None, 20.0, None, 10.0, None, 5.0, 4.0, 3.0, None]))
    assert found.weeks == 6 and found.span == 11 and found.enough
    assert trend(weeks([None, 30.0, 20.0, None, 10.0, 5.0, None])).weeks == 4


def test_flat_noise_has_no_clear_trend() -> None:
    for seed in range(5):
        found = trend(weeks(noisy(40, 0.0, 26, wobble=8, seed=seed)))
        assert found.enough and not found.clear, seed
        assert sentence(SIGN["recovery"], found) == "No clear trend yet: the weeks go up and down."


def test_a_perfectly_steady_series_has_no_trend() -> None:
    found = trend(weeks([0.5] * 10))
    assert found.enough and not found.clear and found.slope == 0


def test_a_planted_dip_is_marked_as_a_harder_stretch() -> None:
    values: list[float | None] = [*noisy(20, 0, 14, wobble=2), 70.0, 80.0, 75.0, 72.0]
    values += noisy(20, 0, 6, wobble=2, seed=9)
    series = weeks(values)
    spans = harder_stretches(SIGN["recovery"], series)
    assert len(spans) == 1
    first, last = spans[0]
    assert first == series[14][0] and last == series[17][0]


def test_a_steady_series_has_no_harder_stretch() -> None:
    assert harder_stretches(SIGN["held"], weeks(noisy(20, 0, 26, wobble=2))) == []


def test_a_dip_in_a_rising_is_good_share_is_a_fall() -> None:
    values: list[float | None] = [0.6] * 12 + [0.1, 0.15, 0.1, 0.2] + [0.6] * 4
    spans = harder_stretches(SIGN["people"], weeks(values))
    assert len(spans) == 1
    # A rise in the same share is not a harder stretch.
    up: list[float | None] = [0.3] * 12 + [0.9, 0.95, 0.9, 0.9]
    assert harder_stretches(SIGN["people"], weeks(up)) == []


def test_the_stretches_use_the_step_10_rule_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the detector's threshold raised past the dip, no stretch is found: the chart
    has no second rule of its own."""
    values: list[float | None] = [0.6] * 12 + [0.3, 0.3, 0.3, 0.3]
    assert harder_stretches(SIGN["named"], weeks(values))
    monkeypatch.setattr(recommit, "WORSE_BY", 10.0)
    assert harder_stretches(SIGN["named"], weeks(values)) == []


@pytest.mark.parametrize(
    ("key", "slope", "said"),
    [
        ("recovery", -4.2, "4.2 minutes"),
        ("recovery", -120, "2 hours"),
        ("held", 1.0, "1 minute"),
        ("named", 0.031, "3.1 percentage points"),
        ("people", -0.15, "15 percentage points"),
    ],
)
def test_amounts_are_said_in_the_signs_units(key: str, slope: float, said: str) -> None:
    assert trends.amount(SIGN[key], slope) == said


def test_p_values_are_said_plainly() -> None:
    assert trends.p_words(0.0004) == "< 0.001"
    assert trends.p_words(0.0042) == "= 0.004"
    assert trends.p_words(0.047) == "= 0.047"
    assert trends.p_words(0.31) == "= 0.31"


# --- a record's week: the Monday of its local date, found by bisecting week edges ----------

# Zones whose clocks change at local midnight (Santiago, Havana, Beirut) as well as the
# usual ones: a week edge that does not exist, or happens twice, must still fall between
# the right records.
ZONES = ["UTC", "Europe/Berlin", "America/Santiago", "America/Havana", "Asia/Beirut",
         "Pacific/Auckland", "Asia/Kolkata", "America/St_Johns"]  # fmt: skip


@given(
    zone=st.sampled_from(ZONES),
    moment=st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2027, 12, 31)),
)
@example(zone="America/Santiago", moment=datetime(2022, 9, 11, 4, 0))  # 00:00 skipped
@example(zone="America/Santiago", moment=datetime(2022, 4, 3, 2, 59, 59, 999999))
@example(zone="Europe/Berlin", moment=datetime(2025, 11, 23, 23, 0))  # Monday 00:00 local
def test_a_records_week_is_the_monday_of_its_local_date(zone: str, moment: datetime) -> None:
    where = ZoneInfo(zone)
    utc = moment.replace(tzinfo=UTC)
    local = utc.astimezone(where).date()
    mondays = trends.mondays(local + timedelta(days=14), 5)  # its week lies inside
    expected = mondays.index(local - timedelta(days=local.weekday()))
    edges = trends.week_edges(mondays, where)
    assert trends.week_of(edges, (moment - datetime(1970, 1, 1)).total_seconds()) == expected


def test_a_record_outside_the_weeks_has_no_week() -> None:
    mondays = trends.mondays(MONDAY, 3)
    edges = trends.week_edges(mondays, None)
    assert trends.week_of(edges, edges[0] - 1e-6) is None
    assert trends.week_of(edges, edges[-1]) is None
    assert trends.week_of(edges, edges[-1] - 1e-6) == 2
    assert trends.week_of(edges, edges[0]) == 0
