"""Activations and their timing: recovery time, and the checks every way in goes through
(intensity, text, word lists, onset → peak → settled), with the messages people see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from earned import episodes
from earned.episodes import (
    BODY_KEYS,
    FUTURE_GRACE,
    MAX_LIST,
    MAX_SHORT_TEXT,
    Activation,
    Pattern,
    check_field,
    check_intensity,
    check_times,
)
from earned.errors import EarnedError
from earned.regulation import check_note

NOW = datetime(2026, 3, 2, 21, 15, tzinfo=UTC)
ONSET = NOW - timedelta(hours=2)
MIN = timedelta(minutes=1)


def activation(**kw: object) -> Activation:
    return Activation(id="a" * 32, onset_at=ONSET, intensity=7, **kw)  # type: ignore[arg-type]


# --- recovery time ---------------------------------------------------------------------------


def test_recovery_is_settled_minus_onset() -> None:
    a = activation(peak_at=ONSET + timedelta(minutes=5), settled_at=ONSET + timedelta(minutes=47))
    assert a.recovery == timedelta(minutes=47)
    assert not a.is_open


def test_recovery_ignores_the_peak() -> None:
    without = activation(settled_at=ONSET + timedelta(minutes=30))
    with_peak = activation(
        peak_at=ONSET + timedelta(minutes=29), settled_at=ONSET + timedelta(minutes=30)
    )
    assert without.recovery == with_peak.recovery == timedelta(minutes=30)


def test_settling_at_the_onset_is_zero_not_open() -> None:
    a = activation(settled_at=ONSET)
    assert a.recovery == timedelta(0)
    assert not a.is_open


def test_an_open_episode_has_no_recovery_time() -> None:
    a = activation(peak_at=ONSET + timedelta(minutes=3), peak_intensity=9)
    assert a.is_open
    assert a.recovery is None


def test_open_episodes_are_never_counted_as_recovered() -> None:
    log = [
        activation(settled_at=ONSET + timedelta(minutes=20)),
        activation(),  # left open: not zero, not "recovered", simply absent
        activation(settled_at=ONSET + timedelta(minutes=40)),
        activation(peak_at=ONSET),
    ]
    times = [a.recovery for a in log if a.recovery is not None]
    assert times == [timedelta(minutes=20), timedelta(minutes=40)]
    assert sum(a.is_open for a in log) == 2


def test_recovery_uses_the_instant_across_time_zones() -> None:
    # Logged on a laptop in UTC, settled on a phone set to New York time (UTC-5).
    settled = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=-5)))  # 15:00 UTC
    a = Activation(
        id="b" * 32,
        onset_at=datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
        intensity=5,
        settled_at=settled,
    )
    assert a.recovery == timedelta(hours=1)


def test_new_activations_have_their_own_lists() -> None:
    first, second = activation(), activation()
    first.emotions.append("hurt")
    assert second.emotions == []


# --- intensity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (10, 10), (7, 7), ("0", 0), ("10", 10), (" 4 ", 4), ("6\n", 6), ("+3", 3)],
)
def test_intensities_from_zero_to_ten_are_accepted(value: object, expected: int) -> None:
    assert check_intensity(value) == expected


@pytest.mark.parametrize(
    ("value", "number"), [(-1, -1), (11, 11), ("11", 11), ("-1", -1), (100, 100), ("-0010", -10)]
)
def test_intensities_outside_the_scale_say_so(value: object, number: int) -> None:
    with pytest.raises(EarnedError) as error:
        check_intensity(value)
    assert error.value.message == f"Intensity runs from 0 to 10; {number} is outside that."
    assert error.value.status == 400


@pytest.mark.parametrize(
    "value",
    [
        "7.5",
        7.5,
        "",
        "   ",
        None,
        "None",
        "seven",
        "7/10",
        "1_0",  # int() would read this as 10
        "٧",  # an Arabic-Indic seven: int() accepts it, a person did not type a 0-10 number
        "0x5",
        True,
        False,
        [7],
        "9" * 5000,
    ],
)
def test_intensities_that_are_not_whole_numbers_are_refused_clearly(value: object) -> None:
    with pytest.raises(EarnedError) as error:
        check_intensity(value)
    assert error.value.message == "Intensity is a whole number from 0 to 10."


# --- text ------------------------------------------------------------------------------------


def test_text_is_trimmed_and_empty_becomes_none() -> None:
    assert check_field("trigger", "  he didn't answer \n") == "he didn't answer"
    assert check_field("trigger", "") is None
    assert check_field("trigger", " \t\n") is None
    assert check_field("trigger", None) is None


def test_nul_characters_are_removed() -> None:
    assert check_field("urge", "text\x00 them") == "text them"
    assert check_field("urge", "\x00") is None


def test_inner_text_is_kept_exactly() -> None:
    text = "<b>'quiet'</b> — 日本語 👩‍👩‍👧\nsecond line"
    assert check_field("trigger", text) == text


def test_the_cap_is_five_hundred_characters_by_default() -> None:
    assert MAX_SHORT_TEXT == 500
    assert check_field("trigger", "x" * 500) == "x" * 500
    # The cap counts what is kept, after trimming.
    assert check_field("trigger", "  " + "x" * 500 + "  ") == "x" * 500
    with pytest.raises(EarnedError) as error:
        check_field("trigger", "x" * 501)
    assert error.value.message == (
        "The trigger is 501 characters; please keep it under 500. Nothing was saved."
    )


def test_a_custom_cap_with_thousands_separators() -> None:
    assert check_field("person", "y" * 120) == "y" * 120
    with pytest.raises(
        EarnedError, match="The note is 2,001 characters; please keep it under 2,000"
    ):
        check_note("n" * 2001)


# --- word lists ------------------------------------------------------------------------------


def test_lists_are_deduplicated_lower_case_and_trimmed_in_first_seen_order() -> None:
    got = check_field(
        "emotions", ["Hurt", " lonely", "hurt", "HURT ", "", "  ", "on edge", "Lonely"]
    )
    assert got == ["hurt", "lonely", "on edge"]


def test_nul_is_dropped_from_list_words() -> None:
    assert check_field("emotions", ["hu\x00rt", "\x00"]) == ["hurt"]


def test_list_limit_is_twenty_distinct_words() -> None:
    assert MAX_LIST == 20
    twenty = [f"word{n}" for n in range(20)]
    assert check_field("tags", [*twenty, "WORD0", "word19"]) == twenty  # repeats do not count
    with pytest.raises(EarnedError) as error:
        check_field("tags", [*twenty, "one more"])
    assert error.value.message == "Please choose at most 20 tags."


def test_a_word_over_sixty_characters_is_refused() -> None:
    assert check_field("tags", ["w" * 60]) == ["w" * 60]
    with pytest.raises(EarnedError, match="One of the tags is too long"):
        check_field("tags", ["w" * 61])


def test_body_regions_must_come_from_the_body_map() -> None:
    assert {"chest", "throat", "stomach", "jaw", "shoulders", "hands"} <= BODY_KEYS
    assert check_field("body", ["Chest", "throat", "chest"]) == ["chest", "throat"]
    with pytest.raises(EarnedError) as error:
        check_field("body", ["chest", "Elbow"])
    assert error.value.message == "'elbow' is not one of the body areas earned knows."


def test_every_body_region_has_a_label() -> None:
    assert len(BODY_KEYS) == len(episodes.BODY_REGIONS)
    assert all(label and label[0].isupper() for _key, label in episodes.BODY_REGIONS)
    assert check_field("body", sorted(BODY_KEYS)) == sorted(BODY_KEYS)


# --- onset, peak, settled --------------------------------------------------------------------


def test_the_grace_for_clock_skew_is_two_minutes() -> None:
    assert timedelta(minutes=2) == FUTURE_GRACE


@pytest.mark.parametrize("ahead", [timedelta(0), timedelta(minutes=1), FUTURE_GRACE])
def test_an_onset_within_the_grace_is_accepted(ahead: timedelta) -> None:
    check_times(onset=NOW + ahead, now=NOW)


@pytest.mark.parametrize(
    "ahead", [FUTURE_GRACE + timedelta(microseconds=1), timedelta(minutes=3), timedelta(days=1)]
)
def test_an_onset_beyond_the_grace_is_refused(ahead: timedelta) -> None:
    with pytest.raises(EarnedError) as error:
        check_times(onset=NOW + ahead, now=NOW)
    assert error.value.message == (
        "That time is in the future. Please pick when it actually began."
    )


def test_an_onset_long_ago_is_fine() -> None:
    check_times(onset=NOW - timedelta(days=400), now=NOW)


def test_peak_and_settled_in_order_are_accepted() -> None:
    check_times(onset=ONSET, now=NOW, peak=ONSET, settled=ONSET)
    check_times(onset=ONSET, now=NOW, peak=ONSET + timedelta(minutes=5))
    check_times(onset=ONSET, now=NOW, settled=ONSET + timedelta(minutes=5))
    check_times(
        onset=ONSET,
        now=NOW,
        peak=ONSET + timedelta(minutes=5),
        settled=NOW + FUTURE_GRACE,
    )


@pytest.mark.parametrize(
    ("peak", "settled", "message"),
    [
        (NOW + timedelta(minutes=3), None, "The peak is in the future; nothing was changed."),
        (None, NOW + timedelta(hours=1), "The settled time is in the future; nothing was changed."),
        (
            ONSET - timedelta(seconds=1),
            None,
            "The peak is before the episode began; nothing was changed.",
        ),
        (
            None,
            ONSET - timedelta(minutes=1),
            "The settled time is before the episode began; nothing was changed.",
        ),
        (
            ONSET + timedelta(minutes=30),
            ONSET + timedelta(minutes=29),
            "Settled cannot come before the peak; nothing was changed.",
        ),
    ],
)
def test_times_out_of_order_are_refused(
    peak: datetime | None, settled: datetime | None, message: str
) -> None:
    with pytest.raises(EarnedError) as error:
        check_times(onset=ONSET, now=NOW, peak=peak, settled=settled)
    assert error.value.message == message


def test_time_checks_compare_instants_not_wall_clocks() -> None:
    plus_two = timezone(timedelta(hours=2))
    check_times(onset=datetime(2026, 3, 2, 23, 16, tzinfo=plus_two), now=NOW)  # 21:16 UTC
    with pytest.raises(EarnedError, match="in the future"):
        check_times(onset=datetime(2026, 3, 2, 23, 18, tzinfo=plus_two), now=NOW)  # 21:18 UTC


# --- the pattern sentence --------------------------------------------------------------------


def test_pattern_sentence_reads_as_one_sentence() -> None:
    p = Pattern(
        feeling="abandoned",
        situation="the unanswered message",
        interpretation="a sign he is losing interest",
        fear="being left",
        urge="send another text",
    )
    assert p.sentence() == (
        "I feel abandoned because I'm reading the unanswered message as a sign he is losing "
        "interest, which touches my fear of being left, and I want to send another text."
    )


def test_pattern_is_a_value() -> None:
    a = Pattern("hurt", "x", "y", "being too much", "withdraw")
    b = Pattern("hurt", "x", "y", "being too much", "withdraw")
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.fear = "other"  # type: ignore[misc]


# --- rules for edited records: one owner for store, web, CLI ---------------------------------


def test_settled_now_twice_keeps_the_first_time_but_a_typed_time_corrects_it() -> None:
    open_one = activation()
    assert episodes.settle_time(open_one, at=None, now=NOW) == NOW
    settled = activation(settled_at=NOW - timedelta(minutes=30))
    assert episodes.settle_time(settled, at=None, now=NOW) == NOW - timedelta(minutes=30)
    typed = NOW - timedelta(minutes=10)
    assert episodes.settle_time(settled, at=typed, now=NOW) == typed
    with pytest.raises(EarnedError, match="before the episode began"):
        episodes.settle_time(open_one, at=ONSET - timedelta(minutes=1), now=NOW)


def test_a_later_peak_replaces_the_earlier_and_keeps_its_level_unless_given() -> None:
    a = activation(peak_at=ONSET + timedelta(minutes=5), peak_intensity=8)
    later = ONSET + timedelta(minutes=20)
    assert episodes.peak_values(a, at=later, now=NOW) == (later, 8)
    assert episodes.peak_values(a, at=None, now=NOW, intensity="9") == (NOW, 9)


def test_an_edit_checks_every_field_with_the_same_limits_as_a_capture() -> None:
    a = activation()
    changes = episodes.check_edit(
        a, now=NOW, trigger="  silence ", tags=["Sam", "sam"], person="Sam", intensity="4"
    )
    assert changes == {
        "onset_at": ONSET,
        "trigger": "silence",
        "tags": ["sam"],
        "person": "Sam",
        "intensity": 4,
    }
    with pytest.raises(EarnedError, match="121 characters"):
        episodes.check_edit(a, now=NOW, person="p" * (episodes.MAX_PERSON + 1))
    with pytest.raises(EarnedError, match="201 characters"):
        episodes.check_edit(
            a, now=NOW, pattern=Pattern("x" * (episodes.MAX_PATTERN_PART + 1), "", "", "", "")
        )
    with pytest.raises(TypeError):
        episodes.check_edit(a, now=NOW, colour="red")


def test_an_empty_pattern_is_stored_as_none() -> None:
    assert episodes.check_pattern({k: " " for k in episodes.PATTERN_PARTS}) is None
    assert episodes.pattern_of(None) is None
    parts = {k: k for k in episodes.PATTERN_PARTS}
    pattern = episodes.pattern_of(parts)
    assert pattern is not None and pattern.fear == "fear"


# --- episodes left open: "not marked", and only plausible recovery times ---------------------


def test_an_episode_open_past_the_window_is_not_marked() -> None:
    fresh = Activation(id="a" * 32, onset_at=NOW - timedelta(hours=23), intensity=5)
    stale = Activation(id="b" * 32, onset_at=NOW - episodes.OPEN_WINDOW - MIN, intensity=5)
    assert not fresh.unmarked(NOW) and stale.unmarked(NOW)
    settled = Activation(id="c" * 32, onset_at=NOW - timedelta(days=9), intensity=5)
    settled.settled_at = settled.onset_at + timedelta(hours=1)
    assert not settled.unmarked(NOW)
    assert episodes.open_since(NOW) == NOW - episodes.OPEN_WINDOW


def test_settling_a_months_old_episode_now_is_refused_not_counted() -> None:
    """The demo showed "5977 h 37 min": settling now, months later, is not a recovery time."""
    old = Activation(id="a" * 32, onset_at=NOW - timedelta(days=249), intensity=6)
    with pytest.raises(EarnedError, match="249 days ago") as error:
        episodes.settle_time(old, at=None, now=NOW)
    assert "nothing was changed" in error.value.message
    remembered = old.onset_at + timedelta(minutes=40)
    assert episodes.settle_time(old, at=remembered, now=NOW) == remembered
    with pytest.raises(EarnedError, match="up to a day"):
        episodes.settle_time(old, at=old.onset_at + timedelta(hours=30), now=NOW)
