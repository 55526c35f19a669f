"""A try on the ladder names someone in the people ledger: the link, the name kept, and the
try counted among that person's interactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from earned.store import Store, ladder, people

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_a_name_from_the_ledger_links_the_try_and_counts_as_an_interaction(store: Store) -> None:
    with store.session() as s:
        sam = people.add_person(session=s, name="Sam", role="partner", now=NOW - timedelta(days=9))
        people.rate_person(
            session=s, person_id=sam.id, consistency=5, availability=4, safety=4,
            now=NOW - timedelta(days=8),
        )  # fmt: skip
        rung = ladder.add_rung(session=s, title="Stay a little longer", difficulty=30, urge=None,
                               now=NOW - timedelta(days=7))  # fmt: skip
        linked = ladder.plan_attempt(
            session=s, rung_id=rung.id, predicted=60, person_name="sam", now=NOW
        )
        typed = ladder.plan_attempt(
            session=s, rung_id=rung.id, predicted=50, person_name="A colleague", now=NOW
        )
        chosen = ladder.plan_attempt(
            session=s, rung_id=rung.id, predicted=40, person_id=sam.id, now=NOW
        )
    with store.session() as s:
        rows = {a: s.get(ladder.LadderAttemptRow, a) for a in (linked.id, typed.id, chosen.id)}
        assert rows[linked.id] is not None and rows[linked.id].person_id == sam.id
        assert rows[typed.id] is not None and rows[typed.id].person_id is None
        assert rows[chosen.id] is not None and rows[chosen.id].person_name == "Sam"
        met = people.interactions_since(session=s, since=NOW - timedelta(days=1))
    assert sorted(pid for _when, pid in met) == [sam.id, sam.id]
    with store.session() as s:
        people.remove_person(session=s, person_id=sam.id)
    with store.session() as s:
        kept = s.get(ladder.LadderAttemptRow, chosen.id)
        assert kept is not None and kept.person_id is None and kept.person_name == "Sam"
