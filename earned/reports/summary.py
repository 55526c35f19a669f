"""What an import added, in words: every section's count, and the records skipped.

export.restore() counts per section (questionnaires, journal entries and each
in-the-moment table of reports/tables.py) plus one total of records skipped because they
were already here; import_summary() turns those counts into the sentence both the web
app and the CLI show. Pure: no store, no web.
"""

from __future__ import annotations

from earned import consent

# Section key in restore()'s counts → (one, many), in the order they are mentioned.
SECTIONS: dict[str, tuple[str, str]] = {
    "assessments": ("questionnaire", "questionnaires"),
    "entries": ("journal entry", "journal entries"),
    "activations": ("moment", "moments"),
    "urge_delays": ("urge timer", "urge timers"),
    "practices": ("practice", "practices"),
    "tools": ("toolkit tool", "toolkit tools"),
    "tool_uses": ("tool use", "tool uses"),
    "session_notes": ("session note", "session notes"),
    "beliefs": ("core belief", "core beliefs"),
    "belief_ratings": ("belief rating", "belief ratings"),
    "origin_links": ("origin-story link", "origin-story links"),
    "recommits": ("time of beginning again", "times of beginning again"),
    "ladder_rungs": ("ladder rung", "ladder rungs"),
    "ladder_attempts": ("ladder try", "ladder tries"),
    "parts": ("part", "parts"),
    # the people ledger
    "people": ("person", "people"),
    "person_ratings": ("rating of a person", "ratings of people"),
    "ruptures": ("rupture", "ruptures"),
}
SKIPPED = "skipped"
# Set (to 1) when the file carried a server's sharing record, which import leaves out.
SHARING_LEFT_OUT = "sharing_left_out"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def import_summary(counts: dict[str, int]) -> str:
    """What was added, by section, then what was already here, then (when the file came
    from a server) that its sharing record was left out, and why.

    Sections with nothing added are left out. A section this module has no words for (a
    table added later) is still counted, under its key, rather than silently dropped.
    """
    said = _added(counts)
    return f"{said} {consent.NOT_CARRIED}" if counts.get(SHARING_LEFT_OUT) else said


def _added(counts: dict[str, int]) -> str:
    parts = [_count(counts[k], *words) for k, words in SECTIONS.items() if counts.get(k)]
    parts += [
        f"{n} {key.replace('_', ' ')}"
        for key, n in counts.items()
        if n and key not in SECTIONS and key not in (SKIPPED, SHARING_LEFT_OUT)
    ]
    skipped = counts.get(SKIPPED, 0)
    if skipped == 1:
        here = "1 record was already here and was left as it was."
    else:
        here = f"{skipped} records were already here and were left as they were."
    if parts:
        added = f"Imported {_listed(parts)}."
        return f"{added} {here}" if skipped else added
    if skipped:
        return f"Nothing new was imported: {here}"
    return "The file held no records, so nothing was imported."
