"""Export and import: JSON round trip on both backends, all-or-nothing import, damaged
files, exact text, and the CSV and Markdown forms."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from earned import paths
from earned.errors import EarnedError
from earned.reports import export
from earned.reports.tables import TABLES
from earned.store import Store, assessments, entries, personal, settings
from earned.store.models import AnswerRow, AssessmentRow, EntryRow
from tests.support import T0

NO_MOMENTS = {t.key: 0 for t in TABLES}


# Text that must survive every step byte for byte: markup, quotes, SQL, right-to-left,
# combining marks, joiners, emoji, CJK, tabs and blank lines.
TRICKY = (
    '<script>alert("x")</script><img src=x onerror=alert(1)> & &amp; </textarea>\n'
    "\t'; DROP TABLE entries; --\n\n"
    "שָׁלוֹם · مرحبا · 日本語 · e\u0301 · 👩‍👩‍👧 · 🌊\u200b · \\n not a newline · ${x} {{ y }}"
)
# Reverse-keyed ECR items (codebook): used to work out expected scores by hand.
REVERSED = {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}


def fill(store: Store) -> dict[str, str]:
    """A small but complete journal; returns the ids it made."""
    ids: dict[str, str] = {}
    with store.session() as s:
        done = assessments.start_assessment(session=s, instrument_id="ecr", now=T0)
        for item in range(1, 37):
            # Even items (anxiety) answered 4, odd items (avoidance) answered 2.
            value = 4 if item % 2 == 0 else 2
            assessments.record_answer(
                session=s,
                assessment_id=done.id,
                item=item,
                value=value,
                now=T0 + timedelta(minutes=item),
            )
        assessments.complete_assessment(
            session=s, assessment_id=done.id, now=T0 + timedelta(hours=1)
        )
        partial = assessments.start_assessment(
            session=s, instrument_id="ecr", now=T0 + timedelta(days=30)
        )
        for item in range(1, 6):
            assessments.record_answer(
                session=s, assessment_id=partial.id, item=item, value=5, now=T0 + timedelta(days=30)
            )
        first = entries.add_entry(
            session=s, kind="reflection", prompt="distance", body="I go quiet.", now=T0
        )
        tricky = entries.add_entry(
            session=s, kind="origin", prompt=None, body=TRICKY, now=T0 + timedelta(days=1)
        )
        edited = entries.add_entry(
            session=s,
            kind="reflection",
            prompt="going-well",
            body="draft",
            now=T0 + timedelta(days=2),
        )
        entries.update_entry(
            session=s, entry_id=edited.id, body="A walk, no phones.", now=T0 + timedelta(days=3)
        )
        settings.set_setting(session=s, key="region", value="GB")
        settings.set_setting(session=s, key="note", value=TRICKY)
    ids.update(done=done.id, partial=partial.id, first=first.id, tricky=tricky.id, edited=edited.id)
    return ids


def snap(store: Store) -> dict[str, Any]:
    with store.session() as s:
        return export.snapshot(session=s, now=T0 + timedelta(days=100))


def restore(store: Store, data: dict[str, Any]) -> dict[str, int]:
    with store.session() as s:
        return export.restore(session=s, data=data)


def counts(store: Store) -> tuple[int, int, int]:
    with store.session() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (AssessmentRow, AnswerRow, EntryRow)
        )


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    """Through the file form and back, as a real export/import goes."""
    return export.parse_json(export.to_json(data).encode("utf-8"))


# --- snapshot and restore -----------------------------------------------------------------


def test_snapshot_restore_snapshot_is_identical(stores: Any) -> None:
    source = stores.new()
    fill(source)
    first = snap(source)
    target = stores.new()
    got = restore(target, round_trip(first))
    assert got == {"assessments": 2, "entries": 3, "skipped": 0, **NO_MOMENTS}
    second = snap(target)
    first.pop("exported_at")
    second.pop("exported_at")
    assert second == first
    assert counts(target) == (2, 41, 3)


def test_snapshot_shape(store: Store) -> None:
    ids = fill(store)
    data = snap(store)
    assert (data["format"], data["version"]) == ("earned-export", 1)
    assert data["exported_at"] == "2026-06-10T09:30:00+00:00"
    assert [a["id"] for a in data["assessments"]] == [ids["done"], ids["partial"]]
    done = data["assessments"][0]
    assert done["started_at"] == "2026-03-02T09:30:00+00:00"
    assert done["completed_at"] == "2026-03-02T10:30:00+00:00"
    assert [a["item"] for a in done["answers"]] == list(range(1, 37))
    assert done["answers"][0] == {"item": 1, "value": 2, "answered_at": "2026-03-02T09:31:00+00:00"}
    assert data["assessments"][1]["completed_at"] is None
    assert [e["id"] for e in data["entries"]] == [ids["first"], ids["tricky"], ids["edited"]]
    edited = data["entries"][2]
    assert (edited["body"], edited["created_at"], edited["updated_at"]) == (
        "A walk, no phones.",
        "2026-03-04T09:30:00+00:00",
        "2026-03-05T09:30:00+00:00",
    )
    assert data["settings"] == {"note": TRICKY, "region": "GB"}


def test_restoring_the_same_export_twice_skips_everything_the_second_time(stores: Any) -> None:
    source = stores.new()
    fill(source)
    data = round_trip(snap(source))
    target = stores.new()
    assert restore(target, data)["skipped"] == 0
    assert restore(target, data) == {"assessments": 0, "entries": 0, "skipped": 5, **NO_MOMENTS}
    assert counts(target) == (2, 41, 3)
    # Into the journal it came from: all identical, nothing added.
    assert restore(source, data) == {"assessments": 0, "entries": 0, "skipped": 5, **NO_MOMENTS}
    assert counts(source) == (2, 41, 3)


def test_restore_adds_to_what_is_there(stores: Any) -> None:
    source = stores.new()
    fill(source)
    target = stores.new()
    with target.session() as s:
        own = entries.add_entry(session=s, kind="origin", prompt=None, body="mine", now=T0)
    restore(target, round_trip(snap(source)))
    assert counts(target) == (2, 41, 4)
    with target.session() as s:
        assert entries.get_entry(session=s, entry_id=own.id).body == "mine"


def test_the_same_instant_in_another_offset_is_still_identical(stores: Any) -> None:
    source = stores.new()
    fill(source)
    data = round_trip(snap(source))
    plus_two = timezone(timedelta(hours=2))
    shifted = json.loads(json.dumps(data))
    for e in shifted["entries"]:
        for key in ("created_at", "updated_at"):
            e[key] = datetime.fromisoformat(e[key]).astimezone(plus_two).isoformat()
    assert shifted["entries"][0]["created_at"] == "2026-03-02T11:30:00+02:00"
    assert restore(source, shifted) == {"assessments": 0, "entries": 0, "skipped": 5, **NO_MOMENTS}


def test_a_conflicting_record_imports_nothing(stores: Any) -> None:
    source = stores.new()
    ids = fill(source)
    data = round_trip(snap(source))
    target = stores.new()
    with target.session() as s:
        entries.add_entry(session=s, kind="origin", prompt=None, body="already here", now=T0)
    # The target already has one entry from the file, with other text; every other record
    # in the file is new and comes before the conflict.
    conflicting = next(e for e in data["entries"] if e["id"] == ids["edited"])
    with target.session() as s:
        s.add(
            EntryRow(
                id=conflicting["id"],
                kind="reflection",
                prompt="going-well",
                body="a different text",
                created_at=T0,
                updated_at=T0,
            )
        )
    before = counts(target)
    with pytest.raises(EarnedError) as error:
        restore(target, data)
    # The record in words, never its raw id; and that nothing came in.
    assert error.value.message.startswith("The journal entry of ")
    assert error.value.message.endswith(
        "could not be imported: your journal already has it, with other text. Nothing was imported."
    )
    assert ids["edited"] not in error.value.message
    assert counts(target) == before == (0, 0, 2)
    with target.session() as s:
        assert settings.all_settings(session=s) == {}


def test_a_conflicting_assessment_imports_nothing(stores: Any) -> None:
    source = stores.new()
    ids = fill(source)
    data = round_trip(snap(source))
    data["assessments"][0]["answers"][3]["value"] = 1  # the file disagrees with the journal
    with pytest.raises(EarnedError, match=r"already has it, with other answers\. Nothing was"):
        restore(source, data)
    with source.session() as s:
        assert assessments.get_assessment(session=s, assessment_id=ids["done"]).answers[4] == 4


# --- damaged and foreign files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not an earned export (it is not valid JSON)"),
        ("", "That file is empty"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        ("[1, 2, 3]", "That file is not an earned export."),
        ('"earned-export"', "That file is not an earned export."),
        ('{"format": "jrnl", "version": 1}', "That file is not an earned export."),
        ('{"version": 1}', "That file is not an earned export."),
        ('{"format": "earned-export", "version": 2}', "export has version 2, which is not known"),
        ('{"format": "earned-export"}', "export has version None"),
        ('{"format": "earned-export", "version": "1"}', "export has version 1,"),
    ],
)
def test_files_that_are_not_exports(text: str | bytes, message: str) -> None:
    with pytest.raises(EarnedError, match=re.escape(message)):
        export.parse_json(text)


def test_an_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(EarnedError, match="larger than any earned export"):
        export.parse_json(b" " * (export.MAX_IMPORT_BYTES + 1))


@pytest.fixture(scope="module")
def valid_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One good export, made once (the export form is the same from either backend)."""
    profile = paths.profile("source", tmp_path_factory.mktemp("export-source"))
    source, _key = personal.set_up(profile, "a calm harbour at dawn")
    try:
        fill(source)
        return round_trip(snap(source))
    finally:
        source.close()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: d["assessments"][0].pop("started_at"),
            "Questionnaire 1 in the file .* wrong kind",
        ),
        (lambda d: d["assessments"][0].pop("answers"), "The questionnaire of .* wrong kind"),
        (
            lambda d: d["assessments"][0]["answers"][0].pop("value"),
            "The questionnaire of .* wrong kind",
        ),
        (lambda d: d["assessments"][0].update(answers=7), "The questionnaire of .* wrong kind"),
        (lambda d: d["entries"][1].pop("body"), "The journal entry of .* wrong kind"),
        (lambda d: d["entries"][0].pop("id"), "The journal entry of .* wrong kind"),
        (lambda d: d.update(entries=[1, 2]), "Journal entry 1 in the file .* wrong kind"),
        (lambda d: d.update(settings=[1, 2]), "incomplete or damaged"),
        (lambda d: d["entries"][0].update(created_at="yesterday"), "unreadable date in an entry"),
        (lambda d: d["entries"][0].update(created_at="2026-01-01T10:00:00"), "without a time zone"),
        (
            lambda d: d["assessments"][0]["answers"][0].update(value=9),
            "answer .* is not a choice on its scale",
        ),
        (lambda d: d["assessments"][0]["answers"][0].update(item=37), "answer .* is not a choice"),
        (lambda d: d["assessments"][0].update(instrument="nope"), "no questionnaire called"),
        (
            lambda d: d["assessments"][0]["answers"].append(d["assessments"][0]["answers"][0]),
            "it answers question 1 twice",
        ),
        (
            lambda d: d["entries"].append(dict(d["entries"][0])),
            "The journal entry of .* appears twice in the file. Nothing was imported.",
        ),
        (
            lambda d: d["assessments"].append(d["assessments"][1]),
            "The questionnaire of .* appears twice in the file",
        ),
        (lambda d: d["entries"][0].update(id="x" * 33), "its id is not one earned could have made"),
        (lambda d: d["entries"][0].update(id=12), "its id is not one earned could have made"),
        (lambda d: d["entries"][0].update(kind="diary"), "unknown kind of entry"),
        (lambda d: d["entries"][0].update(prompt="nope"), "five reflection questions"),
        (lambda d: d["entries"][1].update(prompt="p" * 65), "its question could not be read"),
        (lambda d: d["entries"][0].update(body=" "), "the entry is empty"),
        (lambda d: d["entries"][0].update(body="z" * 20_001), "20,001 characters"),
    ],
)
def test_damaged_exports_import_nothing(
    store: Store, valid_export: dict[str, Any], damage: Any, message: str
) -> None:
    data = copy.deepcopy(valid_export)
    damage(data)
    target = store
    with pytest.raises(EarnedError, match=message) as error:
        restore(target, data)
    assert error.value.message.endswith(("Nothing was imported.", "nothing was imported."))
    assert counts(target) == (0, 0, 0)
    with target.session() as s:
        assert settings.all_settings(session=s) == {}


def test_an_over_long_setting_is_a_clear_error_on_both_backends(
    stores: Any, valid_export: dict[str, Any]
) -> None:
    data = copy.deepcopy(valid_export)
    data["settings"]["k" * 65] = "v"  # the key column holds 64 characters
    target = stores.new()
    if stores.backend == "sqlite":
        # SQLite does not enforce VARCHAR lengths; it simply stores it.
        restore(target, data)
        return
    with pytest.raises(EarnedError, match="cannot store; nothing was imported"):
        restore(target, data)
    assert counts(target) == (0, 0, 0)


# --- exact text ---------------------------------------------------------------------------


def test_tricky_text_survives_exactly(stores: Any) -> None:
    source = stores.new()
    ids = fill(source)
    text = export.to_json(snap(source))
    assert "👩‍👩‍👧" in text  # written as characters, not \\u escapes
    target = stores.new()
    restore(target, export.parse_json(text))
    with target.session() as s:
        assert entries.get_entry(session=s, entry_id=ids["tricky"]).body == TRICKY
        assert settings.get_setting(session=s, key="note") == TRICKY
