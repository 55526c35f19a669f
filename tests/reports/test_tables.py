"""Export and import of the in-the-moment tables (activations, urge timers, practices, tools,
tool uses): exact round trip on both backends, all-or-nothing import of damaged records,
and older exports that do not have these tables at all."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from earned import paths
from earned.episodes import Pattern
from earned.errors import EarnedError
from earned.ladder import check_after
from earned.reports import export, tables
from earned.reports.tables import TABLES
from earned.session_prep import Picked
from earned.store import (
    Store,
    activations,
    entries,
    ladder,
    parts,
    people,
    personal,
    practices,
    session_notes,
    settings,
    toolkit,
    urge_timers,
)
from earned.store.models import (
    ActivationRow,
    Base,
    EntryRow,
    LadderAttemptRow,
    LadderRungRow,
    PartRow,
    PersonRatingRow,
    PersonRow,
    PracticeRow,
    RuptureRow,
    SessionNoteRow,
    ToolRow,
    ToolUseRow,
    UrgeDelayRow,
)
from tests.support import T0

MIN = timedelta(minutes=1)
KEYS = [t.key for t in TABLES]
FILLED = [  # by fill()
    "people",
    "person_ratings",
    "ruptures",
    "parts",
    "activations",
    "urge_delays",
    "practices",
    "tools",
    "tool_uses",
    "session_notes",
    "ladder_rungs",
    "ladder_attempts",
]
MODELS = (
    PersonRow,
    PersonRatingRow,
    RuptureRow,
    PartRow,
    ActivationRow,
    UrgeDelayRow,
    PracticeRow,
    ToolRow,
    ToolUseRow,
    SessionNoteRow,
    LadderRungRow,
    LadderAttemptRow,
)
TRICKY = "<b>he said 'later'</b> & \"then\" — 日本語 👩‍👩‍👧 ' OR 1=1; --\nsecond line"


def fill(store: Store) -> dict[str, str]:
    """Rows in all five tables, with every optional column used somewhere."""
    with store.session() as s:
        full = activations.log_activation(
            session=s,
            intensity=8,
            now=T0,
            onset=T0 - 5 * MIN,
            trigger=TRICKY,
            emotions=["abandoned", "panicked"],
            urge="text him again",
            tags=["sam", "evening"],
            client_token="tok-activation",
        )
        activations.update_details(
            session=s,
            activation_id=full.id,
            now=T0,
            body=["chest", "throat"],
            action="I breathed and waited",
            person="Sam",
            named_in_moment=True,
            pattern=Pattern("abandoned", "silence", "losing him", "being left", "text again"),
        )
        activations.mark_peak(session=s, activation_id=full.id, at=T0, now=T0 + MIN, intensity=9)
        activations.mark_settled(
            session=s, activation_id=full.id, at=T0 + 40 * MIN, now=T0 + 41 * MIN
        )
        bare = activations.log_activation(session=s, intensity=0, now=T0 + timedelta(days=1))
        activations.update_details(
            session=s, activation_id=bare.id, now=T0 + timedelta(days=1), named_in_moment=False
        )
        ended = urge_timers.start_urge(
            session=s, urge="check his phone", now=T0, activation_id=full.id, client_token="u1"
        )
        urge_timers.end_urge(session=s, urge_id=ended.id, outcome="waited", now=T0 + 14 * MIN)
        running = urge_timers.start_urge(session=s, urge="withdraw", now=T0 + timedelta(days=2))
        practice = practices.log_practice(
            session=s, kind="breathing-478", seconds=300, now=T0, note=TRICKY, client_token="p1"
        )
        practices.log_practice(session=s, kind="movement", seconds=1800, now=T0 + timedelta(days=3))
        walk = toolkit.add_tool(session=s, name="Walk around the block", now=T0)
        old = toolkit.add_tool(session=s, name="Scrolling", now=T0 - timedelta(days=30))
        toolkit.archive_tool(session=s, tool_id=old)
        toolkit.record_tool_use(
            session=s, tool_id=walk, before=8, after=3, now=T0 + 50 * MIN, client_token="t1"
        )
        toolkit.record_tool_use(session=s, tool_id=old, before=6, after=6, now=T0 - MIN)
        # Session prep: one note with everything, one with a line only.
        session_notes.add_note(
            session=s,
            now=T0 + timedelta(days=4),
            since_last=TRICKY,
            to_bring="the pull to text",
            picked=[
                Picked("activation", full.id, "Mon 02 Mar · " + TRICKY.replace("\n", " ")),
                Picked("pattern", "b" * 32, "Fear of being left, and the urge to text again"),
            ],
            session_at=T0 + timedelta(days=5),
            client_token="n1",
        )
        session_notes.add_note(
            session=s, now=T0 + timedelta(days=6), since_last=None, to_bring="x", picked=[]
        )
        # The ladder: a rung with an urge, a rung put away; a try done from the ended urge
        # timer, and one only planned.
        rung = ladder.add_rung(
            session=s, title=TRICKY, difficulty=40, urge="check his phone", now=T0
        )
        away = ladder.add_from_template(session=s, key="ask-small", now=T0 - MIN)
        ladder.archive_rung(session=s, rung_id=away.id)
        ladder.try_attempt(
            session=s,
            rung_id=rung.id,
            predicted=70,
            feared=TRICKY,
            person_name="Sam",
            now=T0 + 15 * MIN,
            after=check_after(20, TRICKY, True),
            urge_delay_id=ended.id,
            planned_at=T0,
            client_token="l1",
        )
        ladder.plan_attempt(session=s, rung_id=away.id, predicted=55, now=T0 + MIN)
        # The parts map: one part with every field, one put away (the loudest part of a
        # moment is in the property tests, tests/reports/test_export_properties.py).
        parts.add_part(
            session=s, name="The watcher", now=T0, protects=TRICKY, fears="being left",
            needs="reassurance", relations="argues with the one who wants space",
        )  # fmt: skip
        quiet = parts.add_part(session=s, name="The quiet one", now=T0 - timedelta(days=9))
        parts.set_archived(session=s, part_id=quiet.id, archived=True, now=T0 + MIN)
        # the people ledger: two people, two ratings, a rupture repaired and one not yet
        sam = people.add_person(session=s, name="Sam", role="partner", now=T0 - MIN, note=TRICKY)
        maya = people.add_person(session=s, name="Maya", role="friend", now=T0 - 2 * MIN)
        people.rate_person(
            session=s, person_id=sam.id, consistency=3, availability=2, safety=4, now=T0,
            note=TRICKY, client_token="r1",
        )  # fmt: skip
        people.rate_person(
            session=s, person_id=maya.id, consistency=5, availability=4, safety=5, now=T0 + MIN
        )
        people.log_rupture(
            session=s, person_id=sam.id, what=TRICKY, now=T0 + 2 * MIN, happened_at=T0 - MIN,
            reached_out="both", repaired_at=T0 + MIN, outcome=TRICKY, client_token="x1",
        )  # fmt: skip
        people.log_rupture(session=s, person_id=maya.id, what="I went quiet", now=T0)
        activations.link_person(
            session=s, activation_id=full.id, person_id=sam.id, now=T0 + 41 * MIN
        )
    return {
        "full": full.id,
        "bare": bare.id,
        "ended": ended.id,
        "running": running.id,
        "practice": practice,
        "walk": walk,
        "old": old,
        "sam": sam.id,
    }


def snap(store: Store) -> dict[str, Any]:
    with store.session() as s:
        return export.snapshot(session=s, now=T0 + timedelta(days=100))


def restore(store: Store, data: dict[str, Any]) -> dict[str, int]:
    with store.session() as s:
        return export.restore(session=s, data=data)


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {
            m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (*MODELS, EntryRow)
        }


EMPTY = {m.__tablename__: 0 for m in (*MODELS, EntryRow)}
FULL = {**EMPTY, **{m.__tablename__: 2 for m in MODELS}}


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    return export.parse_json(export.to_json(data).encode("utf-8"))


# --- round trip --------------------------------------------------------------------------------


def test_snapshot_restore_snapshot_is_identical(stores: Any) -> None:
    source = stores.new()
    fill(source)
    first = snap(source)
    assert {k: len(first[k]) for k in KEYS} == {
        **dict.fromkeys(KEYS, 0),
        **dict.fromkeys(FILLED, 2),
    }
    target = stores.new()
    got = restore(target, round_trip(first))
    assert got == {
        "assessments": 0,
        "entries": 0,
        "skipped": 0,
        **dict.fromkeys(KEYS, 0),
        **dict.fromkeys(FILLED, 2),
    }
    second = snap(target)
    assert second == first
    assert counts(target) == FULL
    # And the restored records read back as the same domain objects.
    for store in (source, target):
        with store.session() as s:
            assert len(activations.list_activations(session=s, open_only=True)) == 1
            (rank,) = toolkit.toolkit(session=s)
            assert (rank.name, rank.median_drop) == ("Walk around the block", 5)


def test_exported_records_hold_every_column(store: Store) -> None:
    ids = fill(store)
    data = snap(store)
    full = next(a for a in data["activations"] if a["id"] == ids["full"])
    assert full == {
        "id": ids["full"],
        "client_token": "tok-activation",
        "onset_at": "2026-03-02T09:25:00+00:00",
        "intensity": 8,
        "trigger": TRICKY,
        "tags": ["sam", "evening"],
        "body": ["chest", "throat"],
        "emotions": ["abandoned", "panicked"],
        "urge": "text him again",
        "action": "I breathed and waited",
        "person": "Sam",
        "named_in_moment": True,
        "pattern": {
            "feeling": "abandoned",
            "situation": "silence",
            "interpretation": "losing him",
            "fear": "being left",
            "urge": "text again",
        },
        "peak_at": "2026-03-02T09:30:00+00:00",
        "peak_intensity": 9,
        "settled_at": "2026-03-02T10:10:00+00:00",
        "created_at": "2026-03-02T09:30:00+00:00",
        "updated_at": "2026-03-02T10:11:00+00:00",
        "person_id": ids["sam"],
        "part_id": None,
    }
    # Oldest first within each table.
    assert [a["id"] for a in data["activations"]] == [ids["full"], ids["bare"]]
    assert [u["id"] for u in data["urge_delays"]] == [ids["ended"], ids["running"]]
    assert data["urge_delays"][0]["activation_id"] == ids["full"]
    assert data["urge_delays"][1]["ended_at"] is None
    assert [t["id"] for t in data["tools"]] == [ids["old"], ids["walk"]]
    assert data["tools"][0]["archived"] is True
    assert data["tool_uses"][0]["tool_id"] == ids["old"]


def test_restoring_twice_skips_everything_the_second_time(stores: Any) -> None:
    source = stores.new()
    fill(source)
    data = round_trip(snap(source))
    target = stores.new()
    restore(target, data)
    assert restore(target, data) == {
        "assessments": 0,
        "entries": 0,
        "skipped": sum(FULL.values()),
        **dict.fromkeys(KEYS, 0),
    }
    assert counts(target) == FULL
    assert restore(source, data)["skipped"] == sum(FULL.values())


def test_the_same_instant_in_another_offset_is_still_identical(store: Store) -> None:
    fill(store)
    data = round_trip(snap(store))
    tz = timezone(timedelta(hours=-7))
    for a in data["activations"]:
        for key in ("onset_at", "created_at"):
            a[key] = datetime.fromisoformat(a[key]).astimezone(tz).isoformat()
    assert restore(store, data)["skipped"] == sum(FULL.values())


def test_client_tokens_are_compared_exactly(store: Store) -> None:
    # A token is matched by the form that made it, so import must not trim it either.
    with store.session() as s:
        activations.log_activation(session=s, intensity=3, now=T0, client_token=" spaced ")
    data = round_trip(snap(store))
    assert data["activations"][0]["client_token"] == " spaced "
    assert restore(store, data)["skipped"] == 1


def test_restore_adds_to_what_is_there(stores: Any) -> None:
    source = stores.new()
    fill(source)
    target = stores.new()
    with target.session() as s:
        own = activations.log_activation(session=s, intensity=4, now=T0)
    restore(target, round_trip(snap(source)))
    assert counts(target)["activations"] == 3
    with target.session() as s:
        assert activations.get_activation(session=s, activation_id=own.id).intensity == 4


def test_an_older_export_without_the_new_tables_imports_fine(store: Store) -> None:
    older = {
        "format": "earned-export",
        "version": 1,
        "exported_at": "2025-12-01T10:00:00+00:00",
        "assessments": [],
        "entries": [
            {
                "id": "e" * 32,
                "kind": "origin",
                "prompt": None,
                "body": "from before the activation log existed",
                "created_at": "2025-11-30T20:00:00+00:00",
                "updated_at": "2025-11-30T20:00:00+00:00",
            }
        ],
        "settings": {"region": "GB"},
    }
    got = restore(store, round_trip(older))
    assert got == {"assessments": 0, "entries": 1, "skipped": 0, **dict.fromkeys(KEYS, 0)}
    assert counts(store) == {**EMPTY, "entries": 1}
    data = snap(store)
    assert all(data[k] == [] for k in KEYS)


def test_empty_sections_import_fine(store: Store) -> None:
    data = round_trip(snap(store))
    assert all(data[k] == [] for k in KEYS)
    assert restore(store, data) == {
        "assessments": 0,
        "entries": 0,
        "skipped": 0,
        **dict.fromkeys(KEYS, 0),
    }


# --- conflicts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [
        ("activations", "intensity", 3),
        ("activations", "emotions", ["calm"]),
        ("activations", "settled_at", None),
        ("urge_delays", "outcome", "acted"),
        ("practices", "seconds", 301),
        ("tools", "name", "Walk slowly"),
        ("tool_uses", "after", 4),
    ],
)
def test_a_conflicting_record_imports_nothing(
    stores: Any, key: str, field: str, value: Any
) -> None:
    source = stores.new()
    fill(source)
    data = round_trip(snap(source))
    target = stores.new()
    restore(target, copy.deepcopy(data))
    with target.session() as s:
        activations.log_activation(session=s, intensity=1, now=T0 + timedelta(days=9))
    before = counts(target)
    # The file now disagrees with the journal about one record; it also brings new ones
    # (an entry, and one new record in every table) that must not land either.
    changed = copy.deepcopy(data)
    changed[key][0][field] = value
    changed["entries"].append(
        {
            "id": "e" * 32,
            "kind": "origin",
            "prompt": None,
            "body": "new",
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
    )
    changed["activations"].append({**data["activations"][1], "id": "a" * 32})
    changed["practices"].append({**data["practices"][1], "id": "b" * 32})
    with pytest.raises(EarnedError) as error:
        restore(target, changed)
    assert error.value.message.endswith(
        "could not be imported: your journal already has it, with other content. "
        "Nothing was imported."
    )
    assert error.value.message.startswith("The ")  # the record by kind and date, in words
    assert counts(target) == before
    with target.session() as s:
        assert entries.list_entries(session=s) == []


# --- damaged records ---------------------------------------------------------------------------

Damage = Callable[[dict[str, Any]], Any]


def _set(key: str, index: int, **values: Any) -> Damage:
    return lambda d: d[key][index].update(values)


def _drop(key: str, index: int, field: str) -> Damage:
    return lambda d: d[key][index].pop(field)


# (damage, message) pairs; each runs against a fresh store, none may import anything.
DAMAGED: list[tuple[str, Damage, str]] = [
    # wrong types
    ("intensity as text", _set("activations", 0, intensity="8"), "missing or of the wrong kind"),
    ("intensity as float", _set("activations", 0, intensity=8.0), "missing or of the wrong kind"),
    ("intensity as bool", _set("activations", 0, intensity=True), "missing or of the wrong kind"),
    ("tags not a list", _set("activations", 0, tags="sam"), "missing or of the wrong kind"),
    ("emotion not text", _set("activations", 0, emotions=[1]), "missing or of the wrong kind"),
    ("trigger as number", _set("activations", 0, trigger=7), "missing or of the wrong kind"),
    (
        "named as text",
        _set("activations", 0, named_in_moment="yes"),
        "missing or of the wrong kind",
    ),
    ("pattern as text", _set("activations", 0, pattern="I feel"), "missing or of the wrong kind"),
    (
        "pattern part number",
        _set("activations", 0, pattern={"fear": 3}),
        "missing or of the wrong kind",
    ),
    ("seconds as text", _set("practices", 0, seconds="300"), "impossible length"),
    ("archived as 0", _set("tools", 0, archived=0), "missing or of the wrong kind"),
    ("before as text", _set("tool_uses", 0, before="8"), "missing or of the wrong kind"),
    ("tool id number", _set("tool_uses", 0, tool_id=5), "missing or of the wrong kind"),
    (
        "record not object",
        lambda d: d["activations"].append([1, 2]),
        "missing or of the wrong kind",
    ),
    ("section not list", lambda d: d.update(tools=7), "incomplete or damaged"),
    ("section is null", lambda d: d.update(practices=None), "incomplete or damaged"),
    ("time as number", _set("activations", 0, onset_at=1772443500), "missing or of the wrong kind"),
    (
        "unreadable time",
        _set("urge_delays", 0, started_at="yesterday"),
        "missing or of the wrong kind",
    ),
    # out of range
    ("intensity 11", _set("activations", 0, intensity=11), "11 is outside that"),
    ("intensity -1", _set("activations", 1, intensity=-1), "-1 is outside that"),
    ("peak intensity 11", _set("activations", 0, peak_intensity=11), "11 is outside that"),
    ("tool before 11", _set("tool_uses", 0, before=11), "11 is outside that"),
    ("tool after -2", _set("tool_uses", 1, after=-2), "-2 is outside that"),
    ("seconds 0", _set("practices", 0, seconds=0), "impossible length"),
    ("seconds too long", _set("practices", 0, seconds=4 * 3600 + 1), "impossible length"),
    ("unknown practice", _set("practices", 0, kind="yoga"), "practice of an unknown kind"),
    ("bad outcome", _set("urge_delays", 0, outcome="gave in"), "please choose how it ended"),
    ("trigger too long", _set("activations", 0, trigger="t" * 501), "501 characters"),
    ("person too long", _set("activations", 0, person="p" * 121), "121 characters"),
    ("tool name too long", _set("tools", 0, name="n" * 121), "121 characters"),
    ("too many tags", _set("activations", 0, tags=[f"t{n}" for n in range(21)]), "at most 20"),
    ("unknown body area", _set("activations", 0, body=["elbow"]), "'elbow' is not one of"),
    # times
    ("naive onset", _set("activations", 0, onset_at="2026-03-02T09:25:00"), "time zone"),
    ("naive settled", _set("activations", 0, settled_at="2026-03-02T10:00:00"), "time zone"),
    ("naive practice", _set("practices", 0, started_at="2026-03-02T09:30:00"), "time zone"),
    ("naive tool use", _set("tool_uses", 0, used_at="2026-03-02T09:30:00"), "time zone"),
    ("missing onset", _drop("activations", 0, "onset_at"), "its onset time is missing"),
    ("missing created", _set("tools", 0, created_at=None), "its created time is missing"),
    (
        "settled before onset",
        _set("activations", 0, settled_at="2026-03-02T09:00:00+00:00"),
        "times out of order",
    ),
    (
        "peak before onset",
        _set("activations", 0, peak_at="2026-03-02T09:00:00+00:00"),
        "times out of order",
    ),
    (
        "settled before peak",
        _set("activations", 0, peak_at="2026-03-02T10:20:00+00:00"),
        "times out of order",
    ),
    (
        "timer ends before it starts",
        _set("urge_delays", 0, ended_at="2026-03-02T09:00:00+00:00"),
        "ends before it starts",
    ),
    ("ended without outcome", _set("urge_delays", 0, outcome=None), "ended without an outcome"),
    ("outcome while running", _set("urge_delays", 1, outcome="waited"), "ended without an outcome"),
    # missing required values
    ("empty urge", _set("urge_delays", 0, urge=" "), "timer without an urge"),
    ("null urge", _set("urge_delays", 0, urge=None), "timer without an urge"),
    ("empty tool name", _set("tools", 0, name=""), "tool without a name"),
    ("null tool id", _set("tool_uses", 0, tool_id=None), "missing or of the wrong kind"),
    ("missing tags", _drop("activations", 0, "tags"), "missing or of the wrong kind"),
    ("missing archived", _drop("tools", 0, "archived"), "missing or of the wrong kind"),
    # ids and references
    (
        "id too long",
        _set("activations", 0, id="x" * 33),
        "its id is not one earned could have made",
    ),
    ("id number", _set("practices", 0, id=12), "its id is not one earned could have made"),
    ("missing id", _drop("tools", 0, "id"), "its id is not one earned could have made"),
    ("duplicate activation", lambda d: d["activations"].append(d["activations"][0]), "twice"),
    ("duplicate tool", lambda d: d["tools"].append(dict(d["tools"][1])), "twice"),
    (
        "duplicate tool use",
        lambda d: d["tool_uses"].append({**d["tool_uses"][0], "client_token": None}),
        "twice",
    ),
    (
        "duplicate client token",
        lambda d: d["practices"].append({**d["practices"][0], "id": "c" * 32}),
        "cannot store",
    ),
    ("unknown tool", _set("tool_uses", 0, tool_id="f" * 32), "cannot store"),
    ("unknown activation", _set("urge_delays", 0, activation_id="f" * 32), "cannot store"),
    ("token too long", _set("practices", 0, client_token="t" * 65), "repeat-guard token"),
    ("token a number", _set("activations", 0, client_token=7), "repeat-guard token"),
    # session notes: the picked list's shape and limits, and a note that says something
    ("picked not a list", _set("session_notes", 0, picked={"kind": "pattern"}), "wrong kind"),
    (
        "picked item with another key",
        _set("session_notes", 0, picked=[{"kind": "pattern", "id": "b", "text": "t", "x": 1}]),
        "wrong kind",
    ),
    (
        "picked of an unknown kind",
        _set("session_notes", 0, picked=[{"kind": "letter", "id": "b", "text": "t"}]),
        "kind earned does not know",
    ),
    (
        "picked text too long",
        _set("session_notes", 0, picked=[{"kind": "pattern", "id": "b", "text": "t" * 601}]),
        "601 characters",
    ),
    (
        "picked twice",
        _set("session_notes", 0, picked=[{"kind": "pattern", "id": "b", "text": "t"}] * 2),
        "picked twice",
    ),
    ("note text too long", _set("session_notes", 1, to_bring="b" * 4001), "4,001 characters"),
    ("empty note", _set("session_notes", 1, to_bring=None), "nothing in it"),
    (
        "note changed before written",
        _set("session_notes", 0, updated_at="2026-03-01T00:00:00+00:00"),
        "changed before it was written",
    ),
]


@pytest.fixture(scope="module")
def valid_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One good export with every table filled, made once."""
    profile = paths.profile("source", tmp_path_factory.mktemp("tables-source"))
    source, _key = personal.set_up(profile, "a calm harbour at dawn")
    try:
        fill(source)
        return round_trip(snap(source))
    finally:
        source.close()


def test_the_valid_export_imports(store: Store, valid_export: dict[str, Any]) -> None:
    restore(store, copy.deepcopy(valid_export))
    assert counts(store) == FULL


@pytest.mark.parametrize(
    ("damage", "message"), [d[1:] for d in DAMAGED], ids=[d[0] for d in DAMAGED]
)
def test_damaged_records_import_nothing(
    stores: Any, valid_export: dict[str, Any], damage: Damage, message: str
) -> None:
    data = copy.deepcopy(valid_export)
    # Something valid comes first in the file, so a half import would show.
    data["entries"] = [
        {
            "id": "e" * 32,
            "kind": "origin",
            "prompt": None,
            "body": "written before the damage",
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
    ]
    data["settings"] = {"region": "GB"}
    damage(data)
    target = stores.new()
    with pytest.raises(EarnedError, match=message) as error:
        restore(target, data)
    assert error.value.message.endswith(("Nothing was imported.", "nothing was imported."))
    assert counts(target) == EMPTY
    with target.session() as s:
        assert settings.all_settings(session=s) == {}


def test_every_table_is_described_once() -> None:
    # Every stored table but the questionnaires, entries and settings (export.py writes
    # those itself), each once, after every table it refers to (import inserts in order).
    own = {"assessments", "answers", "entries", "settings"}
    assert sorted(KEYS) == sorted(set(Base.metadata.tables) - own)
    assert len(KEYS) == len(set(KEYS))
    for n, table in enumerate(TABLES):
        refers = {fk.column.table.name for fk in table.model.__table__.foreign_keys} - own
        assert refers <= set(KEYS[:n]), (table.key, refers - set(KEYS[:n]))
    for table in TABLES:
        columns = {c.key for c in table.model.__table__.columns}
        # Each column is the id, a time, or has a check: nothing is imported unchecked.
        assert columns == {"id", *table.times, *table.checks}, table.key
        assert table.order in table.times
    assert tables.TABLES is TABLES
