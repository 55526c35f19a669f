"""An export as a file: its name, media type and bytes, for each format, for both clients.

The web app serves it as a download; the CLI writes its bytes to a file or standard
output. A format goes by its name (what `earned export --format` says) or by its file
extension (what the web address and the file name end with): "csv" and "zip" are both
the zip of CSV tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from earned.errors import EarnedError
from earned.reports import export, readable


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    # (the export, the person's time zone for readable times: None, this computer's)
    write: Callable[[dict[str, Any], tzinfo | None], bytes]


def _fhir(data: dict[str, Any], zone: tzinfo | None) -> bytes:
    from earned.reports import fhir  # fhir.resources only when a FHIR export is asked for

    return fhir.to_fhir_json(data)


FORMATS: tuple[Format, ...] = (
    Format("json", "json", "application/json", lambda d, z: export.to_json(d).encode("utf-8")),
    Format("csv", "zip", "application/zip", lambda d, z: readable.to_csv_zip(d)),
    Format(
        "md",
        "md",
        "text/markdown; charset=utf-8",
        lambda d, z: readable.to_markdown(d, z).encode(),
    ),
    # Completed questionnaires as a FHIR R4 Bundle (reports/fhir.py), for a clinician's system.
    Format("fhir", "fhir.json", "application/fhir+json", _fhir),
)


@dataclass(frozen=True)
class ExportFile:
    filename: str  # earned-<day of the export>.<extension>
    media_type: str
    body: bytes


def find(fmt: str) -> Format:
    """The format named `fmt` (json, csv, md, fhir) or with that extension (json, zip, md,
    fhir.json).

    Raises EarnedError (404 on the web, exit code 2 in the CLI) for anything else.
    """
    for candidate in FORMATS:
        if fmt in (candidate.name, candidate.extension):
            return candidate
    raise EarnedError("Exports come as JSON, CSV (zip), Markdown or FHIR.", exit_code=2, status=404)


def export_file(data: dict[str, Any], fmt: str, zone: tzinfo | None = None) -> ExportFile:
    """`data` (from export.snapshot) as a file in the format `fmt` (see find()), readable
    times in `zone` (None: this computer's, the person's own in personal mode).

    Builds the whole file in memory: a journal's export is a few megabytes at most.
    """
    chosen = find(fmt)
    day = str(data["exported_at"])[:10]
    return ExportFile(
        filename=f"earned-{day}.{chosen.extension}",
        media_type=chosen.media_type,
        body=chosen.write(data, zone),
    )
