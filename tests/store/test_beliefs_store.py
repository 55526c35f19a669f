"""Core beliefs, their ratings and origin-story links in the store (earned.store.beliefs,
earned.store.origin_links), on an encrypted SQLite file and on PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from earned import beliefs as rules
from earned.episodes import Pattern
from earned.errors import EarnedError
from earned.origin_links import Target
from earned.store import Store, activations, entries
from earned.store import beliefs as store_beliefs
from earned.store import origin_links as store_links
from earned.store.models import BeliefRatingRow, BeliefRow, OriginLinkRow

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # a Monday
DAY = timedelta(days=1)
ORIGIN = "When I cried, Mum went quiet. I learned to keep the hard days to myself."


def count(store: Store, model: type) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def add(store: Store, text: str = "I am too much.", strength: Any = 80, **kw: Any) -> rules.Belief:
    now = kw.pop("now", NOW)
    token = kw.pop("client_token", None)
    alternative = kw.pop("alternative_strength", None)
    with store.session() as s:
        return store_beliefs.add_belief(
            session=s,
            details=rules.check_details(belief=text, **kw),
            strength=strength,
            alternative_strength=alternative,
            now=now,
            client_token=token,
        )


def rate(store: Store, belief_id: str, strength: Any, at: datetime, **kw: Any) -> rules.Rating:
    with store.session() as s:
        return store_beliefs.rate(session=s, belief_id=belief_id, strength=strength, now=at, **kw)


def choice(kind: str, key: str) -> str:
    """How the origin page's form names a target."""
    return Target(kind, key, "").choice


def origin_entry(store: Store, body: str = ORIGIN, kind: str = "origin") -> str:
    with store.session() as s:
        return entries.add_entry(session=s, kind=kind, prompt=None, body=body, now=NOW).id


def test_a_new_belief_keeps_its_words_and_first_rating(store: Store) -> None:
    entry = origin_entry(store)
    b = add(
        store,
        " I am too much. ",
        "85",
        alternative="My needs are ordinary.",
        alternative_strength="20",
        evidence_for="Sam sighed",
        origin_entry_id=entry,
        rerate_days="14",
    )
    assert (b.belief, b.alternative, b.evidence_for, b.origin_entry_id, b.rerate_days) == (
        "I am too much.",
        "My needs are ordinary.",
        "Sam sighed",
        entry,
        14,
    )
    assert (b.created_at, b.updated_at, b.archived) == (NOW, NOW, False)
    with store.session() as s:
        assert store_beliefs.get_belief(session=s, belief_id=b.id) == b
        [first] = store_beliefs.ratings(session=s, belief_id=b.id)
    assert (first.strength, first.alternative_strength, first.rated_at) == (85, 20, NOW)


@pytest.mark.parametrize(
    ("text", "strength", "kw", "message"),
    [
        ("", 80, {}, "Write the belief"),
        ("b" * 301, 80, {}, "301 characters"),
        ("I am too much.", 101, {}, "101 is outside"),
        ("I am too much.", "", {}, "whole number"),
        ("I am too much.", 80, {"rerate_days": "999"}, "every 1 to 365"),
        ("I am too much.", 80, {"origin_entry_id": "0" * 32}, "origin-story entry"),
    ],
)
def test_a_refused_belief_saves_nothing(
    store: Store, text: str, strength: Any, kw: dict[str, Any], message: str
) -> None:
    with pytest.raises(EarnedError, match=message):
        add(store, text, strength, **kw)
    assert count(store, BeliefRow) == count(store, BeliefRatingRow) == 0


def test_only_an_origin_story_entry_can_be_a_beliefs_origin(store: Store) -> None:
    reflection = origin_entry(store, kind="note")
    with pytest.raises(EarnedError, match="origin-story entry"):
        add(store, origin_entry_id=reflection)


def test_a_double_submit_makes_one_belief(store: Store) -> None:
    first = add(store, client_token="tap-1")
    again = add(store, "typed again", client_token="tap-1")
    assert again == first
    assert count(store, BeliefRow) == count(store, BeliefRatingRow) == 1


def test_re_ratings_make_a_series_and_a_repeat_saves_once(store: Store) -> None:
    b = add(store, strength=85)
    rate(store, b.id, 70, NOW + 14 * DAY, alternative_strength="30", note=" after the call ")
    again = rate(store, b.id, 60, NOW + 28 * DAY, client_token="t")
    assert rate(store, b.id, 10, NOW + 29 * DAY, client_token="t") == again
    with store.session() as s:
        got = store_beliefs.ratings(session=s, belief_id=b.id)
    assert [(r.strength, r.alternative_strength, r.note) for r in got] == [
        (85, None, None),
        (70, 30, "after the call"),
        (60, None, None),
    ]
    said = rules.change_words(rules.series(got))
    assert said is not None and "85 then, 60 now" in said


def test_a_long_history_keeps_its_first_rating(store: Store) -> None:
    b = add(store, strength=90)
    for n in range(1, 6):
        rate(store, b.id, 90 - n * 10, NOW + n * DAY)
    with store.session() as s:
        got = store_beliefs.ratings(session=s, belief_id=b.id, most=3)
    assert [r.strength for r in got] == [90, 60, 50, 40]


@pytest.mark.parametrize(("strength", "message"), [(-1, "outside"), ("x", "whole number")])
def test_a_refused_rating_saves_nothing(store: Store, strength: Any, message: str) -> None:
    b = add(store)
    with pytest.raises(EarnedError, match=message):
        rate(store, b.id, strength, NOW + DAY)
    assert count(store, BeliefRatingRow) == 1


def test_rating_or_editing_an_unknown_belief(store: Store) -> None:
    with pytest.raises(EarnedError, match="belief does not exist") as error:
        rate(store, "0" * 32, 50, NOW)
    assert error.value.status == 404
    with pytest.raises(EarnedError, match="belief does not exist"), store.session() as s:
        store_beliefs.update_belief(
            session=s, belief_id="0" * 32, details=rules.check_details(belief="x"), now=NOW
        )


def test_an_edit_changes_the_words_and_keeps_the_ratings(store: Store) -> None:
    b = add(store, evidence_for="old")
    with store.session() as s:
        edited = store_beliefs.update_belief(
            session=s,
            belief_id=b.id,
            details=rules.check_details(belief="I can be too much.", evidence_against="Maya"),
            now=NOW + DAY,
        )
    assert (edited.belief, edited.evidence_for, edited.evidence_against) == (
        "I can be too much.",
        None,
        "Maya",
    )
    assert (edited.created_at, edited.updated_at) == (NOW, NOW + DAY)
    assert count(store, BeliefRatingRow) == 1


def test_the_list_shows_the_latest_rating_and_what_is_due(store: Store) -> None:
    weekly = add(store, "weekly", rerate_days="7")
    rate(store, weekly.id, 55, NOW + 3 * DAY)
    calm = add(store, "no schedule", now=NOW + DAY)
    away = add(store, "put away", rerate_days="7")
    with store.session() as s:
        store_beliefs.set_archived(session=s, belief_id=away.id, archived=True, now=NOW + 2 * DAY)
    later = NOW + 11 * DAY
    with store.session() as s:
        shown, more = store_beliefs.list_beliefs(session=s, now=later)
        put_away, _ = store_beliefs.list_beliefs(session=s, now=later, archived=True)
        due = store_beliefs.rerating_due(session=s, now=later)
    assert [(x.belief.belief, x.latest and x.latest.strength, x.due) for x in shown] == [
        ("no schedule", 80, False),
        ("weekly", 55, True),
    ]
    assert not more
    assert [x.belief.id for x in put_away] == [away.id]
    assert due == [rules.Due(weekly.id, "weekly", NOW + 3 * DAY)]
    with store.session() as s:
        assert store_beliefs.rerating_due(session=s, now=NOW + 9 * DAY) == []
        store_beliefs.set_archived(session=s, belief_id=away.id, archived=False, now=later)
    with store.session() as s:
        assert [d.belief_id for d in store_beliefs.rerating_due(session=s, now=later)] == [
            away.id,
            weekly.id,
        ]
    assert calm.rerate_days is None


def test_the_list_is_a_page_at_a_time(store: Store) -> None:
    for n in range(5):
        add(store, f"belief {n}", now=NOW + n * DAY)
    with store.session() as s:
        shown, more = store_beliefs.list_beliefs(session=s, now=NOW, most=3)
    assert [x.belief.belief for x in shown] == ["belief 4", "belief 3", "belief 2"]
    assert more


def test_ratings_this_week_count_from_monday_in_the_persons_zone(store: Store) -> None:
    b = add(store, strength=80, now=NOW - 2 * DAY)  # the Saturday before
    rate(store, b.id, 70, NOW)
    rate(store, b.id, 65, NOW + 3 * DAY)
    with store.session() as s:
        assert store_beliefs.ratings_this_week(session=s, now=NOW + 4 * DAY, zone=UTC) == 2
        # Sunday 22:00 UTC is Monday 07:00 in Tokyo: a new week there, nothing yet.
        sunday = datetime(2026, 3, 8, 22, 0, tzinfo=UTC)
        assert store_beliefs.ratings_this_week(session=s, now=sunday, zone=UTC) == 2
        assert (
            store_beliefs.ratings_this_week(session=s, now=sunday, zone=ZoneInfo("Asia/Tokyo")) == 0
        )


def test_find_by_prefix(store: Store) -> None:
    b = add(store)
    with store.session() as s:
        assert store_beliefs.find(session=s, prefix=b.id[:8]) == b
        with pytest.raises(EarnedError, match="No belief"):
            store_beliefs.find(session=s, prefix="ffffffff" if b.id[0] != "f" else "00000000")
        with pytest.raises(EarnedError, match="not an id"):
            store_beliefs.find(session=s, prefix="zz")


def test_origin_choices_are_origin_story_entries(store: Store) -> None:
    mine = origin_entry(store, "Told in one long breath " * 10)
    origin_entry(store, "not an origin entry", kind="note")
    with store.session() as s:
        [choice] = store_beliefs.origin_choices(session=s)
    assert choice.id == mine
    assert choice.opening.endswith("…") and len(choice.opening) == store_beliefs.OPENING


def test_deleting_the_origin_entry_unlinks_the_belief_and_removes_its_passages(
    store: Store,
) -> None:
    entry = origin_entry(store)
    b = add(store, origin_entry_id=entry)
    with store.session() as s:
        store_links.add_link(
            session=s,
            entry_id=entry,
            passage="Mum went quiet",
            choice=choice("belief", b.id),
            now=NOW,
        )
    with store.session() as s:
        entries.delete_entry(session=s, entry_id=entry)
    with store.session() as s:
        assert store_beliefs.get_belief(session=s, belief_id=b.id).origin_entry_id is None
    assert count(store, OriginLinkRow) == 0


# --- origin-story links ------------------------------------------------------------------------


def test_a_passage_links_to_a_belief_a_trigger_and_a_pattern(store: Store) -> None:
    entry = origin_entry(store)
    b = add(store)
    with store.session() as s:
        for n in range(2):
            moment = activations.log_activation(
                session=s, intensity=6, trigger="no reply for hours", now=NOW - n * DAY
            )
            activations.update_details(
                session=s,
                activation_id=moment.id,
                now=NOW,
                pattern=Pattern("scared", "silence", "leaving", "Being left", "text again"),
            )
    with store.session() as s:
        offered = store_links.offered(session=s, now=NOW)
        assert {(t.kind, t.key) for t in offered} == {
            ("pattern", "being left\ntext again"),
            ("trigger", "no reply for hours"),
            ("belief", b.id),
        }
        made = [
            store_links.add_link(session=s, entry_id=entry, passage=p, choice=c, now=NOW + n * DAY)
            for n, (p, c) in enumerate(
                [
                    ("Mum went quiet.", choice("belief", b.id)),
                    ("keep the hard days", choice("trigger", "no reply for hours")),
                    ("When I cried", choice("pattern", "being left\ntext again")),
                ]
            )
        ]
    with store.session() as s:
        assert store_links.for_entries(session=s, entry_ids=[entry])[entry] == made
        assert store_links.to(session=s, kind="belief", target=b.id) == [made[0]]
        assert store_links.to(session=s, kind="pattern") == [made[2]]
        assert store_links.delete_link(session=s, link_id=made[1].id) == made[1]
    assert count(store, OriginLinkRow) == 2


def test_a_refused_link_saves_nothing(store: Store) -> None:
    entry = origin_entry(store)
    note = origin_entry(store, "Mum went quiet", kind="note")
    b = add(store)
    cases = [
        (entry, "Dad went quiet", choice("belief", b.id), "not in this entry"),
        (entry, "Mum went quiet", choice("belief", "0" * 32), "Choose one of"),
        (entry, "Mum went quiet", f"belief:{b.id}", "Choose one of"),
        (note, "Mum went quiet", choice("belief", b.id), "origin-story entries"),
        ("0" * 32, "Mum went quiet", choice("belief", b.id), "entry does not exist"),
    ]
    for entry_id, passage, chosen, message in cases:
        with pytest.raises(EarnedError, match=message), store.session() as s:
            store_links.add_link(
                session=s, entry_id=entry_id, passage=passage, choice=chosen, now=NOW
            )
    assert count(store, OriginLinkRow) == 0
    with pytest.raises(EarnedError, match="link does not exist"), store.session() as s:
        store_links.delete_link(session=s, link_id="0" * 32)
