"""The server-mode sharing section of an export (earned.reports.sharing), pure: the store's
record as JSON-ready data, its CSV tables and Markdown section (on the person's clock),
their absence from a personal journal's export, and what an import says about it."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from earned import consent
from earned.consent import Event
from earned.reports import readable, sharing, summary, tables
from earned.store.server.sharing import Assignment, Invite, Read, Record, Shared
from tests.support import T0

MADRID = ZoneInfo("Europe/Madrid")  # T0 (09:30 UTC, 2 March) is 10:30 there

RECORD = Record(
    clinicians=[
        Shared("Dr Cleo", True, frozenset({"prep", "results", "later-kind"}), T0, T0),
        Shared("Dr Olga", False, frozenset(), None, T0 + timedelta(days=1)),
    ],
    reads=[
        Read(T0, "Dr Cleo", "results", "results and check-ins"),
        Read(T0 + timedelta(days=1), "Dr Olga", "practices", "recent practices"),
    ],
    suggestions=[
        Assignment(7, "Dr Olga", "rung", "Ask a friend for a coffee", "", consent.OPEN, T0, None),
    ],
    invites=[
        Invite(frozenset({"journal"}), T0 - timedelta(days=30), T0 - timedelta(days=23)),
        Invite(frozenset({"moments"}), T0, T0 + consent.INVITE_LIFE),
    ],
    events=[
        Event(T0 - timedelta(days=2), "Dr Olga", consent.BEGAN, frozenset({"practices"})),
        Event(T0, "Dr Cleo", consent.BEGAN, frozenset({"results", "progress"})),
        Event(T0 + timedelta(hours=3), "Dr Cleo", consent.CHANGED, frozenset({"results"})),
        Event(T0 + timedelta(days=2), "Dr Olga", consent.STOPPED, frozenset()),
    ],
)


def _data(**more: Any) -> dict[str, Any]:
    empty: dict[str, Any] = {"assessments": [], "entries": [], "settings": {}}
    empty |= {t.key: [] for t in tables.TABLES}
    return {"exported_at": (T0 + timedelta(hours=2)).isoformat(), **empty, **more}


def test_the_section_is_plain_data_in_utc_with_categories_in_the_pages_order() -> None:
    made = sharing.section(RECORD)
    assert set(made) == {"note", *sharing.FILES}
    cleo, olga = made["clinicians"]
    assert cleo["categories"] == ["results", "prep", "later-kind"]  # unknown ones kept, last
    assert cleo["since"] == "2026-03-02T09:30:00+00:00" and cleo["sharing_now"] is True
    assert olga["since"] is None and olga["categories"] == []
    for part, (_, columns) in sharing.FILES.items():
        assert all(tuple(row) == columns for row in made[part]), part
    assert [i["categories"] for i in made["invites"]] == [["journal"], ["moments"]]
    assert [(e["at"], e["clinician"], e["change"], e["categories"]) for e in made["changes"]] == [
        ("2026-02-28T09:30:00+00:00", "Dr Olga", "began", ["practices"]),
        ("2026-03-02T09:30:00+00:00", "Dr Cleo", "began", ["results", "progress"]),
        ("2026-03-02T12:30:00+00:00", "Dr Cleo", "changed", ["results"]),
        ("2026-03-04T09:30:00+00:00", "Dr Olga", "stopped", []),
    ]
    assert "not when" not in made["note"]  # the times are kept now; the note no longer says not


def test_the_markdown_section_reads_on_the_persons_clock() -> None:
    text = readable.to_markdown(_data(sharing=sharing.section(RECORD)), MADRID)
    part = text[text.index("## Sharing with clinicians") : text.index("## Settings")]
    assert "- Dr Cleo: sharing since Mon 2 Mar 2026, 10:30: results, session prep, later-kind" in (
        part
    )
    assert "- Dr Olga: no longer shared with; last look or suggestion Tue 3 Mar 2026, 10:30" in (
        part
    )
    assert "- Mon 2 Mar 2026, 10:30: Dr Cleo saw results and check-ins (results)" in part
    assert (
        "- Mon 2 Mar 2026, 10:30: Dr Olga suggested a ladder step, Ask a friend for a coffee: "
        "not answered"
    ) in part
    assert "expired Sat 7 Feb 2026, 10:30: journal writing" in part
    assert "open until Mon 9 Mar 2026, 10:30: moments" in part
    history = part[part.index("### When sharing began") : part.index("### Every look")]
    assert [ln for ln in history.splitlines() if ln.startswith("- ")] == [
        "- Sat 28 Feb 2026, 10:30: Began sharing practices with Dr Olga",
        "- Mon 2 Mar 2026, 10:30: Began sharing results and progress signs with Dr Cleo",
        "- Mon 2 Mar 2026, 13:30: Changed what Dr Cleo sees to results",
        "- Wed 4 Mar 2026, 10:30: Stopped sharing with Dr Olga",
    ]


def test_an_empty_record_says_so_in_every_part() -> None:
    text = readable.to_markdown(_data(sharing=sharing.section(Record([], [], [], [], []))), MADRID)
    for said in (
        "No clinician yet.", "No sharing yet.", "No clinician has looked", "No suggestions.",
        "None.",
    ):  # fmt: skip
        assert said in text


def test_a_personal_export_has_no_sharing_anywhere() -> None:
    assert "Sharing with clinicians" not in readable.to_markdown(_data(), MADRID)
    with zipfile.ZipFile(io.BytesIO(readable.to_csv_zip(_data()))) as z:
        assert not any(n.startswith("sharing_") for n in z.namelist())


def test_the_csv_tables_keep_stored_values() -> None:
    raw = readable.to_csv_zip(_data(sharing=sharing.section(RECORD)))
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        rows = {
            part: list(csv.DictReader(io.StringIO(z.read(name).decode())))
            for part, (name, _) in sharing.FILES.items()
        }
    assert rows["clinicians"][0]["categories"] == "results; prep; later-kind"
    assert [r["at"] for r in rows["looks"]] == [
        "2026-03-02T09:30:00+00:00",
        "2026-03-03T09:30:00+00:00",
    ]
    assert rows["suggestions"][0]["answered_at"] == ""
    assert [(r["change"], r["categories"]) for r in rows["changes"]] == [
        ("began", "practices"), ("began", "results; progress"), ("changed", "results"),
        ("stopped", ""),
    ]  # fmt: skip


def test_an_import_summary_says_the_sharing_record_was_left_out() -> None:
    counts = {"assessments": 0, "entries": 2, "skipped": 0, summary.SHARING_LEFT_OUT: 1}
    said = summary.import_summary(counts)
    assert said == f"Imported 2 journal entries. {consent.NOT_CARRIED}"
    assert "sharing left out" not in said
    alone = summary.import_summary({"skipped": 0, summary.SHARING_LEFT_OUT: 1})
    assert alone.startswith("The file held no records") and alone.endswith(consent.NOT_CARRIED)
    assert consent.NOT_CARRIED not in summary.import_summary({"entries": 2})
