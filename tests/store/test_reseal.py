"""Re-sealing under a new server key (earned.store.reseal), on an encrypted SQLite file
and on PostgreSQL: afterwards every stored value carries the new key id and reads the
same; a rotation stopped after one batch leaves every value readable and resumes; values
written before any ring are sealed too; the counts by key say what still uses an old key."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from earned.store import Store, fields, reseal
from tests.support.sealed import imported, raw, without_time

BATCH = 25


class Stopped(Exception):
    """The rotation 'killed' after a committed batch."""


def stop_after(batches: int) -> Callable[[reseal.Resealed], None]:
    seen = [0]

    def after_batch(done: reseal.Resealed) -> None:
        seen[0] += 1
        if seen[0] >= batches:
            raise Stopped

    return after_batch


def snapshot(store: Store) -> dict[str, Any]:
    from earned.reports import export

    with store.session() as s:
        return without_time(export.snapshot(session=s))


def key_ids(store: Store) -> dict[str | None, int]:
    """How many stored values of the sealed columns carry each key id (None: not sealed)."""
    counts: dict[str | None, int] = {}
    for sealed in reseal.sealed_columns():
        for _i, value in raw(store, sealed.table.name, sealed.column.name):
            if value is None or value == "null":
                continue
            key_id = fields.key_id_of(value.strip('"') if sealed.json else value)
            counts[key_id] = counts.get(key_id, 0) + 1
    return counts


def usage(store: Store, ring: fields.Ring) -> reseal.Usage:
    with store.session() as s:
        return reseal.usage(s, ring)


@pytest.fixture
def first() -> fields.Ring:
    return fields.Ring("k1", {"k1": os.urandom(32)})


def test_after_a_rotation_every_value_carries_the_new_key_and_reads_the_same(
    store: Store, first: fields.Ring
) -> None:
    with fields.installed(first):
        before = imported(store)
    total = sum(key_ids(store).values())
    assert key_ids(store) == {"k1": total}
    second = first.with_new_key()
    with fields.installed(second):
        done = reseal.reseal(store.session, rows=BATCH)
        assert done.total == total
        assert key_ids(store) == {second.current: total}
        assert snapshot(store) == before
        counted = usage(store, second)
    assert counted.by_key == {"k1": 0, second.current: total}
    assert (counted.plain, counted.unknown) == (0, 0)
    with fields.installed(second.only_current()):  # the old key is no longer needed
        assert snapshot(store) == before
    with fields.installed(second):  # a second run has nothing left to do
        assert reseal.reseal(store.session, rows=BATCH).total == 0


def test_a_rotation_stopped_after_one_batch_reads_whole_and_resumes(
    store: Store, first: fields.Ring
) -> None:
    with fields.installed(first):
        before = imported(store)
    total = sum(key_ids(store).values())
    second = first.with_new_key()
    with fields.installed(second):
        with pytest.raises(Stopped):
            reseal.reseal(store.session, rows=BATCH, after_batch=stop_after(1))
        # One batch was committed: some values under the new key, the rest under the old.
        assert key_ids(store) == {second.current: BATCH, "k1": total - BATCH}
        assert snapshot(store) == before  # both keys are in the ring: everything reads
        assert usage(store, second).under(second.old_ids()) == total - BATCH
        with pytest.raises(Stopped):  # stopped again, further on
            reseal.reseal(store.session, rows=BATCH, after_batch=stop_after(3))
        resumed = reseal.reseal(store.session, rows=BATCH)
        assert key_ids(store) == {second.current: total}
        assert resumed.total < total - BATCH
        assert snapshot(store) == before


def test_values_written_before_any_ring_are_sealed_by_a_reseal(
    store: Store, first: fields.Ring
) -> None:
    before = imported(store)  # personal-mode words, plain
    total = sum(key_ids(store).values())
    assert key_ids(store) == {None: total}
    assert usage(store, first).plain == total
    with fields.installed(first):
        assert snapshot(store) == before  # plain values read as they are
        assert reseal.reseal(store.session, rows=BATCH).total == total
        assert key_ids(store) == {"k1": total}
        assert snapshot(store) == before


def test_values_under_a_key_the_ring_lacks_are_counted_and_stop_a_reseal(
    store: Store, first: fields.Ring
) -> None:
    with fields.installed(first):
        imported(store)
    stranger = fields.Ring("k7", {"k7": os.urandom(32)})
    assert usage(store, stranger).unknown == sum(key_ids(store).values())
    with fields.installed(stranger), pytest.raises(fields.SealError, match="server key k1"):
        reseal.reseal(store.session, rows=BATCH)


def test_nothing_is_resealed_without_a_ring(store: Store) -> None:
    from earned.errors import EarnedError

    with pytest.raises(EarnedError, match="No server key ring is installed"):
        reseal.reseal(store.session)


def test_a_reseal_inside_a_persons_block_keeps_their_name_bound(
    store: Store, first: fields.Ring
) -> None:
    with fields.installed(first), fields.owner("person-1"):
        before = imported(store)
    second = first.with_new_key()
    with fields.installed(second), fields.owner("person-1"):
        assert reseal.reseal(store.session, rows=BATCH).total == sum(key_ids(store).values())
        assert snapshot(store) == before
    with fields.installed(second), pytest.raises(fields.SealError, match="person's journal"):
        snapshot(store)  # the same words, read without naming whose journal it is
