"""Reading and writing the journal, on an encrypted SQLite file and on PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from earned import journal
from earned.errors import EarnedError
from earned.store import Store, assessments, deletion, entries, settings
from earned.store.models import AnswerRow, AssessmentRow, EntryRow, SettingRow
from tests.support import T0

T1 = T0 + timedelta(minutes=12, seconds=5, microseconds=123456)
T2 = T0 + timedelta(days=1)


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def started(store: Store, at: datetime = T0) -> str:
    with store.session() as s:
        return assessments.start_assessment(session=s, instrument_id="ecr", now=at).id


def answer_all(store: Store, assessment_id: str, skip: tuple[int, ...] = ()) -> None:
    with store.session() as s:
        for item in range(1, 37):
            if item not in skip:
                assessments.record_answer(
                    session=s, assessment_id=assessment_id, item=item, value=item % 5 + 1, now=T1
                )


# --- assessments --------------------------------------------------------------------------


def test_start_assessment(store: Store) -> None:
    with store.session() as s:
        a = assessments.start_assessment(session=s, instrument_id="ecr", now=T0)
    assert len(a.id) == 32 and int(a.id, 16) >= 0
    assert (a.instrument_id, a.started_at, a.completed_at, a.answers) == ("ecr", T0, None, {})
    with store.session() as s:
        again = assessments.get_assessment(session=s, assessment_id=a.id)
    assert again == a


def test_start_unknown_instrument_is_refused(store: Store) -> None:
    with pytest.raises(EarnedError, match="no questionnaire called 'nope'"), store.session() as s:
        assessments.start_assessment(session=s, instrument_id="nope", now=T0)
    assert count(store, AssessmentRow) == 0


def test_answers_are_saved_one_by_one(store: Store) -> None:
    a_id = started(store)
    with store.session() as s:
        assessments.record_answer(session=s, assessment_id=a_id, item=1, value=4, now=T1)
    with store.session() as s:
        assessments.record_answer(session=s, assessment_id=a_id, item=36, value=2, now=T1)
    with store.session() as s:
        a = assessments.get_assessment(session=s, assessment_id=a_id)
    assert a.answers == {1: 4, 36: 2}
    assert a.answered == 2
    assert a.resume_page() == 1


def test_re_answering_replaces_the_answer(store: Store) -> None:
    a_id = started(store)
    with store.session() as s:
        assessments.record_answer(session=s, assessment_id=a_id, item=7, value=1, now=T1)
    with store.session() as s:
        assessments.record_answer(session=s, assessment_id=a_id, item=7, value=5, now=T2)
    with store.session() as s:
        assert assessments.get_assessment(session=s, assessment_id=a_id).answers == {7: 5}
        row = s.get(AnswerRow, (a_id, 7))
        assert row is not None and row.answered_at == T2
    assert count(store, AnswerRow) == 1


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        (0, 3, "There is no question 0 in this questionnaire."),
        (37, 3, "There is no question 37 in this questionnaire."),
        (-1, 3, "There is no question -1"),
        (5, 0, "Answers run from 1 to 5; 0 is not one of them."),
        (5, 6, "Answers run from 1 to 5; 6 is not one of them."),
        (5, -1, "Answers run from 1 to 5; -1"),
    ],
)
def test_invalid_answers_are_refused(store: Store, item: int, value: int, message: str) -> None:
    a_id = started(store)
    with pytest.raises(EarnedError) as error, store.session() as s:
        assessments.record_answer(session=s, assessment_id=a_id, item=item, value=value, now=T1)
    assert error.value.message.startswith(message)
    assert count(store, AnswerRow) == 0


def test_answer_for_a_missing_assessment(store: Store) -> None:
    with pytest.raises(EarnedError) as error, store.session() as s:
        assessments.record_answer(session=s, assessment_id="0" * 32, item=1, value=3, now=T1)
    assert error.value.status == 404
    assert "does not exist" in error.value.message


def test_complete_with_missing_answers_is_refused_and_keeps_the_answers(store: Store) -> None:
    a_id = started(store)
    answer_all(store, a_id, skip=(4, 30))
    with pytest.raises(EarnedError) as error, store.session() as s:
        assessments.complete_assessment(session=s, assessment_id=a_id, now=T2)
    assert error.value.message.startswith("2 question(s) still need an answer")
    assert "your answers so far are saved" in error.value.message
    with store.session() as s:
        a = assessments.get_assessment(session=s, assessment_id=a_id)
    assert a.completed_at is None
    assert sorted(a.answers) == [n for n in range(1, 37) if n not in (4, 30)]
    assert a.resume_page() == 1  # item 4 is on page 1


def test_complete_and_score(store: Store) -> None:
    a_id = started(store)
    answer_all(store, a_id)
    with store.session() as s:
        done = assessments.complete_assessment(session=s, assessment_id=a_id, now=T2)
    assert done.completed_at == T2
    assert done.answers == {n: n % 5 + 1 for n in range(1, 37)}
    assert done.result().complete
    # Completing twice keeps the first completion time.
    with store.session() as s:
        again = assessments.complete_assessment(
            session=s, assessment_id=a_id, now=T2 + timedelta(days=3)
        )
    assert again.completed_at == T2
    # A finished assessment cannot be changed.
    with pytest.raises(EarnedError, match="This assessment is finished"), store.session() as s:
        assessments.record_answer(session=s, assessment_id=a_id, item=1, value=1, now=T2)
    with store.session() as s:
        assert assessments.get_assessment(session=s, assessment_id=a_id).answers[1] == 2


def test_unfinished_assessment(store: Store) -> None:
    with store.session() as s:
        assert assessments.unfinished_assessment(session=s, instrument_id="ecr") is None
    older = started(store, T0)
    newer = started(store, T0 + timedelta(hours=1))
    with store.session() as s:
        got = assessments.unfinished_assessment(session=s, instrument_id="ecr")
        assert got is not None and got.id == newer
        assert assessments.unfinished_assessment(session=s, instrument_id="other") is None
    answer_all(store, newer)
    with store.session() as s:
        assessments.complete_assessment(session=s, assessment_id=newer, now=T2)
    with store.session() as s:
        got = assessments.unfinished_assessment(session=s, instrument_id="ecr")
        assert got is not None and got.id == older


def test_list_and_delete_assessments(store: Store) -> None:
    second = started(store, T0 + timedelta(days=2))
    first = started(store, T0)
    answer_all(store, first)
    with store.session() as s:
        assert [a.id for a in assessments.list_assessments(session=s)] == [first, second]
        assert [a.id for a in assessments.list_assessments(session=s, instrument_id="ecr")] == [
            first,
            second,
        ]
        assert assessments.list_assessments(session=s, instrument_id="other") == []
    assert count(store, AnswerRow) == 36
    with store.session() as s:
        assessments.delete_assessment(session=s, assessment_id=first)
    assert count(store, AnswerRow) == 0  # answers go with it
    with store.session() as s:
        assert [a.id for a in assessments.list_assessments(session=s)] == [second]
    with pytest.raises(EarnedError, match="does not exist"), store.session() as s:
        assessments.delete_assessment(session=s, assessment_id=first)


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    a_id = started(store)
    with pytest.raises(EarnedError), store.session() as s:
        assessments.record_answer(session=s, assessment_id=a_id, item=1, value=3, now=T1)
        entries.add_entry(session=s, kind="origin", prompt=None, body="written", now=T1)
        assessments.record_answer(session=s, assessment_id=a_id, item=2, value=9, now=T1)
    assert count(store, AnswerRow) == 0
    assert count(store, EntryRow) == 0


# --- journal entries ----------------------------------------------------------------------


def test_entry_add_get_update_delete(store: Store) -> None:
    with store.session() as s:
        e = entries.add_entry(
            session=s, kind="reflection", prompt="distance", body="  first draft\r\n", now=T0
        )
    assert (e.kind, e.prompt, e.body, e.created_at, e.updated_at) == (
        "reflection",
        "distance",
        "first draft",
        T0,
        T0,
    )
    with store.session() as s:
        assert entries.get_entry(session=s, entry_id=e.id) == e
    with store.session() as s:
        updated = entries.update_entry(session=s, entry_id=e.id, body="second draft", now=T2)
    assert (updated.body, updated.created_at, updated.updated_at) == ("second draft", T0, T2)
    with store.session() as s:
        assert entries.get_entry(session=s, entry_id=e.id).body == "second draft"
    with store.session() as s:
        entries.delete_entry(session=s, entry_id=e.id)
    with pytest.raises(EarnedError) as error, store.session() as s:
        entries.get_entry(session=s, entry_id=e.id)
    assert error.value.status == 404
    assert count(store, EntryRow) == 0


def test_list_entries_newest_first_and_by_kind(store: Store) -> None:
    with store.session() as s:
        a = entries.add_entry(session=s, kind="origin", prompt=None, body="one", now=T0)
        b = entries.add_entry(session=s, kind="reflection", prompt="known", body="two", now=T2)
        c = entries.add_entry(session=s, kind="origin", prompt=None, body="three", now=T1)
    with store.session() as s:
        assert [x.id for x in entries.list_entries(session=s)] == [b.id, c.id, a.id]
        assert [x.id for x in entries.list_entries(session=s, kind="origin")] == [c.id, a.id]
        assert [x.id for x in entries.list_entries(session=s, kind="reflection")] == [b.id]


@pytest.mark.parametrize(
    ("kind", "prompt", "body", "message"),
    [
        ("origin", None, "   ", "The entry is empty"),
        ("origin", None, "x" * 20_001, "20,001 characters"),
        ("diary", None, "text", "Unknown kind of entry"),
        ("reflection", None, "text", "choose one of the five"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_saved(
    store: Store, kind: str, prompt: str | None, body: str, message: str
) -> None:
    with pytest.raises(EarnedError, match=message), store.session() as s:
        entries.add_entry(session=s, kind=kind, prompt=prompt, body=body, now=T0)
    assert count(store, EntryRow) == 0


def test_a_bad_edit_keeps_the_old_text(store: Store) -> None:
    with store.session() as s:
        e = entries.add_entry(session=s, kind="origin", prompt=None, body="original", now=T0)
    with pytest.raises(EarnedError, match="empty"), store.session() as s:
        entries.update_entry(session=s, entry_id=e.id, body=" \n ", now=T2)
    with store.session() as s:
        kept = entries.get_entry(session=s, entry_id=e.id)
    assert (kept.body, kept.updated_at) == ("original", T0)


def test_text_is_stored_exactly(store: Store) -> None:
    body = (
        "<script>alert('x')</script> & \"quotes\"\n\ttab — 🌊 שָׁלוֹם 日本語 "
        "e\u0301 \u200d👩‍👩‍👧 ' OR 1=1; --"
    )
    with store.session() as s:
        e = entries.add_entry(session=s, kind="origin", prompt=None, body=body, now=T0)
    with store.session() as s:
        assert entries.get_entry(session=s, entry_id=e.id).body == body
    # NUL is dropped the same way on both backends (PostgreSQL cannot store it).
    with store.session() as s:
        nul = entries.add_entry(session=s, kind="origin", prompt=None, body="a\x00b", now=T0)
    with store.session() as s:
        assert entries.get_entry(session=s, entry_id=nul.id).body == "ab"


# --- settings and wipe --------------------------------------------------------------------


def test_settings(store: Store) -> None:
    with store.session() as s:
        assert settings.get_setting(session=s, key="region") is None
        assert settings.get_setting(session=s, key="region", default="GB") == "GB"
        settings.set_setting(session=s, key="region", value="NZ")
        settings.set_setting(session=s, key="breathing", value="box")
    with store.session() as s:
        settings.set_setting(session=s, key="region", value="IE")
    with store.session() as s:
        assert settings.get_setting(session=s, key="region", default="GB") == "IE"
        assert settings.all_settings(session=s) == {"breathing": "box", "region": "IE"}
        assert list(settings.all_settings(session=s)) == ["breathing", "region"]
        # Several at once: only those set, in one read.
        assert settings.get_settings(session=s, keys=("region", "zone", "breathing")) == {
            "region": "IE",
            "breathing": "box",
        }
        assert settings.get_settings(session=s, keys=()) == {}
    assert count(store, SettingRow) == 2


def test_wipe_removes_every_record_and_keeps_the_schema(store: Store) -> None:
    a_id = started(store)
    answer_all(store, a_id)
    with store.session() as s:
        entries.add_entry(session=s, kind="origin", prompt=None, body="x", now=T0)
        settings.set_setting(session=s, key="k", value="v")
    with store.session() as s:
        deletion.wipe(session=s)
    for model in (AnswerRow, AssessmentRow, EntryRow, SettingRow):
        assert count(store, model) == 0
    with store.session() as s:
        entries.add_entry(session=s, kind="origin", prompt=None, body="after", now=T0)
    assert count(store, EntryRow) == 1


# --- time ---------------------------------------------------------------------------------


def test_timestamps_come_back_as_the_same_instant_in_utc(store: Store) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    local = datetime(2026, 7, 14, 23, 45, 1, 987654, tzinfo=india)
    with store.session() as s:
        e = entries.add_entry(session=s, kind="origin", prompt=None, body="x", now=local)
        a = assessments.start_assessment(session=s, instrument_id="ecr", now=local)
    with store.session() as s:
        back = entries.get_entry(session=s, entry_id=e.id)
        back_a = assessments.get_assessment(session=s, assessment_id=a.id)
    for value in (back.created_at, back.updated_at, back_a.started_at):
        assert value == local
        assert value.utcoffset() == timedelta(0)
        assert value.tzinfo is not None
        assert value == datetime(2026, 7, 14, 18, 15, 1, 987654, tzinfo=UTC)
        assert value.microsecond == 987654


def test_ordering_uses_the_instant_not_the_local_clock(store: Store) -> None:
    # 10:00 in New York (UTC-5) is later than 12:00 in Berlin (UTC+1).
    new_york = datetime(2026, 1, 5, 10, 0, tzinfo=timezone(timedelta(hours=-5)))
    berlin = datetime(2026, 1, 5, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    with store.session() as s:
        ny = entries.add_entry(session=s, kind="origin", prompt=None, body="ny", now=new_york)
        be = entries.add_entry(session=s, kind="origin", prompt=None, body="be", now=berlin)
    with store.session() as s:
        assert [e.id for e in entries.list_entries(session=s)] == [ny.id, be.id]


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(StatementError, match="naive datetime"), store.session() as s:
        entries.add_entry(session=s, kind="origin", prompt=None, body="x", now=datetime(2026, 1, 1))
    assert count(store, EntryRow) == 0


def test_entries_come_a_page_at_a_time_newest_first_by_keyset(store: Store) -> None:
    with store.session() as s:
        for i in range(7):
            # Two share each moment: the id breaks the tie, so no entry is shown twice.
            entries.add_entry(
                session=s,
                kind="origin",
                prompt=None,
                body=f"o{i}",
                now=T0 + timedelta(hours=i // 2),
            )
        key = journal.reflection_prompts()[0]["key"]
        entries.add_entry(session=s, kind="reflection", prompt=key, body="r", now=T0)
    seen: list[str] = []
    before = None
    pages = 0
    while True:
        with store.session() as s:
            shown, more = entries.entries_page(session=s, kind="origin", before=before, limit=3)
        seen += [e.body for e in shown]
        pages += 1
        if not more:
            break
        before = (shown[-1].created_at, shown[-1].id)
    assert pages == 3
    assert sorted(seen) == [f"o{i}" for i in range(7)] and len(set(seen)) == 7
    with store.session() as s:
        everything = entries.list_entries(session=s, kind="origin")
        assert everything[0].body == seen[0]  # the newest first, both ways
        assert entries.count_by_prompt(session=s, kind="reflection") == {key: 1}
        assert entries.count_by_prompt(session=s, kind="origin") == {}
