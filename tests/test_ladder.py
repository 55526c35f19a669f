"""The exposure ladder's rules (earned/ladder.py), with time frozen at T0: the suggested
rungs, the order by difficulty, evidence, when the next rung is suggested, the gap
between guess and result, which urge timer counts on which rung, and every limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from earned import content, ladder
from earned.errors import EarnedError
from earned.ladder import Attempt, Rung
from earned.urges import UrgeDelay
from tests.support import T0


def rung(rid: str, difficulty: int, *, urge: str | None = None, age: int = 0, **kw: Any) -> Rung:
    return Rung(
        rid,
        kw.get("title", f"step {rid}"),
        kw.get("pattern", "own"),
        None,
        difficulty,
        urge,
        T0 + timedelta(minutes=age),
        kw.get("archived", False),
    )


def attempt(
    rung_id: str, *, day: int, predicted: int, actual: int | None, well: bool | None
) -> Attempt:
    planned = T0 + timedelta(days=day)
    done = None if actual is None else planned + timedelta(hours=1)
    return Attempt(f"a{day}{rung_id}", rung_id, planned, predicted, None, done, actual, None, well)


def timer(urge: str, outcome: str | None = "waited") -> UrgeDelay:
    ended = None if outcome is None else T0 + timedelta(minutes=12)
    return UrgeDelay("t1", urge, T0, ended, outcome)


# --- suggested rungs ---------------------------------------------------------------------------


def test_the_suggestions_cover_both_patterns_and_pass_the_rules_for_a_new_rung() -> None:
    found = ladder.templates()
    assert {t.pattern for t in found.values()} == {"avoidant", "anxious"}
    assert len(found) >= 6
    for key in found:
        fields = ladder.from_template(key)
        assert fields.template == key
        assert fields.pattern == found[key].pattern
        assert ladder.DIFFICULTY_MIN <= fields.difficulty <= ladder.DIFFICULTY_MAX
    # The anxious ones that wait out an urge use the urge timer's own suggested words.
    from earned.urges import SUGGESTED_URGES

    urged = [t.urge for t in found.values() if t.urge]
    assert urged and all(u in SUGGESTED_URGES for u in urged)


def test_an_unknown_suggestion_is_a_calm_not_found() -> None:
    with pytest.raises(EarnedError) as caught:
        ladder.from_template("leap-off-a-cliff")
    assert caught.value.status == 404


def test_words_come_from_the_content_file() -> None:
    assert ladder.words() is content.load("ladder")
    assert "{n}" in ladder.words()["evidence_many"]


# --- limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "  ", "difficulty": 10}, "What is the step"),
        ({"title": "x" * (ladder.MAX_TITLE + 1), "difficulty": 10}, f"under {ladder.MAX_TITLE}"),
        ({"title": "ok", "difficulty": 101}, "from 0"),
        ({"title": "ok", "difficulty": -1}, "from 0"),
        ({"title": "ok", "difficulty": "5.5"}, "from 0"),
        ({"title": "ok", "difficulty": "²"}, "from 0"),
        ({"title": "ok", "difficulty": True}, "from 0"),
        ({"title": "ok", "difficulty": 5, "pattern": "secure"}, "what kind"),
        ({"title": "ok", "difficulty": 5, "urge": "u" * (ladder.MAX_URGE + 1)}, "urge"),
        ({"title": "ok", "difficulty": 5, "template": "a\nb"}, "not one earned knows"),
    ],
)
def test_a_rung_is_refused_with_a_clear_message(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(EarnedError, match=message):
        ladder.check_rung(**kwargs)


def test_a_rung_is_cleaned_like_a_name() -> None:
    fields = ladder.check_rung(title="  ask\nfor a  lift\u202e ", difficulty=" 40 ", urge="  ")
    assert (fields.title, fields.difficulty, fields.urge, fields.pattern) == (
        "ask for a lift",
        40,
        None,
        "own",
    )
    assert ladder.check_rung(title="x" * ladder.MAX_TITLE, difficulty=100).difficulty == 100


@pytest.mark.parametrize("value", [-1, 101, "", "abc", "1e2", None, 50.0])
def test_distress_is_a_whole_number_from_0_to_100(value: object) -> None:
    with pytest.raises(EarnedError, match="A number from 0"):
        ladder.check_distress(value, "predicted")


def test_the_two_halves_of_an_attempt() -> None:
    before = ladder.check_before("60", " that they laugh ", "  Sam ")
    assert before == ladder.Before(60, "that they laugh", "Sam")
    after = ladder.check_after(30, "they listened", "yes")
    assert after == ladder.After(30, "they listened", True)
    assert ladder.check_after("0", None, "no").went_well is False
    with pytest.raises(EarnedError, match="yes or no"):
        ladder.check_after(30, None, "maybe")
    with pytest.raises(EarnedError, match=f"under {ladder.MAX_FEARED:,}"):
        ladder.check_before(10, "f" * (ladder.MAX_FEARED + 1))
    with pytest.raises(EarnedError, match=f"under {ladder.MAX_HAPPENED:,}"):
        ladder.check_after(10, "h" * (ladder.MAX_HAPPENED + 1), True)
    with pytest.raises(EarnedError, match="name"):
        ladder.check_before(10, None, "n" * (ladder.MAX_PERSON_NAME + 1))


def test_a_result_never_comes_before_its_guess() -> None:
    assert ladder.done_time(T0, T0 - timedelta(minutes=5)) == T0
    assert ladder.done_time(T0, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=5)


# --- order, evidence, the next rung --------------------------------------------------------------


def test_rungs_are_ordered_by_predicted_difficulty_then_by_when_added() -> None:
    rungs = [rung("c", 70), rung("a", 20, age=5), rung("b", 20, age=1), rung("d", 0)]
    assert [r.id for r in ladder.ordered(rungs)] == ["d", "b", "a", "c"]


def test_evidence_counts_only_the_attempts_that_went_reasonably_well() -> None:
    tries = [
        attempt("a", day=1, predicted=60, actual=30, well=True),
        attempt("a", day=2, predicted=60, actual=70, well=False),
        attempt("a", day=3, predicted=50, actual=None, well=None),
        attempt("b", day=4, predicted=40, actual=20, well=True),
        attempt("a", day=5, predicted=50, actual=20, well=True),
    ]
    assert ladder.evidence(tries) == {"a": 2, "b": 1}


def test_with_nothing_tried_the_easiest_rung_is_where_to_begin() -> None:
    rungs = [rung("hard", 80), rung("easy", 10), rung("mid", 40)]
    climb = ladder.climb(rungs, {}, None)
    assert climb.current is None and climb.next is not None and climb.next.id == "easy"
    assert not climb.ready
    assert ladder.climb([], {}, None).next is None


def test_the_next_rung_is_suggested_once_the_current_went_well_enough_times() -> None:
    rungs = [rung("easy", 10), rung("mid", 40), rung("hard", 80)]
    need = ladder.EVIDENCE_TO_CLIMB
    assert need == 3
    short = ladder.climb(rungs, {"easy": need - 1}, "easy")
    assert short.current is not None and short.current.id == "easy"
    assert (short.have, short.next, short.ready) == (need - 1, None, False)
    ready = ladder.climb(rungs, {"easy": need}, "easy")
    assert ready.ready and ready.next is not None and ready.next.id == "mid"
    assert not ready.top


def test_the_suggestion_skips_archived_rungs_and_rungs_with_enough_evidence() -> None:
    rungs = [
        rung("easy", 10),
        rung("put-away", 20, archived=True),
        rung("done-before", 30),
        rung("next", 50),
    ]
    need = ladder.EVIDENCE_TO_CLIMB
    climb = ladder.climb(rungs, {"easy": need, "done-before": need + 2}, "easy")
    assert climb.next is not None and climb.next.id == "next"


def test_at_the_top_nothing_harder_is_suggested() -> None:
    rungs = [rung("easy", 10), rung("hard", 80)]
    climb = ladder.climb(rungs, {"hard": ladder.EVIDENCE_TO_CLIMB}, "hard")
    assert climb.ready and climb.top and climb.next is None


def test_a_rung_put_away_after_trying_it_starts_the_suggestion_over() -> None:
    rungs = [rung("gone", 10, archived=True), rung("mid", 40)]
    climb = ladder.climb(rungs, {"gone": 5}, "gone")
    assert climb.current is None and climb.next is not None and climb.next.id == "mid"


# --- the gap between guess and result ------------------------------------------------------------


def test_the_gap_series_is_oldest_first_and_leaves_out_attempts_without_a_result() -> None:
    tries = [
        attempt("a", day=3, predicted=60, actual=50, well=True),
        attempt("a", day=1, predicted=80, actual=30, well=True),
        attempt("a", day=2, predicted=70, actual=None, well=None),
        attempt("a", day=4, predicted=20, actual=45, well=False),
    ]
    series = ladder.gap_series(tries)
    assert [(p.predicted, p.actual, p.gap) for p in series] == [
        (80, 30, 50),
        (60, 50, 10),
        (20, 45, -25),
    ]
    assert [p.when for p in series] == sorted(p.when for p in series)
    assert tries[0].gap == 10 and tries[2].gap is None


def test_the_summary_compares_the_first_and_the_latest_attempts() -> None:
    gaps = [50, 40, 45, 35, 30, 20, 15, 5, 10, 0, 5]
    tries = [
        attempt("a", day=i, predicted=60, actual=60 - g, well=True) for i, g in enumerate(gaps)
    ]
    points = ladder.gap_series(tries)
    summary = ladder.gap_summary(points)
    assert summary is not None
    assert (summary.first, summary.latest, summary.count) == (40.0, 5.0, len(gaps))
    assert summary.closing
    assert ladder.gap_summary(points[: 2 * ladder.GAP_WINDOW - 1]) is None


def test_the_gap_is_its_size_either_way_so_a_guess_too_low_counts_too() -> None:
    low = [attempt("a", day=i, predicted=10, actual=40, well=False) for i in range(5)]
    close = [attempt("a", day=10 + i, predicted=30, actual=35, well=True) for i in range(5)]
    summary = ladder.gap_summary(ladder.gap_series(low + close))
    assert summary is not None and (summary.first, summary.latest) == (30.0, 5.0)


def test_monthly_gaps_skip_empty_months() -> None:
    tries = [
        attempt("a", day=0, predicted=60, actual=20, well=True),
        attempt("a", day=1, predicted=60, actual=40, well=True),
        attempt("a", day=70, predicted=50, actual=45, well=True),
    ]
    months = ladder.monthly_gaps(ladder.gap_series(tries))
    assert [(m.isoformat(), g, n) for m, g, n in months] == [
        ("2026-03-01", 30.0, 2),
        ("2026-05-01", 5.0, 1),
    ]


# --- urge timers as attempts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rung_urge", "timer_urge", "matches"),
    [
        ("send a reassurance text", "send a reassurance text", True),
        ("send a reassurance text", "  Send a Reassurance TEXT! ", True),
        ("send a reassurance text", "to send a reassurance text", True),
        ("send a reassurance text", "the urge to send a reassurance text", True),
        ("send a reassurance text", "send a reassurance text to Sam", True),
        ("send a reassurance text", "send a reassurance\ntext", True),
        ("check their phone or profile", "check their phone, or profile", True),
        ("send a reassurance text", "send a text", False),
        ("send a reassurance text", "send a reassurance", False),
        ("send a reassurance text", "resend a reassurance text", False),
        ("leave", "leave", True),
        ("leave", "leaves", False),
        (None, "leave", False),
        ("", "leave", False),
        ("don't reply", "don’t reply", True),
        ("ＣＡＬＬ again", "call again", True),
    ],
)
def test_which_timer_urge_matches_a_rung(
    rung_urge: str | None, timer_urge: str, matches: bool
) -> None:
    assert ladder.urge_matches(rung_urge, timer_urge) is matches


def test_a_finished_timer_goes_to_the_most_specific_unarchived_rung() -> None:
    rungs = [
        rung("general", 10, urge="send a text"),
        rung("specific", 40, urge="send a text to Sam"),
        rung("archived", 20, urge="send a text to Sam tonight", archived=True),
        rung("other", 5, urge="leave"),
    ]
    found = ladder.rung_for_timer(rungs, timer("send a text to Sam tonight"))
    assert found is not None and found.id == "specific"
    plain = ladder.rung_for_timer(rungs, timer("send a text"))
    assert plain is not None and plain.id == "general"
    assert ladder.rung_for_timer(rungs, timer("pick a fight")) is None
    assert ladder.rung_for_timer(rungs, timer("leave", outcome=None)) is None  # still running


def test_equally_specific_rungs_give_the_timer_to_the_easier() -> None:
    rungs = [rung("hard", 60, urge="leave"), rung("easy", 20, urge="Leave.")]
    found = ladder.rung_for_timer(rungs, timer("leave"))
    assert found is not None and found.id == "easy"


@pytest.mark.parametrize(
    ("outcome", "well"), [("waited", True), ("passed", True), ("acted", False)]
)
def test_a_timer_waited_out_or_passed_went_reasonably_well(outcome: str, well: bool) -> None:
    assert ladder.timer_went_well(timer("leave", outcome)) is well


# --- import and naming a rung -----------------------------------------------------------------


def _times(planned: int, done: int | None) -> dict[str, Any]:
    return {
        "planned_at": T0 + timedelta(minutes=planned),
        "done_at": None if done is None else T0 + timedelta(minutes=done),
        "updated_at": T0,
    }


def test_an_imported_attempt_has_both_halves_or_only_the_first() -> None:
    done = {"actual": 20, "went_well": True, "happened": None}
    planned = {"actual": None, "went_well": None, "happened": None}
    ladder.check_imported_attempt(_times(0, 5), done)
    ladder.check_imported_attempt(_times(0, None), planned)
    with pytest.raises(EarnedError, match="without its result"):
        ladder.check_imported_attempt(_times(0, 5), {**done, "went_well": None})
    with pytest.raises(EarnedError, match="no time done"):
        ladder.check_imported_attempt(_times(0, None), {**planned, "happened": "x"})
    with pytest.raises(EarnedError, match="before it was planned"):
        ladder.check_imported_attempt(_times(10, 5), done)


def test_imported_columns_meet_the_same_limits_as_new_ones() -> None:
    checks = ladder.IMPORTED_ATTEMPT
    assert checks["predicted"](40) == 40
    with pytest.raises(TypeError):
        checks["predicted"]("40")  # JSON holds a number here, not text
    with pytest.raises(EarnedError):
        checks["actual"](101)
    with pytest.raises(EarnedError):
        ladder.IMPORTED_RUNG["pattern"]("secure")
    with pytest.raises(EarnedError, match="without a step"):
        ladder.IMPORTED_RUNG["title"](None)
    assert ladder.IMPORTED_RUNG["urge"](None) is None


@pytest.mark.parametrize(
    ("text", "ref"), [("1", 1), (" 12 ", 12), ("999", 999), ("3F2A", "3f2a"), ("1234", "1234")]
)
def test_a_rung_is_named_by_its_number_or_an_id_prefix(text: str, ref: int | str) -> None:
    assert ladder.rung_ref(text) == ref


@pytest.mark.parametrize("text", ["0", "", "zz", "x" * 40, "-1"])
def test_a_rung_name_that_is_neither_is_refused(text: str) -> None:
    with pytest.raises(EarnedError):
        ladder.rung_ref(text)


def test_the_words_for_evidence_and_the_suggestion() -> None:
    assert ladder.evidence_words(0, 0) == ladder.words()["evidence_none"]
    assert ladder.evidence_words(0, 2) == ladder.words()["evidence_tried"]
    assert ladder.evidence_words(1, 1) == "1 time it went reasonably well"
    assert ladder.evidence_words(4, 9) == "4 times it went reasonably well"
    rungs = [rung("easy", 10, title="ask for a lift"), rung("mid", 40, title="say one more thing")]
    need = ladder.EVIDENCE_TO_CLIMB
    assert "begin: ask for a lift" in ladder.climb_words(ladder.climb(rungs, {}, None))
    assert f"1 of {need}" in ladder.climb_words(ladder.climb(rungs, {"easy": 1}, "easy"))
    ready = ladder.climb_words(ladder.climb(rungs, {"easy": need}, "easy"))
    assert "next rung up is “say one more thing”" in ready
    top = ladder.climb_words(ladder.climb(rungs, {"mid": need}, "mid"))
    assert "hardest rung" in top
    assert ladder.climb_words(ladder.climb([], {}, None)) == ladder.words()["no_suggestion"]
