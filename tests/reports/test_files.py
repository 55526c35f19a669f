"""An export as a file (earned.reports.files): one name, media type and body per format,
whichever client asks and whether it says "csv" or "zip"."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from earned.errors import EarnedError
from earned.reports import files, readable

DATA: dict[str, Any] = {
    "format": "earned-export",
    "version": 1,
    "exported_at": "2026-03-02T09:30:00+00:00",
    "assessments": [],
    "entries": [
        {
            "id": "e1",
            "kind": "origin",
            "prompt": None,
            "body": "Where I come from.",
            "created_at": "2026-03-01T08:00:00+00:00",
            "updated_at": "2026-03-01T08:00:00+00:00",
        }
    ],
    "settings": {},
}


def test_json() -> None:
    out = files.export_file(DATA, "json")
    assert (out.filename, out.media_type) == ("earned-2026-03-02.json", "application/json")
    assert json.loads(out.body) == DATA


@pytest.mark.parametrize("fmt", ["csv", "zip"])
def test_csv_and_zip_are_one_format_with_one_name(fmt: str) -> None:
    out = files.export_file(DATA, fmt)
    assert (out.filename, out.media_type) == ("earned-2026-03-02.zip", "application/zip")
    with zipfile.ZipFile(io.BytesIO(out.body)) as z:
        assert sorted(z.namelist()) == sorted({s.csv for s in readable.SECTIONS})
        assert "Where I come from." in z.read("entries.csv").decode()


def test_markdown() -> None:
    out = files.export_file(DATA, "md")
    assert out.filename == "earned-2026-03-02.md"
    assert out.media_type == "text/markdown; charset=utf-8"
    text = out.body.decode("utf-8")
    assert text.startswith("# My earned journal") and "Where I come from." in text


def test_every_format_the_cli_offers_is_known() -> None:
    assert [f.name for f in files.FORMATS] == ["json", "csv", "md", "fhir"]


@pytest.mark.parametrize("fmt", ["pdf", "", "JSON", "markdown", "csv.zip"])
def test_anything_else_is_refused(fmt: str) -> None:
    with pytest.raises(EarnedError) as refused:
        files.export_file(DATA, fmt)
    assert refused.value.message == "Exports come as JSON, CSV (zip), Markdown or FHIR."
    assert (refused.value.status, refused.value.exit_code) == (404, 2)
