"""The people ledger in the store (earned/store/people.py), with the moment link and the
questionnaire about one person, on an encrypted SQLite file and on PostgreSQL alike:
checked writes that save all or nothing, repeats saved once, and removing a person keeps
every record that named them readable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from earned.errors import EarnedError
from earned.store import Store, activations, assessments, people
from earned.store.models import PersonRatingRow, PersonRow, RuptureRow

NOW = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)  # a Wednesday
DAY = timedelta(days=1)
RS_ANSWERS = {1: 2, 2: 3, 3: 2, 4: 1, 5: 6, 6: 5, 7: 4, 8: 3, 9: 5}


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_adding_someone_twice_is_one_person_and_bad_input_saves_nothing(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name=" Sam ", role="partner", now=NOW, note="hi")
        again = people.add_person(session=s, name="sam", role="friend", now=NOW)
        assert again.id == sam.id and again.role == "partner"
    for name, role, note, message in [
        ("", "friend", None, "Give them a name"),
        ("Jo", "boss", None, "Choose one of these roles"),
        ("Jo", "family", "x" * 2001, "2,001 characters"),
    ]:
        with pytest.raises(EarnedError, match=message), store.session() as s:
            people.add_person(session=s, name=name, role=role, now=NOW, note=note)
    assert count(store, PersonRow) == 1
    with store.session() as s:
        (listed,) = people.list_people(session=s)
        assert (listed.name, listed.role_name, listed.note) == ("Sam", "Partner", "hi")


def test_editing_checks_everything_and_refuses_a_second_of_the_same_name(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW)
        people.add_person(session=s, name="Maya", role="friend", now=NOW)
    with pytest.raises(EarnedError, match="already in your ledger"), store.session() as s:
        people.edit_person(session=s, person_id=sam.id, name="maya", role="friend", note=None)
    with store.session() as s:
        edited = people.edit_person(
            session=s, person_id=sam.id, name="Sam R.", role="partner", note="since 2024"
        )
        assert people.get_person(session=s, person_id=sam.id) == edited
        assert people.find_person(session=s, name="sam r").id == sam.id
        with pytest.raises(EarnedError, match="No one called"):
            people.find_person(session=s, name="Alex")


def test_a_rating_is_saved_once_per_token_and_all_three_are_checked(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW)
        first = people.rate_person(
            session=s, person_id=sam.id, consistency="3", availability=4, safety=5, now=NOW,
            client_token="tap",
        )  # fmt: skip
        again = people.rate_person(
            session=s, person_id=sam.id, consistency=1, availability=1, safety=1,
            now=NOW + DAY, client_token="tap",
        )  # fmt: skip
        assert again == first
    with pytest.raises(EarnedError, match="Emotional safety"), store.session() as s:
        people.rate_person(
            session=s, person_id=sam.id, consistency=3, availability=3, safety=0, now=NOW
        )
    with pytest.raises(EarnedError, match="does not exist"), store.session() as s:
        people.rate_person(session=s, person_id="nobody", consistency=3, availability=3,
                           safety=3, now=NOW)  # fmt: skip
    assert count(store, PersonRatingRow) == 1


def test_standings_and_the_weekly_share_from_the_store(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW - 30 * DAY)
        maya = people.add_person(session=s, name="Maya", role="friend", now=NOW - 30 * DAY)
        for n, c in enumerate((2, 5, 5)):
            people.rate_person(session=s, person_id=sam.id, consistency=c, availability=c,
                               safety=3, now=NOW - (20 - n) * DAY)  # fmt: skip
        people.rate_person(session=s, person_id=maya.id, consistency=2, availability=4,
                           safety=5, now=NOW - DAY)  # fmt: skip
        moment = activations.log_activation(session=s, intensity=5, now=NOW)
        activations.link_person(session=s, activation_id=moment.id, person_id=sam.id, now=NOW)
        people.log_rupture(session=s, person_id=maya.id, what="I cancelled", now=NOW)
        standing = people.standings(session=s, people=people.list_people(session=s))
        assert standing[sam.id] is not None and standing[sam.id].available  # type: ignore[union-attr]
        assert standing[maya.id] is not None and not standing[maya.id].available  # type: ignore[union-attr]
        weeks = people.weekly_share(session=s, now=NOW, weeks=2)
        assert [(w.interactions, w.with_available) for w in weeks] == [(0, 0), (2, 1)]
        assert people.ratings_this_week(session=s, now=NOW) == 1
        assert people.moments_with(session=s, person_id=sam.id) == 1


def test_a_rupture_is_checked_then_repaired(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW)
    with pytest.raises(EarnedError, match="before the rupture"), store.session() as s:
        people.log_rupture(session=s, person_id=sam.id, what="we argued", now=NOW,
                           happened_at=NOW - DAY, repaired_at=NOW - 2 * DAY)  # fmt: skip
    assert count(store, RuptureRow) == 0
    with store.session() as s:
        made = people.log_rupture(
            session=s, person_id=sam.id, what="we argued", now=NOW, happened_at=NOW - DAY,
            reached_out="me", client_token="t",
        )  # fmt: skip
        assert made.person_name == "Sam" and not made.repaired
        assert people.log_rupture(session=s, person_id=sam.id, what="again", now=NOW,
                                  client_token="t") == made  # fmt: skip
        fixed = people.update_rupture(session=s, rupture_id=made.id, now=NOW + DAY,
                                      what="we argued", reached_out="both",
                                      repaired_at=NOW, outcome="we talked")  # fmt: skip
        assert fixed.time_to_repair == DAY and fixed.reached_out_words == "We both reached out"
        page, more = people.ruptures_of(session=s, person_id=sam.id, limit=5)
        assert [r.id for r in page] == [made.id] and not more


def test_removing_someone_keeps_what_named_them_readable(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW)
        people.rate_person(session=s, person_id=sam.id, consistency=3, availability=3,
                           safety=3, now=NOW)  # fmt: skip
        rupture = people.log_rupture(session=s, person_id=sam.id, what="we argued", now=NOW)
        moment = activations.log_activation(session=s, intensity=6, now=NOW)
        linked = activations.link_person(session=s, activation_id=moment.id,
                                         person_id=sam.id, now=NOW)  # fmt: skip
        assert (linked.person, linked.person_id) == ("Sam", sam.id)
        about = assessments.save_about(session=s, instrument_id="ecr_rs", person_id=sam.id,
                                       answers=RS_ANSWERS, now=NOW)  # fmt: skip
        assert (about.person_id, about.person_name) == (sam.id, "Sam")
    with store.session() as s:
        people.remove_person(session=s, person_id=sam.id)
    with store.session() as s:
        assert people.list_people(session=s) == []
        kept = people.get_rupture(session=s, rupture_id=rupture.id)
        assert (kept.person_id, kept.person_name, kept.what) == (None, "Sam", "we argued")
        still = activations.get_activation(session=s, activation_id=moment.id)
        assert (still.person_id, still.person) == (None, "Sam")
        result = assessments.get_assessment(session=s, assessment_id=about.id)
        assert (result.person_id, result.person_name) == (None, "Sam")
    assert count(store, PersonRatingRow) == 0


def test_a_questionnaire_about_someone_saves_whole_or_not_at_all(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW)
    for answers, message in [
        ({k: v for k, v in RS_ANSWERS.items() if k != 9}, "1 question"),
        ({**RS_ANSWERS, 9: 8}, "Answers run from 1 to 7"),
    ]:
        with pytest.raises(EarnedError, match=message), store.session() as s:
            assessments.save_about(session=s, instrument_id="ecr_rs", person_id=sam.id,
                                   answers=answers, now=NOW)  # fmt: skip
    with store.session() as s:
        assert assessments.about_person(session=s, person_id=sam.id, instrument_id="ecr_rs") == []
        assessments.save_about(session=s, instrument_id="ecr_rs", person_id=sam.id,
                               answers=RS_ANSWERS, now=NOW)  # fmt: skip
        (done,) = assessments.about_person(session=s, person_id=sam.id, instrument_id="ecr_rs")
        assert done.answers == RS_ANSWERS and done.completed_at == NOW
