"""The exports for people and spreadsheets: a zip of CSV tables and a Markdown document.

Both carry every kind of record the journal holds (SECTIONS names each stored table's
place in each format, and tests/reports/test_readable.py fails when a table of the store
has none). They are made from the canonical export (export.snapshot), never from the
database, so JSON, CSV and Markdown always describe the same records.

CSV keeps stored values (times in UTC ISO 8601, lists joined with "; ") for tools;
Markdown is for reading: times in the person's time zone (in personal mode the
computer's own), questions in their words, and nothing that needs a codebook.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from earned import (
    consent,
    durations,
    instruments,
    journal,
    ladder,
    origin_links,
    parts,
    people,
    recommit,
    regulation,
    session_prep,
    urges,
)
from earned.episodes import pattern_of
from earned.instruments.model import Instrument, Subscale
from earned.instruments.scoring import Scores
from earned.reports import sharing, tables

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text any encoder accepts: a lone surrogate left by bytes that were not UTF-8 (only
    possible in data stored before earned refused them) becomes U+FFFD, so one bad
    character can never make an export fail."""
    return _SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class Section:
    table: str  # the stored table
    csv: str  # its file in the zip
    heading: str  # its heading in the Markdown document


SECTIONS: tuple[Section, ...] = (
    Section("assessments", "assessments.csv", "Questionnaires"),
    Section("answers", "answers.csv", "Questionnaires"),  # each result's answers
    Section("entries", "entries.csv", "Journal"),
    Section("activations", "activations.csv", "Moments"),
    Section("urge_delays", "urge_delays.csv", "Urge timers"),
    Section("practices", "practices.csv", "Practices"),
    Section("tools", "tools.csv", "Self-soothing toolkit"),
    Section("tool_uses", "tool_uses.csv", "Self-soothing toolkit"),
    Section("recommits", "recommits.csv", "Beginning again"),
    Section("session_notes", "session_notes.csv", "Session prep"),
    Section("beliefs", "beliefs.csv", "Core beliefs"),
    Section("belief_ratings", "belief_ratings.csv", "Core beliefs"),
    Section("origin_links", "origin_links.csv", "Core beliefs"),
    Section("ladder_rungs", "ladder_rungs.csv", "Exposure ladder"),
    Section("ladder_attempts", "ladder_attempts.csv", "Exposure ladder"),
    Section("parts", "parts.csv", "Parts map"),
    Section("settings", "settings.csv", "Settings"),
    # --- the people ledger ---
    Section("people", "people.csv", "People"),
    Section("person_ratings", "person_ratings.csv", "People"),
    Section("ruptures", "ruptures.csv", "People"),
)


# --- CSV ---------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        # A list of records (a session note's picked items): their JSON, kept whole.
        return clean(json.dumps(value, ensure_ascii=False))
    if isinstance(value, list):
        return "; ".join(clean(str(v)) for v in value)
    if isinstance(value, dict):
        pattern = pattern_of(value)
        return clean(pattern.sentence()) if pattern else ""
    if isinstance(value, str):
        return clean(value)
    return value


def _csv(rows: Iterable[dict[str, Any]], fields: list[str]) -> str:
    out = io.StringIO()
    # The csv module quotes a cell holding a character of the line terminator; with "\n"
    # alone, a lone "\r" in someone's text went out unquoted and split the row when read.
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(r.get(k)) for k in fields} for r in rows)
    return out.getvalue()


def to_csv_zip(data: dict[str, Any]) -> bytes:
    """A zip with one CSV table per stored table (assessments carry their scores)."""
    a_rows, ans_rows = [], []
    for a in data["assessments"]:
        inst = instruments.load(a["instrument"])
        result = instruments.scoring.score(inst, {x["item"]: x["value"] for x in a["answers"]})
        scores = result.values if isinstance(result, Scores) else {}
        a_rows.append(
            {
                "id": a["id"],
                "instrument": a["instrument"],
                "started_at": a["started_at"],
                "completed_at": a["completed_at"] or "",
                "person_id": a.get("person_id") or "",
                "person_name": _cell(a.get("person_name")),
                **{
                    f"score_{s.id}": f"{scores[s.id]:.4f}" if s.id in scores else ""
                    for s in inst.subscales
                },
            }
        )
        ans_rows += [{"assessment_id": a["id"], **x} for x in a["answers"]]
    subs = sorted({k for r in a_rows for k in r if k.startswith("score_")})
    files = {
        "assessments.csv": _csv(
            a_rows,
            ["id", "instrument", "started_at", "completed_at", "person_id", "person_name", *subs],
        ),
        "answers.csv": _csv(ans_rows, ["assessment_id", "item", "value", "answered_at"]),
        "entries.csv": _csv(
            data["entries"], ["id", "kind", "prompt", "body", "created_at", "updated_at"]
        ),
        "settings.csv": _csv(
            [{"key": k, "value": v} for k, v in sorted(data.get("settings", {}).items())],
            ["key", "value"],
        ),
    }
    for table in tables.TABLES:
        columns = [c.key for c in table.model.__table__.columns]
        files[f"{table.key}.csv"] = _csv(data.get(table.key, []), columns)
    # --- server mode: the person's sharing record (reports/sharing.py); none in personal mode
    shared = data.get(sharing.KEY)
    if isinstance(shared, dict):
        for part, (name, fields) in sharing.FILES.items():
            files[name] = _csv(shared.get(part, []), list(fields))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


# --- Markdown ----------------------------------------------------------------------------------


def _local(iso: str | None, zone: tzinfo | None) -> str:
    """'Mon 2 Mar 2026, 21:15' in `zone` (None: this computer's time zone)."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(zone)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def _day(iso: str | None, zone: tzinfo | None) -> str:
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(zone)
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def _score_words(inst: Instrument, sub: Subscale, result: Scores) -> str:
    """One subscale's score for reading: means to two decimals with their answer range
    ("self-compassion 3.92 (1 to 5)", ECR and ECR-R dimensions alike), whole totals
    (PHQ-9, GAD-7) as "total 7 of 27" with their band in the check-ins' non-diagnostic
    words, the WHO-5 percentage as "well-being 48 of 100"."""
    value = result[sub.id]
    if sub.method != "sum" or not value.is_integer():
        low, high = inst.scale.min * sub.multiplier, inst.scale.max * sub.multiplier
        return f"{sub.name.lower()} {value:.2f} ({low:g} to {high:g})"
    most = len(inst.items_of(sub.id)) * inst.scale.max * sub.multiplier
    text = f"{sub.name.lower()} {value:.0f} of {most:.0f}"
    band = result.bands.get(sub.id)
    if band is not None and inst.purpose == "check-in":
        text += f" ({band} symptom level over the last two weeks)"
    elif band is not None:
        text += f" ({band})"
    return text


def _questionnaires(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Questionnaires", ""]
    if not data["assessments"]:
        return [*lines, "No questionnaires yet.", ""]
    for a in data["assessments"]:
        inst = instruments.load(a["instrument"])
        result = instruments.scoring.score(inst, {x["item"]: x["value"] for x in a["answers"]})
        when = _day(a["completed_at"] or a["started_at"], zone)
        name = inst.short_name
        if a.get("person_name"):
            name = clean(f"{name} about {a['person_name']}")
        if isinstance(result, Scores):
            parts = ", ".join(_score_words(inst, s, result) for s in inst.subscales)
            lines.append(f"- {when}, {name}: {parts}")
        else:
            lines.append(f"- {when}, {name}: not finished ({len(a['answers'])} answers)")
    return [*lines, ""]


def _journal(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Journal", ""]
    if not data["entries"]:
        return [*lines, "No entries yet.", ""]
    questions = {p["key"]: p["question"] for p in journal.reflection_prompts()}
    letters = {p["key"]: p["question"] for p in journal.letter_prompts()}
    for e in data["entries"]:
        kind = journal.KIND_NAMES.get(e["kind"], e["kind"])
        lines += [f"### {_local(e['created_at'], zone)} · {kind}", ""]
        asked = (letters if e["kind"] == "letter" else questions).get(e["prompt"])
        if asked:
            lines += [f"*{asked}*", ""]
        lines += [clean(e["body"]), ""]
    return lines


def _moments(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Moments", ""]
    records = data.get("activations", [])
    if not records:
        return [*lines, "No moments logged yet.", ""]
    for a in records:
        parts = [f"intensity {a['intensity']}"]
        if a.get("emotions"):
            parts.append(", ".join(a["emotions"]))
        if a.get("trigger"):
            parts.append(f"what happened: {a['trigger']}")
        if a.get("urge"):
            parts.append(f"urge: {a['urge']}")
        if a.get("action"):
            parts.append(f"what I did: {a['action']}")
        if a.get("person"):
            parts.append(f"with {a['person']}")
        if a.get("body"):
            parts.append("felt in the " + ", ".join(a["body"]))
        if a.get("peak_at"):
            level = f" at {a['peak_intensity']}" if a.get("peak_intensity") is not None else ""
            parts.append(f"peak {_local(a['peak_at'], zone)}{level}")
        if a.get("settled_at"):
            took = datetime.fromisoformat(a["settled_at"]) - datetime.fromisoformat(a["onset_at"])
            parts.append(f"settled after {durations.words(took.total_seconds())}")
        if a.get("named_in_moment"):
            parts.append("named while it happened")
        lines.append(clean(f"- {_local(a['onset_at'], zone)}: " + "; ".join(parts)))
        pattern = pattern_of(a.get("pattern"))
        if pattern is not None:
            lines.append(clean(f"  - {pattern.sentence()}"))
    return [*lines, ""]


def _urge_timers(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Urge timers", ""]
    records = data.get("urge_delays", [])
    if not records:
        return [*lines, "No urge timers yet.", ""]
    for u in records:
        if u.get("ended_at"):
            held = datetime.fromisoformat(u["ended_at"]) - datetime.fromisoformat(u["started_at"])
            how = urges.OUTCOME_WORDS.get(u.get("outcome") or "", u.get("outcome") or "")
            end = f"{how} after {durations.words(max(0.0, held.total_seconds()))}"
        else:
            end = "not ended"
        lines.append(clean(f"- {_local(u['started_at'], zone)}: the urge to {u['urge']}: {end}"))
    return [*lines, ""]


def _practices(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Practices", ""]
    records = data.get("practices", [])
    if not records:
        return [*lines, "No practices yet.", ""]
    for p in records:
        label = regulation.PRACTICE_KINDS.get(p["kind"], p["kind"])
        note = f". {p['note']}" if p.get("note") else ""
        lines.append(
            clean(
                f"- {_local(p['started_at'], zone)}: {label}, {durations.exact(p['seconds'])}{note}"
            )
        )
    return [*lines, ""]


def _toolkit(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Self-soothing toolkit", ""]
    tools = data.get("tools", [])
    if not tools:
        return [*lines, "No tools yet.", ""]
    uses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for use in data.get("tool_uses", []):
        uses[use["tool_id"]].append(use)
    for t in tools:
        state = " (put away)" if t.get("archived") else ""
        lines.append(clean(f"- {t['name']}{state}, added {_day(t['created_at'], zone)}"))
        for use in uses[t["id"]]:
            lines.append(
                f"  - {_local(use['used_at'], zone)}: from {use['before']} to {use['after']}"
            )
    return [*lines, ""]


def _recommits(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Beginning again", ""]
    records = data.get("recommits", [])
    if not records:
        return [*lines, "No times of beginning again recorded.", ""]
    chosen = recommit.practices()
    for r in records:
        label = chosen.get(r["practice"], {}).get("label", r["practice"])
        lines.append(clean(f"- {_day(r['made_at'], zone)}: began again with {label.lower()}"))
        if r.get("noticed"):
            lines.append(clean(f"  - What I noticed: {r['noticed']}"))
        if r.get("note"):
            lines.append(clean(f"  - Note: {r['note']}"))
    return [*lines, ""]


def _session_notes(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Session prep", ""]
    notes = data.get("session_notes", [])
    if not notes:
        return [*lines, "No session notes yet.", ""]
    for n in notes:
        session = f", for the session of {_local(n['session_at'], zone)}" if n["session_at"] else ""
        lines += [f"### Written {_local(n['created_at'], zone)}{session}", ""]
        if n.get("since_last"):
            lines += ["Since last time:", "", clean(n["since_last"]), ""]
        if n.get("to_bring"):
            lines += ["To bring:", "", clean(n["to_bring"]), ""]
        for picked in session_prep.picked_of(n.get("picked")):
            lines.append(clean(f"- {picked.kind_name}: {picked.text}"))
        if n.get("picked"):
            lines.append("")
    return lines


# --- core beliefs and origin-story links ---


def _beliefs(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    """Each belief with its words, its ratings over time and the origin-story passages
    linked to it; then the passages linked to patterns and triggers."""
    lines = ["## Core beliefs", ""]
    records = data.get("beliefs", [])
    links = data.get("origin_links", [])
    if not records and not links:
        return [*lines, "No beliefs yet.", ""]
    rated: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in data.get("belief_ratings", []):
        rated[r["belief_id"]].append(r)
    ids = {b["id"] for b in records}
    linked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        to_belief = link["target_kind"] == "belief" and link["target"] in ids
        linked[link["target"] if to_belief else ""].append(link)
    fields = (
        ("evidence_for", "What seems to support it"),
        ("evidence_against", "What doesn't fit it"),
        ("alternative", "A kinder, more accurate belief"),
        ("origin", "Where it may have come from"),
    )
    for b in records:
        state = " (put away)" if b.get("archived") else ""
        lines += [clean(f"### {b['belief']}{state}"), "", f"Written {_day(b['created_at'], zone)}."]
        if b.get("rerate_days"):
            lines.append(f"Re-rated every {b['rerate_days']} days.")
        lines.append("")
        for key, name in fields:
            if b.get(key):
                lines += [f"*{name}:*", "", clean(b[key]), ""]
        for r in rated[b["id"]]:
            other = r.get("alternative_strength")
            also = f"; the kinder belief {other}" if other is not None else ""
            note = f". {r['note']}" if r.get("note") else ""
            lines.append(
                clean(f"- {_day(r['rated_at'], zone)}: {r['strength']} of 100{also}{note}")
            )
        for link in linked[b["id"]]:
            lines.append(clean(f'- From the origin story: "{link["passage"]}"'))
        lines.append("")
    others = linked[""]
    if others:
        lines += ["### Other origin-story passages linked to today", ""]
        for link in others:
            what = origin_links.label(link["target_kind"], link["target"], {})
            lines.append(clean(f'- "{link["passage"]}", linked to {what}'))
        lines.append("")
    return lines


def _ladder(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    lines = ["## Exposure ladder", ""]
    rungs = data.get("ladder_rungs", [])
    if not rungs:
        return [*lines, "No rungs yet.", ""]
    tries: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in data.get("ladder_attempts", []):
        tries[a["rung_id"]].append(a)
    for r in sorted(rungs, key=lambda r: (r["difficulty"], r["created_at"], r["id"])):
        state = " (put away)" if r.get("archived") else ""
        urge = f"; the urge to {r['urge']}" if r.get("urge") else ""
        lines.append(
            clean(
                f"- {r['title']}{state}: expected {r['difficulty']} of {ladder.DIFFICULTY_MAX}"
                f"{urge}, added {_day(r['created_at'], zone)}"
            )
        )
        for a in tries[r["id"]]:
            said = [f"expected {a['predicted']}"]
            if a.get("feared"):
                said.append(f"feared: {a['feared']}")
            if a.get("done_at"):
                how = "went reasonably well" if a.get("went_well") else "harder than hoped"
                said.append(f"was {a['actual']}, {how}")
            else:
                said.append("not yet done")
            if a.get("happened"):
                said.append(f"what happened: {a['happened']}")
            if a.get("person_name"):
                said.append(f"with {a['person_name']}")
            if a.get("urge_delay_id"):
                said.append("from an urge timer")
            lines.append(clean(f"  - {_local(a['planned_at'], zone)}: " + "; ".join(said)))
    return [*lines, ""]


def _parts(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    """The parts map: each part's own words, and the moments it was the loudest in."""
    lines = ["## Parts map", ""]
    records = data.get("parts", [])
    if not records:
        return [*lines, "No parts mapped yet.", ""]
    loudest: dict[str, list[str]] = defaultdict(list)
    for a in data.get("activations", []):
        if a.get("part_id"):
            loudest[a["part_id"]].append(a["onset_at"])
    for p in records:
        state = " (put away)" if p.get("archived") else ""
        lines.append(clean(f"- {p['name']}{state}, added {_day(p['created_at'], zone)}"))
        for key, what in parts.FIELDS.items():
            if p.get(key):
                lines.append(clean(f"  - {what[0].upper()}{what[1:]}: {p[key]}"))
        times = loudest[p["id"]]
        if times:
            many = "moment" if len(times) == 1 else "moments"
            lines.append(
                f"  - The loudest part in {len(times)} {many}, most recently "
                f"{_local(max(times), zone)}"
            )
    return [*lines, ""]


# --- the people ledger ---


def _people(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    """Each person with their ratings over time; then every rupture and its repair (a
    rupture keeps the name it was written with, also after the person was removed)."""
    lines = ["## People", ""]
    everyone, ruptures = data.get("people", []), data.get("ruptures", [])
    if not everyone and not ruptures:
        return [*lines, "No one in the ledger yet.", ""]
    ratings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in data.get("person_ratings", []):
        ratings[r["person_id"]].append(r)
    for p in everyone:
        role = people.ROLES.get(p["role"], p["role"])
        state = " (put away)" if p.get("archived") else ""
        lines.append(
            clean(f"- {p['name']}, {role.lower()}{state}, added {_day(p['created_at'], zone)}")
        )
        if p.get("note"):
            lines.append(clean(f"  - {p['note']}"))
        for r in ratings[p["id"]]:
            note = f". {r['note']}" if r.get("note") else ""
            lines.append(
                clean(
                    f"  - {_local(r['rated_at'], zone)}: consistency {r['consistency']}, "
                    f"availability {r['availability']}, emotional safety {r['safety']}{note}"
                )
            )
    if ruptures:
        lines += ["", "### Ruptures and repairs", ""]
    for r in ruptures:
        said = [f"with {r['person_name']}", r["what"]]
        if r.get("reached_out"):
            said.append(people.REACHED_OUT.get(r["reached_out"], r["reached_out"]).lower())
        if r.get("repaired_at"):
            took = datetime.fromisoformat(r["repaired_at"]) - datetime.fromisoformat(
                r["happened_at"]
            )
            said.append(f"repaired after {durations.words(max(0.0, took.total_seconds()))}")
        else:
            said.append("not repaired yet")
        if r.get("outcome"):
            said.append(f"how it went: {r['outcome']}")
        lines.append(clean(f"- {_local(r['happened_at'], zone)}: " + "; ".join(said)))
    return [*lines, ""]


# --- server mode: sharing with clinicians ---


def _categories(keys: list[str]) -> str:
    return ", ".join(consent.SHORT.get(k, k) for k in keys) or "nothing"


def _sharing(data: dict[str, Any], zone: tzinfo | None) -> list[str]:
    """The server's record of the person's sharing (reports/sharing.py): clinicians, when
    sharing began, changed and stopped, every look, suggestions, unused invites. Only in a
    server-mode export."""
    shared = data.get(sharing.KEY)
    if not isinstance(shared, dict):
        return []
    lines = ["## Sharing with clinicians", "", clean(str(shared.get("note", ""))), ""]
    lines += ["### Clinicians", ""]
    for c in shared.get("clinicians", []):
        last = c.get("last_look_or_suggestion")
        seen = f"; last look or suggestion {_local(last, zone)}" if last else ""
        if c.get("sharing_now"):
            lines.append(
                clean(
                    f"- {c['clinician']}: sharing since {_local(c['since'], zone)}: "
                    f"{_categories(c.get('categories', []))}{seen}"
                )
            )
        else:
            lines.append(clean(f"- {c['clinician']}: no longer shared with{seen}"))
    if not shared.get("clinicians"):
        lines.append("No clinician yet.")
    lines += ["", "### When sharing began, changed and stopped", ""]
    for e in shared.get("changes", []):
        said = consent.event_words(e["change"], e["clinician"], e.get("categories", []))
        lines.append(clean(f"- {_local(e['at'], zone)}: {said}"))
    if not shared.get("changes"):
        lines.append("No sharing yet.")
    lines += ["", "### Every look a clinician took", ""]
    for r in shared.get("looks", []):
        what = consent.SHORT.get(r["category"], r["category"])
        lines.append(clean(f"- {_local(r['at'], zone)}: {r['clinician']} saw {r['what']} ({what})"))
    if not shared.get("looks"):
        lines.append("No clinician has looked at anything.")
    lines += ["", "### Suggestions", ""]
    answers = {consent.OPEN: "not answered", consent.DONE: "tried", consent.DECLINED: "left"}
    for a in shared.get("suggestions", []):
        kind = consent.kind_words(a["kind"])
        note = f' ("{a["note"]}")' if a.get("note") else ""
        answer = answers.get(a["answer"], a["answer"])
        if a.get("answered_at"):
            answer += f" {_local(a['answered_at'], zone)}"
        lines.append(
            clean(
                f"- {_local(a['suggested_at'], zone)}: {a['clinician']} suggested {kind}, "
                f"{a['what']}{note}: {answer}"
            )
        )
    if not shared.get("suggestions"):
        lines.append("No suggestions.")
    lines += ["", "### Invite codes not yet used", ""]
    exported = datetime.fromisoformat(data["exported_at"])
    for i in shared.get("invites", []):
        state = "open until" if datetime.fromisoformat(i["expires_at"]) > exported else "expired"
        lines.append(
            f"- Made {_local(i['created_at'], zone)}, {state} {_local(i['expires_at'], zone)}: "
            f"{_categories(i.get('categories', []))}"
        )
    if not shared.get("invites"):
        lines.append("None.")
    return [*lines, ""]


def _settings(data: dict[str, Any]) -> list[str]:
    chosen = data.get("settings", {})
    lines = ["## Settings", ""]
    if not chosen:
        return [*lines, "None changed.", ""]
    return [*lines, *(clean(f"- {k}: {v}") for k, v in sorted(chosen.items())), ""]


def to_markdown(data: dict[str, Any], zone: tzinfo | None = None) -> str:
    """A readable document of everything, for printing or sharing by choice.

    `zone` is the person's time zone; None means this computer's, which in personal mode
    is theirs.
    """
    lines = ["# My earned journal", "", f"Exported {_local(data['exported_at'], zone)}.", ""]
    for part in (
        _questionnaires,
        _journal,
        _moments,
        _urge_timers,
        _practices,
        _toolkit,
        _people,
        _parts,
        _ladder,
        _beliefs,
        _session_notes,
        _recommits,
        _sharing,
    ):
        lines += part(data, zone)
    lines += _settings(data)
    return "\n".join(lines).rstrip() + "\n"
