"""Server mode's field encryption (earned.store.fields) on an encrypted SQLite file and on
PostgreSQL: every sealed column round-trips through the store with a ring installed and
its raw rows hold no words; a token moved to another column or table does not open; no
ring, an unknown key or damage is a clear error; without a ring (personal mode) the words
are stored exactly as before; the key file and the environment variable."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from earned import (
    beliefs,
    episodes,
    journal,
    ladder,
    origin_links,
    parts,
    people,
    recommit,
    regulation,
    session_prep,
)
from earned.errors import EarnedError
from earned.reports import export
from earned.store import Store, activations, fields, reseal
from earned.store import origin_links as link_store
from earned.store.models import Base
from tests.support import T0
from tests.support.sealed import imported, raw, raw_table, without_time, words_in

DOCS = Path(__file__).parents[2] / "docs" / "privacy-and-threat-model.md"


@pytest.fixture
def ring() -> Iterator[fields.Ring]:
    """A fresh ring installed for the test only (put back as it was afterwards)."""
    made = fields.Ring("k1", {"k1": os.urandom(32)})
    with fields.installed(made):
        yield made


# --- the columns ------------------------------------------------------------------------------


def test_every_sealed_type_names_its_own_table_and_column() -> None:
    for sealed in reseal.sealed_columns():
        kind = sealed.column.type
        assert isinstance(kind, fields.SealedText | fields.SealedJSON)
        assert (kind.table, kind.column) == (sealed.table.name, sealed.column.name)
    assert len(reseal.sealed_columns()) >= 30


def test_the_privacy_document_lists_every_sealed_column_as_sealed() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    section = doc.split("## Server mode: what a database administrator can and cannot see")[1]
    section = section.split("\n## ")[0]
    for sealed in reseal.sealed_columns():
        assert f"`{sealed.name}` | sealed" in section, sealed.name
    plain = {
        f"{t.name}.{c.name}"
        for t in Base.metadata.sorted_tables
        for c in t.columns
        if str(c.type).startswith(("VARCHAR", "TEXT", "JSON"))
        and not isinstance(c.type, fields.SealedText | fields.SealedJSON)
        and c.name not in ("id", "client_token")
        and not c.name.endswith("_id")
    }
    for name in sorted(plain):
        assert f"`{name}` | plain" in section, name


# --- round trip -------------------------------------------------------------------------------


def test_every_sealed_column_round_trips_and_its_raw_rows_hold_no_words(
    stores: Any, ring: fields.Ring
) -> None:
    with fields.installed(None):
        plain_store = stores.new()
        expected = imported(plain_store)
    store = stores.new()
    assert imported(store) == expected  # the import and the export: the same words
    plain_values: dict[str, list[str | None]] = {}
    for sealed in reseal.sealed_columns():
        stored = raw(store, sealed.table.name, sealed.column.name)
        assert stored, sealed.name
        values = [v for _i, v in stored if v not in (None, "null")]
        assert values, f"the demo never fills {sealed.name}"
        assert all(sealed.prefix(ring.current) in v for v in values), sealed.name
        plain_values[sealed.name] = [v for _i, v in raw(plain_store, *sealed.name.split("."))]
    # The words of every sealed column are nowhere in the raw tables, unless a plain
    # column of the same table holds them too (a feeling in a pattern sentence is often
    # also one of the chosen emotion words).
    dumps = {t.name: raw_table(store, t.name) for t in Base.metadata.sorted_tables}
    plain_dumps = {
        t.name: raw_table(store, t.name, plain_only=True) for t in Base.metadata.sorted_tables
    }
    looked = 0
    for sealed in reseal.sealed_columns():
        for value in plain_values[sealed.name]:
            if value is None or value == "null":
                continue
            stored = json.loads(value) if sealed.json else value
            for words in words_in(stored):
                looked += 1
                table = sealed.table.name
                assert words not in dumps[table] or words in plain_dumps[table], sealed.name
    assert looked > 500


def test_without_a_ring_the_words_are_stored_as_they_always_were(stores: Any) -> None:
    assert fields.current() is None
    store = stores.new()
    snap = imported(store)
    bodies = [v for _i, v in raw(store, "entries", "body")]
    assert sorted(bodies) == sorted(e["body"] for e in snap["entries"])
    triggers = {i: v for i, v in raw(store, "activations", "trigger")}
    for a in snap["activations"]:
        assert triggers[a["id"]] == a["trigger"]
    patterns = {i: v for i, v in raw(store, "activations", "pattern")}
    for a in snap["activations"]:
        # The JSON column as before: the object's JSON text, and the JSON null for none.
        assert patterns[a["id"]] is not None
        assert json.loads(patterns[a["id"]]) == a["pattern"]
    for sealed in reseal.sealed_columns():
        assert not any(
            v and v.lstrip('"').startswith(fields.PREFIX)
            for _i, v in raw(store, *sealed.name.split("."))
        )


def test_history_search_and_links_to_one_target_work_on_sealed_words(
    stores: Any, ring: fields.Ring
) -> None:
    store = stores.new()
    with store.session() as s:
        for n in range(7):
            activations.log_activation(
                session=s,
                intensity=5,
                now=T0 + timedelta(minutes=n),
                trigger=f"Rain on the Window {n}" if n % 2 else f"quiet evening {n}",
            )
        found, more = activations.history(
            session=s, where=episodes.Filter(contains="WINDOW"), limit=2
        )
        assert [a.trigger for a in found] == ["Rain on the Window 5", "Rain on the Window 3"]
        assert more
        last = found[-1]
        rest, more = activations.history(
            session=s,
            where=episodes.Filter(contains="window"),
            before=(last.onset_at, last.id),
            limit=2,
        )
        assert [a.trigger for a in rest] == ["Rain on the Window 1"] and not more
    with store.session() as s:
        from earned.store import beliefs as belief_store
        from earned.store import entries

        origin = entries.add_entry(
            session=s, kind="origin", prompt=None, body="Nobody came when I called.", now=T0
        )
        made = [
            belief_store.add_belief(
                session=s,
                details=beliefs.check_details(belief=words),
                strength=60,
                now=T0,
            )
            for words in ("I am too much", "People leave")
        ]
        for b in made:
            link_store.add_link(
                session=s,
                entry_id=origin.id,
                passage="Nobody came",
                choice=origin_links.Target("belief", b.id, "").choice,
                now=T0,
            )
        linked = link_store.to(session=s, kind="belief", target=made[1].id)
        assert [(x.target, x.passage) for x in linked] == [(made[1].id, "Nobody came")]
    assert made[1].id not in raw_table(store, "origin_links")


# --- binding, keys and damage -----------------------------------------------------------------


def _one_entry(store: Store, body: str) -> str:
    from earned.store import entries

    with store.session() as s:
        return entries.add_entry(session=s, kind="origin", prompt=None, body=body, now=T0).id


def _urge_of(store: Store, activation_id: str) -> str | None:
    with store.session() as s:
        return activations.get_activation(session=s, activation_id=activation_id).urge


def _body_of(store: Store, entry_id: str) -> str:
    from earned.store import entries

    with store.session() as s:
        return entries.get_entry(session=s, entry_id=entry_id).body


def _set_raw(store: Store, table: str, column: str, row_id: str, value: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {table} SET {column} = :v WHERE id = :i"), {"v": value, "i": row_id}
        )


def test_a_token_moved_to_another_column_or_table_does_not_open(
    store: Store, ring: fields.Ring
) -> None:
    entry_id = _one_entry(store, "the words of an entry")
    token = raw(store, "entries", "body")[0][1]
    assert token is not None
    with store.session() as s:
        a = activations.log_activation(session=s, intensity=4, now=T0, trigger="t", urge="u")
    _set_raw(store, "activations", "urge", a.id, token)  # another table and column
    with pytest.raises(fields.SealError, match=r"activations\.urge do not open") as caught:
        _urge_of(store, a.id)
    assert "the words of an entry" not in str(caught.value)
    trigger = raw(store, "activations", "trigger")[0][1]
    assert trigger is not None
    _set_raw(store, "activations", "urge", a.id, trigger)  # same table, another column
    with pytest.raises(fields.SealError, match="moved there from another column"):
        _urge_of(store, a.id)
    _set_raw(store, "activations", "urge", a.id, trigger[:-6] + "AAAA==")  # changed bytes
    with pytest.raises(fields.SealError, match=r"activations\.urge"):
        _urge_of(store, a.id)
    assert entry_id


def test_no_ring_or_an_unknown_key_is_a_clear_error_never_the_token(store: Store) -> None:
    first = fields.Ring("k1", {"k1": os.urandom(32)})
    with fields.installed(first):
        entry_id = _one_entry(store, "what I never said aloud")
    with pytest.raises(fields.SealError, match="no server key ring is loaded") as caught:
        _body_of(store, entry_id)
    assert caught.value.status == 503
    other = fields.Ring("k2", {"k2": os.urandom(32)})
    with fields.installed(other), pytest.raises(fields.SealError, match="server key k1"):
        _body_of(store, entry_id)
    with fields.installed(first.with_new_key()):  # the old key is still in the ring
        assert _body_of(store, entry_id) == "what I never said aloud"
    _set_raw(store, "entries", "body", entry_id, "sealed:v1:k1:not-a-token")
    with fields.installed(first), pytest.raises(fields.SealError, match="not a whole sealed token"):
        _body_of(store, entry_id)


def test_personal_mode_refuses_words_shaped_exactly_like_a_token(store: Store) -> None:
    shaped = fields.Ring("k1", {"k1": os.urandom(32)}).seal("x", "entries", "body")
    with pytest.raises(EarnedError, match="exact shape of a sealed server value"):
        _one_entry(store, shaped)
    # Words that only begin like one are kept and read back as written.
    entry_id = _one_entry(store, "sealed:v1: is how I felt")
    from earned.store import entries

    with store.session() as s:
        assert entries.get_entry(session=s, entry_id=entry_id).body == "sealed:v1: is how I felt"


def test_installing_is_undone_by_the_context_manager() -> None:
    assert fields.current() is None
    first = fields.Ring("k1", {"k1": os.urandom(32)})
    with fields.installed(first):
        with fields.installed(None):
            assert fields.current() is None
        assert fields.current() is first
    assert fields.current() is None


# --- the ring's file and variable -------------------------------------------------------------


def test_the_key_file_is_private_never_overwritten_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = fields.create_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert fields.read_file(path) == ring
    assert "keys" in json.loads(path.read_text()) and repr(ring).count("k") >= 1
    assert all(k.hex() not in repr(ring) for k in ring.keys.values())
    with pytest.raises(EarnedError, match="not overwritten"):
        fields.create_file(path)
    rotated = ring.with_new_key()
    fields.write_file(path, rotated)
    assert fields.read_file(path) == rotated and rotated.old_ids() == [ring.current]
    assert not list(tmp_path.glob(".*.tmp"))
    path.chmod(0o644)
    with pytest.raises(EarnedError, match="must be 0600"):
        fields.read_file(path)
    path.chmod(0o600)
    body = json.loads(path.read_text())
    body["current"] = ring.current
    path.write_text(json.dumps(body))
    with pytest.raises(EarnedError, match="checksum"):
        fields.read_file(path)
    with pytest.raises(EarnedError, match="No server key file"):
        fields.read_file(tmp_path / "missing.json")
    with pytest.raises(EarnedError, match="cannot be written"):
        fields.create_file(tmp_path / "no-such-folder" / "keys.json")


def test_the_environment_variable_comes_before_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "keys.json"
    on_disk = fields.create_file(path)
    monkeypatch.delenv(fields.ENV, raising=False)
    assert fields.load(path) == on_disk
    assert fields.load(None) is None
    with pytest.raises(EarnedError, match="no server key ring was given"):
        fields.load_required(None)
    assert fields.load_required(path) == on_disk
    in_env = fields.Ring("k9", {"k9": os.urandom(32)})
    monkeypatch.setenv(fields.ENV, fields.to_json(in_env).decode())
    assert fields.load(path) == in_env
    monkeypatch.setenv(fields.ENV, "not json")
    with pytest.raises(EarnedError, match=f"The {fields.ENV} variable is not a server key"):
        fields.load(path)


# --- a property: sealing then opening gives the words back ---------------------------------

LIMITS = {
    "activations.trigger": episodes.MAX_SHORT_TEXT,
    "activations.urge": episodes.MAX_SHORT_TEXT,
    "activations.action": episodes.MAX_SHORT_TEXT,
    "entries.body": journal.MAX_BODY,
    "beliefs.belief": beliefs.MAX_BELIEF,
    "beliefs.origin": beliefs.MAX_TEXT,
    "beliefs.alternative": beliefs.MAX_BELIEF,
    "belief_ratings.note": beliefs.MAX_NOTE,
    "ladder_attempts.feared": ladder.MAX_FEARED,
    "ladder_attempts.happened": ladder.MAX_HAPPENED,
    "parts.protects": parts.MAX_TEXT,
    "people.note": people.MAX_NOTE,
    "ruptures.what": people.MAX_WHAT,
    "ruptures.outcome": people.MAX_OUTCOME,
    "practices.note": regulation.MAX_NOTE,
    "recommits.noticed": recommit.MAX_NOTICED,
    "recommits.note": recommit.MAX_NOTE,
    "session_notes.since_last": session_prep.MAX_TEXT,
    "origin_links.passage": origin_links.MAX_PASSAGE,
}
NAMES = [s.name for s in reseal.sealed_columns() if not s.json]
PROPERTY_RING = fields.Ring("k1", {"k1": bytes(range(32))}).with_new_key()


@st.composite
def column_and_words(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(NAMES))
    limit = LIMITS.get(name, journal.MAX_BODY)
    size = draw(st.sampled_from([0, 1, 40, limit]))
    return name, draw(st.text(st.characters(codec="utf-8"), min_size=min(size, 1), max_size=size))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(column_and_words())
def test_sealing_then_opening_any_words_up_to_the_columns_limit_gives_them_back(
    drawn: tuple[str, str],
) -> None:
    name, words = drawn
    table, column = name.split(".")
    token = PROPERTY_RING.seal(words, table, column)
    assert fields.is_token(token) and fields.key_id_of(token) == PROPERTY_RING.current
    assert PROPERTY_RING.open(token, table, column) == words
    kind = fields.SealedText(table, column)
    with fields.installed(PROPERTY_RING):
        stored = kind.process_bind_param(words, None)  # type: ignore[arg-type]
        assert stored is not None and stored != words
        assert kind.process_result_value(stored, None) == words  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(
    st.fixed_dictionaries(
        {p: st.text(max_size=episodes.MAX_PATTERN_PART) for p in episodes.PATTERN_PARTS}
    )
)
def test_a_sealed_json_value_opens_to_the_same_value(pattern: dict[str, str]) -> None:
    kind = fields.SealedJSON("activations", "pattern")
    with fields.installed(PROPERTY_RING):
        stored = kind.process_bind_param(pattern, None)  # type: ignore[arg-type]
        assert isinstance(stored, str) and fields.is_token(stored)
        assert kind.process_result_value(stored, None) == pattern  # type: ignore[arg-type]
    with fields.installed(None):
        assert kind.process_bind_param(pattern, None) is pattern  # type: ignore[arg-type]


def test_an_export_made_with_one_ring_imports_with_another_as_the_same_words(
    stores: Any, ring: fields.Ring
) -> None:
    source = stores.new()
    words = imported(source)
    with source.session() as s:
        exported = export.to_json(export.snapshot(session=s))
    assert "sealed:v1:" not in exported  # an export holds the words, as in personal mode
    other = fields.Ring("k2", {"k2": os.urandom(32)})
    target = stores.new()
    with fields.installed(other):
        with target.session() as s:
            export.restore(session=s, data=export.parse_json(exported))
        with target.session() as s:
            assert without_time(export.snapshot(session=s)) == words
    assert all(str(v).startswith("sealed:v1:k2:") for _i, v in raw(target, "entries", "body"))


def test_a_token_copied_into_another_persons_journal_does_not_open(
    stores: Any, ring: fields.Ring
) -> None:
    alice, bob = stores.new(), stores.new()  # two journals (two schemas in server mode)
    with fields.owner("alice"):
        alice_entry = _one_entry(alice, "what only Alice wrote")
    with fields.owner("bob"):
        bob_entry = _one_entry(bob, "what Bob wrote")
    token = raw(alice, "entries", "body")[0][1]
    assert token is not None
    _set_raw(bob, "entries", "body", bob_entry, token)
    with fields.owner("bob"), pytest.raises(fields.SealError, match="person's journal") as caught:
        _body_of(bob, bob_entry)
    assert "Alice" not in str(caught.value)
    with pytest.raises(fields.SealError, match=r"entries\.body do not open"):
        _body_of(alice, alice_entry)  # no owner named: not Alice's journal either
    with fields.owner("alice"):
        assert _body_of(alice, alice_entry) == "what only Alice wrote"
        with fields.owner("bob"), pytest.raises(fields.SealError):
            _body_of(alice, alice_entry)  # inside a block for Bob: Bob's
        assert _body_of(alice, alice_entry) == "what only Alice wrote"  # put back after it


def _pages(store: Store, where: episodes.Filter) -> list[str]:
    """Every moment `where` keeps, newest first, read five at a time."""
    seen: list[str] = []
    before = None
    while True:
        with store.session() as s:
            found, more = activations.history(session=s, where=where, before=before, limit=5)
        seen += [a.id for a in found]
        if not more:
            return seen
        before = (found[-1].onset_at, found[-1].id)


@pytest.mark.parametrize(
    "where",
    [
        episodes.Filter(tag="sam"),
        episodes.Filter(tag="weekend"),
        episodes.Filter(emotion="lonely"),
        episodes.Filter(contains="ANSWER"),
        episodes.Filter(tag="sam", contains="read"),
        episodes.Filter(emotion="desperate", person="Sam"),
        episodes.Filter(contains="never written anywhere"),
    ],
    ids=repr,
)
def test_the_history_filters_find_the_same_moments_sealed_or_not(
    stores: Any, where: episodes.Filter
) -> None:
    plain = stores.new()
    imported(plain)
    expected = _pages(plain, where)
    assert expected or where.contains == "never written anywhere"
    with fields.installed(fields.Ring("k1", {"k1": os.urandom(32)})):
        sealed = stores.new()
        imported(sealed)
        assert _pages(sealed, where) == expected


def test_the_commonest_words_and_the_hand_off_are_the_same_sealed_or_not(stores: Any) -> None:
    from datetime import UTC, date

    from earned.store import handoff

    def read(store: Store) -> tuple[Any, ...]:
        since = T0 - timedelta(days=365)
        with store.session() as s:
            return (
                activations.top_words(session=s, since=since),
                activations.top_words(session=s, since=since, column="tags", most=5),
                activations.recent_tags(session=s),
                handoff.gather(session=s, start=date(2025, 12, 1), end=date(2026, 1, 31), zone=UTC),
            )

    plain = stores.new()
    imported(plain)
    expected = read(plain)
    assert expected[0][0] == ("desperate", 10) and expected[3].moments.words
    with fields.installed(fields.Ring("k1", {"k1": os.urandom(32)})):
        sealed = stores.new()
        imported(sealed)
        assert read(sealed) == expected


def test_the_commonest_words_count_lists_written_before_the_ring_and_after(stores: Any) -> None:
    """A journal begun without a ring holds plain word lists; sealing starts with the ring.
    The sealed reading of the commonest words (stored text, opened here) counts both, and
    a moment without words adds nothing."""
    store = stores.new()

    def log(words: list[str] | None, days_ago: int) -> None:
        when = T0 - timedelta(days=days_ago)
        with store.session() as s:
            activations.log_activation(session=s, intensity=5, now=when, emotions=words)

    log(["lonely", "afraid"], 3)
    log(["lonely"], 2)
    with fields.installed(fields.Ring("k1", {"k1": os.urandom(32)})):
        log(["afraid", "lonely"], 1)
        log(None, 1)
        log(["calm"], 400)  # outside the window
        stored = [v or "" for _id, v in raw(store, "activations", "emotions")]
        assert sum(fields.PREFIX in v for v in stored) == 3  # the three written with it
        with store.session() as s:
            found = activations.top_words(session=s, since=T0 - timedelta(days=30))
    assert found == [("lonely", 3), ("afraid", 2)]
