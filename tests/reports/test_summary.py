"""What an import says it did (earned.reports.summary): every section's count, and the
records that were already here."""

from __future__ import annotations

import pytest

from earned.reports import summary, tables

NOTHING = {"assessments": 0, "entries": 0, "skipped": 0} | {t.key: 0 for t in tables.TABLES}


def counts(**given: int) -> dict[str, int]:
    return NOTHING | given


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"assessments": 1}, "Imported 1 questionnaire."),
        (
            {"assessments": 5, "entries": 0, "activations": 12},
            "Imported 5 questionnaires and 12 moments.",
        ),
        (
            {"entries": 1, "urge_delays": 2, "practices": 3, "tools": 1, "tool_uses": 4},
            "Imported 1 journal entry, 2 urge timers, 3 practices, 1 toolkit tool and 4 tool uses.",
        ),
        (
            {"entries": 2, "skipped": 1},
            "Imported 2 journal entries. 1 record was already here and was left as it was.",
        ),
        (
            {"skipped": 7},
            "Nothing new was imported: 7 records were already here and were left as they were.",
        ),
        ({}, "The file held no records, so nothing was imported."),
    ],
)
def test_wording(given: dict[str, int], said: str) -> None:
    assert summary.import_summary(counts(**given)) == said


def test_every_section_restore_counts_has_words() -> None:
    # A table added to reports/tables.py must be named here too, not left to the fallback.
    assert set(NOTHING) - {summary.SKIPPED} == set(summary.SECTIONS)


def test_a_section_without_words_is_still_counted() -> None:
    said = summary.import_summary({"entries": 1, "core_beliefs": 3})
    assert said == "Imported 1 journal entry and 3 core beliefs."
