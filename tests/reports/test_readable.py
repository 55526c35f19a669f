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
from earned.reports import export, readable
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
    for key in ("entries", "activations", "urge_delays", "practices", "tools", "tool_uses"):
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
    for key in ("assessments", "entries", "activations", "urge_delays", "practices", "tools"):
        empty[key] = []
    for key in ("people", "person_ratings", "ruptures"):
        empty[key] = []
    empty["tool_uses"] = []
    text = readable.to_markdown(empty, UTC)
    for phrase in (
        *("No questionnaires yet.", "No entries yet.", "No moments logged yet."),
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
