"""The exports for people and spreadsheets (earned/reports/readable.py): every stored table
in every format, times in the person's zone, questions in words, and no stored character
that can make an export fail."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from earned import demo, journal
from earned.reports import export, readable, tables
from earned.store.models import Base

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
PLUS_TEN = timezone(timedelta(hours=10))


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    """Six months of the demo person: every kind of record, the export's exact shape."""
    made = demo.generate(3, START, months=6)
    made["settings"] = {"region": "AU", "calm": "no"}
    return made


def read_zip(blob: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {
            name: list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8"))))
            for name in z.namelist()
        }


def test_every_stored_table_has_a_place_in_every_format() -> None:
    """A table added to the store and not here fails this test, so it cannot be left out
    of the CSV zip or the Markdown document."""
    stored = set(Base.metadata.tables)
    assert stored == {s.table for s in readable.SECTIONS}


def test_the_zip_has_one_table_per_stored_table_with_every_row(data: dict[str, Any]) -> None:
    files = read_zip(readable.to_csv_zip(data))
    assert sorted(files) == sorted({s.csv for s in readable.SECTIONS})
    for key in (
        "entries",
        "activations",
        "urge_delays",
        "practices",
        "tools",
        "tool_uses",
        "session_notes",
    ):
        assert len(data[key]) > 0, key
        assert len(files[f"{key}.csv"]) == len(data[key]), key
        assert [r["id"] for r in files[f"{key}.csv"]] == [r["id"] for r in data[key]]
    assert len(files["assessments.csv"]) == len(data["assessments"])
    assert len(files["answers.csv"]) == sum(len(a["answers"]) for a in data["assessments"])
    assert files["settings.csv"] == [
        {"key": "calm", "value": "no"},
        {"key": "region", "value": "AU"},
    ]
    with_words = next(r for r in files["activations.csv"] if r["emotions"])
    source = next(a for a in data["activations"] if a["id"] == with_words["id"])
    assert with_words["emotions"] == "; ".join(source["emotions"])
    with_pattern = next(a for a in data["activations"] if a["pattern"])
    row = next(r for r in files["activations.csv"] if r["id"] == with_pattern["id"])
    assert row["pattern"].startswith("I feel ")


def test_markdown_has_a_section_for_every_kind_of_record(data: dict[str, Any]) -> None:
    text = readable.to_markdown(data, PLUS_TEN)
    for heading in {s.heading for s in readable.SECTIONS}:
        assert f"\n## {heading}\n" in text, heading
    assert text.count("\n- ") >= len(data["activations"]) + len(data["practices"])
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_markdown_is_for_people_times_in_their_zone_and_questions_in_words(
    data: dict[str, Any],
) -> None:
    text = readable.to_markdown(data, PLUS_TEN)
    first = data["activations"][0]
    local = datetime.fromisoformat(first["onset_at"]).astimezone(PLUS_TEN)
    assert f"- {local:%a} {local.day} {local:%b %Y, %H:%M}: intensity {first['intensity']}" in text
    reflection = next(e for e in data["entries"] if e["kind"] == "reflection")
    question = {p["key"]: p["question"] for p in journal.reflection_prompts()}[reflection["prompt"]]
    assert f"*{question}*" in text
    assert "· reflection ·" not in text and "+00:00" not in text
    assert "breathing-box" not in text  # practice kinds by their names, not slugs


def test_an_empty_journal_says_so_in_every_section(data: dict[str, Any]) -> None:
    empty = copy.deepcopy(data)
    for key in ("assessments", "entries", *(t.key for t in tables.TABLES)):
        empty[key] = []
    text = readable.to_markdown(empty, UTC)
    for phrase in (
        "No questionnaires yet.",
        "No entries yet.",
        "No moments logged yet.",
        "No session notes yet.",
        "No rungs yet.",
        "No parts mapped yet.",
        "No one in the ledger yet.",
    ):
        assert phrase in text
    files = read_zip(readable.to_csv_zip(empty))
    assert all(rows == [] for name, rows in files.items() if name != "settings.csv")


def test_a_bad_character_already_stored_cannot_break_any_export(data: dict[str, Any]) -> None:
    """Before bad bytes were refused at the door, `earned log 5 --emotion $'\\xff'` could
    store a lone surrogate, and every export then failed with UnicodeEncodeError."""
    damaged = copy.deepcopy(data)
    damaged["activations"][0]["emotions"] = ["\udcff"]
    damaged["activations"][0]["trigger"] = "he said \udc80"
    damaged["entries"][0]["body"] = "text \udcff"
    as_json = export.to_json(damaged).encode("utf-8")
    assert "\ufffd" in json.loads(as_json)["activations"][0]["emotions"][0]
    readable.to_csv_zip(damaged)
    assert "\ufffd" in readable.to_markdown(damaged, UTC).encode("utf-8").decode("utf-8")


def _taken(ident: str, instrument: str, answers: list[int], day: int) -> dict[str, Any]:
    when = datetime(2025, 3, day, 9, tzinfo=UTC).isoformat()
    return {
        "id": ident,
        "instrument": instrument,
        "started_at": when,
        "completed_at": when,
        "answers": [
            {"item": n, "value": v, "answered_at": when} for n, v in enumerate(answers, start=1)
        ],
    }


def test_markdown_reads_the_who5_scs_sf_and_ecr_r_scores(data: dict[str, Any]) -> None:
    # WHO-5 2+2+2+3+3 = 12 raw x 4 = 48 of 100. SCS-SF keyed 47 / 12 = 3.92 (1 to 5).
    # ECR-R: everything 4 gives 4.00 on both dimensions (1 to 7).
    mine = copy.deepcopy(data)
    mine["assessments"] = [
        _taken("a" * 32, "who5", [2, 2, 2, 3, 3], 1),
        _taken("b" * 32, "scssf", [2, 4, 3, 2, 4, 3, 4, 1, 2, 3, 1, 2], 2),
        _taken("c" * 32, "ecrr", [4] * 36, 3),
    ]
    text = readable.to_markdown(mine, UTC)
    assert "WHO-5: well-being 48 of 100" in text
    assert "SCS-SF: self-compassion 3.92 (1 to 5)" in text
    assert "ECR-R: attachment anxiety 4.00 (1 to 7), attachment avoidance 4.00 (1 to 7)" in text
    assert "symptom level" not in text.split("## Questionnaires")[1].split("##")[0]


def test_session_notes_read_in_the_persons_zone_with_what_was_picked(
    data: dict[str, Any],
) -> None:
    note = {
        "id": "n" * 32,
        "client_token": None,
        "session_at": "2025-03-04T07:00:00+00:00",
        "since_last": "a steadier fortnight\nmostly",
        "to_bring": None,
        "picked": [{"kind": "pattern", "id": "b" * 32, "text": "Fear of being left; and more"}],
        "created_at": "2025-03-03T09:30:00+00:00",
        "updated_at": "2025-03-03T09:30:00+00:00",
    }
    one = {**copy.deepcopy(data), "session_notes": [note]}
    text = readable.to_markdown(one, PLUS_TEN)
    section = text[text.index("## Session prep") :]
    assert "### Written Mon 3 Mar 2025, 19:30, for the session of Tue 4 Mar 2025, 17:00" in section
    assert "Since last time:\n\na steadier fortnight\nmostly" in section
    assert "To bring:" not in section
    assert "- Recurring patterns: Fear of being left; and more" in section
    # In the CSV the picked list is its JSON, whole (a "; " join would split its items).
    (row,) = read_zip(readable.to_csv_zip(one))["session_notes.csv"]
    assert json.loads(row["picked"]) == note["picked"]
