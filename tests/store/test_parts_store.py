"""The parts map in the store (earned.store.parts), the loudest part of a moment
(store.activations), and practices of the inner kinds (store.practices), on an encrypted
SQLite file and on PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned import regulation
from earned.errors import EarnedError
from earned.store import Store, activations, parts, practices

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
MIN = timedelta(minutes=1)


def add(store: Store, name: str, **fields: str | None) -> str:
    with store.session() as s:
        return parts.add_part(session=s, name=name, now=NOW, **fields).id


def test_add_read_edit_a_part(store: Store) -> None:
    part_id = add(store, " the watcher ", protects="me", fears="being left", needs="")
    with store.session() as s:
        got = parts.get_part(session=s, part_id=part_id)
    assert (got.name, got.protects, got.fears, got.needs, got.relations) == (
        "the watcher", "me", "being left", None, None,
    )  # fmt: skip
    assert got.created_at == got.updated_at == NOW and not got.archived
    with store.session() as s:
        edited = parts.update_part(
            session=s, part_id=part_id, name="The Watcher", now=NOW + MIN, needs="rest"
        )
    assert (edited.name, edited.protects, edited.needs) == ("The Watcher", None, "rest")
    assert edited.created_at == NOW and edited.updated_at == NOW + MIN


def test_a_refused_edit_changes_nothing(store: Store) -> None:
    part_id = add(store, "the watcher", fears="being left")
    with pytest.raises(EarnedError), store.session() as s:
        parts.update_part(
            session=s, part_id=part_id, name="renamed", now=NOW + MIN, needs="x" * 5000
        )
    with store.session() as s:
        got = parts.get_part(session=s, part_id=part_id)
    assert (got.name, got.fears, got.updated_at) == ("the watcher", "being left", NOW)


def test_one_part_per_name_on_the_map(store: Store) -> None:
    first = add(store, "the watcher")
    other = add(store, "the reacher")
    with pytest.raises(EarnedError, match="already on your map"):
        add(store, "THE WATCHER")
    with pytest.raises(EarnedError, match="already on your map"), store.session() as s:
        parts.update_part(session=s, part_id=other, name="The watcher", now=NOW)
    with store.session() as s:  # put away, its name is free again; bringing it back is not
        parts.set_archived(session=s, part_id=first, archived=True, now=NOW + MIN)
    second = add(store, "the watcher")
    assert second != first
    with pytest.raises(EarnedError, match="already on your map"), store.session() as s:
        parts.set_archived(session=s, part_id=first, archived=False, now=NOW)


def test_the_map_lists_parts_by_name_and_keeps_those_put_away_apart(store: Store) -> None:
    ids = {name: add(store, name) for name in ("the watcher", "the critic", "the reacher")}
    with store.session() as s:
        away = parts.set_archived(session=s, part_id=ids["the critic"], archived=True, now=NOW)
        again = parts.set_archived(session=s, part_id=ids["the critic"], archived=True, now=NOW)
    assert away.archived and again == away
    with store.session() as s:
        assert [p.name for p in parts.list_parts(session=s)] == ["the reacher", "the watcher"]
        assert [p.name for p in parts.list_parts(session=s, archived=True)] == ["the critic"]
        assert parts.active_names(session=s) == {
            ids["the reacher"]: "the reacher", ids["the watcher"]: "the watcher",
        }  # fmt: skip
        assert parts.names_by_id(session=s, ids=[ids["the critic"], None]) == {
            ids["the critic"]: "the critic"
        }
        assert parts.names_by_id(session=s, ids=[]) == {}


def test_unknown_parts_are_a_calm_404(store: Store) -> None:
    for call in (
        lambda s: parts.get_part(session=s, part_id="0" * 32),
        lambda s: parts.update_part(session=s, part_id="0" * 32, name="x", now=NOW),
        lambda s: parts.set_archived(session=s, part_id="0" * 32, archived=True, now=NOW),
    ):
        with pytest.raises(EarnedError) as error, store.session() as s:
            call(s)
        assert error.value.status == 404


def test_the_loudest_part_of_a_moment_and_where_each_was_loudest(store: Store) -> None:
    watcher, critic = add(store, "the watcher"), add(store, "the critic")
    with store.session() as s:
        moments = [
            activations.log_activation(session=s, intensity=5, now=NOW - n * MIN).id
            for n in range(4)
        ]
    with store.session() as s:
        for moment in moments[:3]:
            chosen = activations.set_loudest_part(
                session=s, activation_id=moment, part_id=watcher, now=NOW + MIN
            )
            assert chosen == watcher
        activations.set_loudest_part(
            session=s, activation_id=moments[3], part_id=critic, now=NOW + MIN
        )
    with store.session() as s:
        assert parts.loudest_counts(session=s) == {watcher: 3, critic: 1}
        count, newest = parts.loudest_in(session=s, part_id=watcher, limit=2)
        assert count == 3 and [a.id for a in newest] == moments[:2]
        assert activations.loudest_part(session=s, activation_id=moments[0]) == watcher
        # Put away: a moment that named it keeps it; no other moment may choose it.
        parts.set_archived(session=s, part_id=critic, archived=True, now=NOW)
        assert (
            activations.set_loudest_part(
                session=s, activation_id=moments[3], part_id=critic, now=NOW + 2 * MIN
            )
            == critic
        )
    with pytest.raises(EarnedError, match="not on your map"), store.session() as s:
        activations.set_loudest_part(
            session=s, activation_id=moments[0], part_id=critic, now=NOW + 2 * MIN
        )
    with store.session() as s:
        cleared = activations.set_loudest_part(
            session=s, activation_id=moments[0], part_id=None, now=NOW + 3 * MIN
        )
        assert cleared is None
        assert activations.get_activation(session=s, activation_id=moments[0]).intensity == 5
        assert parts.loudest_counts(session=s) == {watcher: 2, critic: 1}


def test_practices_of_the_inner_kinds(store: Store) -> None:
    with store.session() as s:
        for n, kind in enumerate(["secure-figure", "breathing-box", "compassion-break"] * 3):
            practices.log_practice(
                session=s, kind=kind, seconds=60 + n, now=NOW - n * timedelta(days=3), note=f"n{n}"
            )
    with store.session() as s:
        newest = practices.recent_of_kinds(session=s, kinds=("secure-figure",), limit=2)
        assert newest == [
            ("secure-figure", NOW, 60, "n0"),
            ("secure-figure", NOW - timedelta(days=9), 63, "n3"),
        ]
        week = NOW - timedelta(days=7)
        assert practices.count_of_kinds(session=s, kinds=regulation.INNER_KINDS, since=week) == 2
        assert practices.count_of_kinds(session=s, kinds=("compassion-break",), since=week) == 1
        everything = practices.count_of_kinds(
            session=s, kinds=regulation.INNER_KINDS, since=NOW - timedelta(days=365)
        )
        assert everything == 6
