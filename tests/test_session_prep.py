"""Session prep's rules (earned.session_prep): the note's limits, the picked list's shape,
the window candidates come from, picking by key, and import checks; time frozen at T0."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from typing import Any

import pytest

from earned import session_prep as prep
from earned.episodes import Activation
from earned.errors import EarnedError
from earned.patterns import Recurring
from earned.session_prep import Candidate, Picked
from tests.support import T0

MADRID = timezone(timedelta(hours=1))
A_ID = "a" * 32


def moment(**kw: Any) -> Activation:
    kw.setdefault("id", A_ID)
    kw.setdefault("onset_at", T0 - timedelta(days=2))
    kw.setdefault("intensity", 7)
    return Activation(**kw)


# --- texts ---------------------------------------------------------------------------------------


def test_texts_are_trimmed_with_one_kind_of_line_end_and_limited() -> None:
    assert prep.check_text("  a\r\r\nb\x00 ", "since last time") == "a\nb"
    assert prep.check_text(" \n ", "since last time") is None
    assert prep.check_text(None, "since last time") is None
    assert prep.check_text("x" * prep.MAX_TEXT, "what to bring") == "x" * prep.MAX_TEXT
    with pytest.raises(EarnedError, match="“what to bring” is 4,001 characters"):
        prep.check_text("x" * (prep.MAX_TEXT + 1), "what to bring")


def test_cleaning_twice_changes_nothing() -> None:
    once = prep.check_text("one\r\r\ntwo\r\x00\nthree", "since last time")
    assert once == "one\ntwo\nthree"
    assert prep.check_text(once, "since last time") == once


def test_a_note_needs_words_or_something_picked() -> None:
    with pytest.raises(EarnedError, match="The note is empty"):
        prep.check_note(since_last=" ", to_bring=None, picked=[])
    picked = [Picked("pattern", "b" * 32, "Fear of being left")]
    assert prep.check_note(since_last=None, to_bring="", picked=picked) == (
        None,
        None,
        tuple(picked),
    )
    assert prep.check_note(since_last="a calmer week", to_bring=None, picked=[])[0] == (
        "a calmer week"
    )


def test_a_session_time_needs_a_zone() -> None:
    assert prep.check_session_at(None) is None
    assert prep.check_session_at(T0) == T0
    with pytest.raises(EarnedError, match="time zone"):
        prep.check_session_at(T0.replace(tzinfo=None))


# --- the picked list -----------------------------------------------------------------------------


def test_a_picked_item_has_a_known_kind_an_id_and_words_on_one_line() -> None:
    assert prep.check_pick("activation", A_ID, " no reply\n at all ") == Picked(
        "activation", A_ID, "no reply at all"
    )
    with pytest.raises(EarnedError, match="kind earned does not know"):
        prep.check_pick("letter", A_ID, "words")
    for bad_id in ("", "x" * 33, "../etc", "a b"):
        with pytest.raises(EarnedError, match="id earned could not have made"):
            prep.check_pick("activation", bad_id, "words")
    with pytest.raises(EarnedError, match="no words"):
        prep.check_pick("activation", A_ID, " \t")
    with pytest.raises(EarnedError, match="601 characters"):
        prep.check_pick("activation", A_ID, "w" * (prep.MAX_PICKED_TEXT + 1))


def test_the_picked_list_refuses_a_repeat_and_more_than_its_limit() -> None:
    one = Picked("activation", A_ID, "words")
    with pytest.raises(EarnedError, match="picked twice"):
        prep.check_picked([one, one])
    many = [Picked("activation", f"{n:032x}", "words") for n in range(prep.MAX_PICKED + 1)]
    assert len(prep.check_picked(many[:-1])) == prep.MAX_PICKED
    with pytest.raises(EarnedError, match=f"at most {prep.MAX_PICKED}"):
        prep.check_picked(many)


def test_picking_copies_the_ticked_candidates_in_the_order_offered() -> None:
    offered = [
        Candidate("activation", "1" * 32, "first", T0),
        Candidate("activation", "2" * 32, "second", T0),
        Candidate("pattern", "3" * 32, "a pattern", T0),
    ]
    got = prep.pick(
        offered, ["pattern:" + "3" * 32, "activation:" + "1" * 32, "pattern:" + "3" * 32]
    )
    assert got == (
        Picked("activation", "1" * 32, "first"),
        Picked("pattern", "3" * 32, "a pattern"),
    )
    assert prep.pick(offered, []) == ()
    with pytest.raises(EarnedError, match="no longer on the list"):
        prep.pick(offered, ["activation:" + "9" * 32])


def test_an_edit_keeps_only_the_items_still_ticked() -> None:
    current = (Picked("activation", A_ID, "one"), Picked("pattern", "b" * 32, "two"))
    assert prep.kept(current, ["pattern:" + "b" * 32, "activation:zzz"]) == (current[1],)


# --- candidates ----------------------------------------------------------------------------------


def test_the_window_starts_at_the_last_note_or_fourteen_days_back() -> None:
    assert prep.window_start(None, T0) == T0 - timedelta(days=14)
    assert prep.window_start(T0 - timedelta(days=3), T0) == T0 - timedelta(days=3)
    assert prep.window_start(T0 - timedelta(days=300), T0) == T0 - prep.LONGEST_WINDOW
    # A note "written" after now (a clock set back since) does not hide everything.
    assert prep.window_start(T0 + timedelta(hours=1), T0) == T0 - timedelta(days=14)


def test_the_window_a_form_sends_back_must_be_one_a_page_could_show() -> None:
    default = T0 - timedelta(days=14)
    assert prep.check_window("", default=default, now=T0) == default
    sent = (T0 - timedelta(days=3)).isoformat()
    assert prep.check_window(sent, default=default, now=T0) == T0 - timedelta(days=3)
    for bad in (
        "yesterday",
        "2026-03-01T10:00",
        (T0 + timedelta(hours=1)).isoformat(),
        (T0 - timedelta(days=400)).isoformat(),
    ):
        with pytest.raises(EarnedError, match="malformed"):
            prep.check_window(bad, default=default, now=T0)


def test_a_moment_is_described_on_one_line_on_the_persons_clock() -> None:
    a = moment(
        onset_at=T0.replace(hour=23, minute=30),  # Monday 23:30 UTC is Tuesday in Madrid
        trigger="no reply\nall evening",
        emotions=["abandoned", "panicked"],
        urge="text again",
        action="went for a walk",
    )
    assert prep.describe_activation(a, MADRID) == (
        "Tue 03 Mar · no reply all evening · abandoned, panicked · intensity 7 · "
        "urge: text again · what I did: went for a walk"
    )
    assert prep.describe_activation(moment(), MADRID) == "Sat 28 Feb · intensity 7"


def test_candidates_are_capped_and_keyed_by_kind() -> None:
    found = [moment(id=f"{n:032x}") for n in range(prep.MOST_ACTIVATIONS + 5)]
    offered = prep.activation_candidates(found, MADRID)
    assert len(offered) == prep.MOST_ACTIVATIONS
    assert offered[0].key == "activation:" + "0" * 32
    assert offered[0].when == found[0].onset_at


def test_a_pattern_has_a_stable_short_key() -> None:
    r = Recurring("being left", "send another text", 5, 2, 1, T0)
    (offered,) = prep.pattern_candidates([r])
    assert offered.id == prep.pattern_id("being left", "send another text")
    assert len(offered.id) == prep.MAX_PICK_ID
    assert offered.id != prep.pattern_id("being left", "go quiet")
    assert offered.text == "Fear of being left, and the urge to send another text (5 times so far)"
    twice = Recurring("being left", "go quiet", 2, 2, 0, T0)
    assert "(twice so far)" in prep.describe_pattern(twice)
    many = [Recurring(f"fear {n}", "urge", 3, 1, 1, T0) for n in range(prep.MOST_PATTERNS + 2)]
    assert len(prep.pattern_candidates(many)) == prep.MOST_PATTERNS


# --- the home page -------------------------------------------------------------------------------


def test_the_week_starts_on_monday_on_the_persons_clock() -> None:
    sunday_night = T0.replace(day=1, hour=23, minute=30)  # Sun 1 Mar 23:30 UTC: Monday in Madrid
    assert prep.week_start(sunday_night, MADRID).isoformat() == "2026-03-02T00:00:00+01:00"
    assert prep.week_start(sunday_night, UTC).isoformat() == "2026-02-23T00:00:00+00:00"


# --- import --------------------------------------------------------------------------------------


def test_an_imported_picked_list_must_have_its_exact_shape() -> None:
    check = prep.IMPORTED["picked"]
    good = [{"kind": "pattern", "id": "b" * 32, "text": " Fear of being left "}]
    assert check(good) == [{"kind": "pattern", "id": "b" * 32, "text": "Fear of being left"}]
    assert check([]) == []
    for shape in (
        None,
        {"kind": "pattern"},
        "text",
        [["pattern", "b" * 32, "words"]],
        [{"kind": "pattern", "id": "b" * 32}],
        [{"kind": "pattern", "id": "b" * 32, "text": "w", "extra": 1}],
        [{"kind": "pattern", "id": 7, "text": "w"}],
    ):
        with pytest.raises(TypeError):
            check(shape)
    with pytest.raises(EarnedError, match="kind earned does not know"):
        check([{"kind": "letter", "id": "b" * 32, "text": "w"}])
    with pytest.raises(EarnedError, match="at most"):
        check([{"kind": "activation", "id": f"{n:032x}", "text": "w"} for n in range(21)])


def test_imported_texts_and_whole_notes_meet_the_same_limits() -> None:
    assert prep.IMPORTED["since_last"](None) is None
    assert prep.IMPORTED["to_bring"](" ask about pacing ") == "ask about pacing"
    with pytest.raises(TypeError):
        prep.IMPORTED["to_bring"](3)
    with pytest.raises(EarnedError, match="4,001"):
        prep.IMPORTED["since_last"]("x" * (prep.MAX_TEXT + 1))
    times = {"created_at": T0, "updated_at": T0, "session_at": None}
    empty = {"since_last": None, "to_bring": None, "picked": []}
    with pytest.raises(EarnedError, match="nothing in it"):
        prep.check_imported_note(times, empty)
    prep.check_imported_note(times, {**empty, "to_bring": "pacing"})
    backwards = {**times, "updated_at": T0 - timedelta(seconds=1)}
    with pytest.raises(EarnedError, match="changed before it was written"):
        prep.check_imported_note(backwards, {**empty, "to_bring": "pacing"})


def test_a_stored_list_is_read_leniently() -> None:
    assert prep.picked_of(None) == ()
    stored = [{"kind": "pattern", "id": "b", "text": "t"}, "junk", {"kind": 1}]
    assert prep.picked_of(stored) == (Picked("pattern", "b", "t"),)
    assert Picked("pattern", "b", "t").kind_name == "Recurring patterns"
