"""Make the upgrade fixture for one schema revision, with the code of the release that added it.

Writes tests/store/fixtures/schema-<revision>/: journal.db and journal.key (a profile folder
set up with the code of that release and the test passphrase below, holding a few records
of every kind that release had, with non-ASCII text) and manifest.json (the revision, how
it was made, and every row of every table as the file holds it). tests/store/test_upgrades.py
opens a copy of each with today's code and checks that every row is still there.

Run from the repository root, with the commit that added the migration:

    uv run --no-sync python scripts/make_upgrade_fixture.py <commit>

It checks that commit out with `git worktree add` under /tmp (removed afterwards) and runs
this file again in a child process with that checkout first on PYTHONPATH, so the journal
is written by the old `personal.set_up` and the old store functions, not today's. For a new
migration not committed yet, `--source .` uses the code in the working tree instead.
tests/store/fixtures/README.md says what each fixture holds.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "store" / "fixtures"
VERSIONS = Path("earned") / "store" / "migrations" / "versions"
# The test suite's passphrase (tests/support PASSPHRASE): a test secret, protecting nothing.
PASSPHRASE = "a calm harbour at dawn"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# Where each release kept its store functions, newest layout first; `store_fn` takes a
# function from the first module that has it, so one writer serves every release.
STORE_MODULES = (
    "entries",
    "assessments",
    "settings",
    "activations",
    "urge_timers",
    "practices",
    "toolkit",
    "repo",  # 0001-0003: entries, assessments and settings
    "moments",  # 0002: the in-the-moment records
    "people",  # 0004: the practice program (write_program imports its modules itself)
)


# --- the outer process: today's checkout ------------------------------------------------------


def head_revision(source: Path) -> str:
    """The newest migration revision in `source`'s migrations (read, not imported)."""
    revisions: dict[str, str | None] = {}
    for path in sorted((source / VERSIONS).glob("[0-9]*.py")):
        values: dict[str, Any] = {}
        for node in ast.parse(path.read_text()).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in ("revision", "down_revision")
            ):
                values[node.targets[0].id] = ast.literal_eval(node.value)
        revisions[values["revision"]] = values["down_revision"]
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        sys.exit(f"expected one head revision in {source / VERSIONS}, found {sorted(heads)}")
    return heads.pop()


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def make(source: Path, made_by: str, out_root: Path, force: bool) -> Path:
    revision = head_revision(source)
    out = out_root / f"schema-{revision}"
    if out.exists() and not force:
        sys.exit(f"{out} exists already; a released fixture is never remade (--force to replace)")
    with tempfile.TemporaryDirectory(prefix="earned-fixture-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARNED_")}
        # The cheap Argon2 parameters the test suite uses; the key file records them.
        env.update(PYTHONPATH=str(source), EARNED_KDF_PROFILE="test", EARNED_DATA_DIR=tmp)
        child = [sys.executable, __file__, "--write", tmp, "--revision", revision]
        subprocess.run([*child, "--made-by", made_by], cwd=tmp, env=env, check=True)
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for name in ("journal.db", "journal.key", "manifest.json"):
            shutil.copyfile(Path(tmp) / "out" / name, out / name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", nargs="?", help="the commit that added the newest migration")
    parser.add_argument("--source", type=Path, help="use the code in this folder instead")
    parser.add_argument("--out", type=Path, default=FIXTURES, help=f"default: {FIXTURES}")
    parser.add_argument("--force", action="store_true", help="replace an existing fixture")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # the child's job
    parser.add_argument("--revision", help=argparse.SUPPRESS)
    parser.add_argument("--made-by", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write(args.write, args.revision, args.made_by)
        return
    if args.source:
        source = args.source.resolve()
        made_by = f"a working tree with uncommitted changes on {git('rev-parse', 'HEAD')}"
        print(make(source, made_by, args.out, args.force))
        return
    if not args.commit:
        parser.error("give the commit that added the migration, or --source")
    commit = git("rev-parse", "--verify", f"{args.commit}^{{commit}}")
    tree = Path(tempfile.gettempdir()) / f"earned-at-{commit[:7]}"
    git("worktree", "add", "--detach", str(tree), commit)
    try:
        print(make(tree, f"commit {commit}", args.out, args.force))
    finally:
        git("worktree", "remove", "--force", str(tree))


# --- the child process: the release's own code ------------------------------------------------


def store_fn(name: str) -> Callable[..., Any] | None:
    """The store function `name` from whichever module this release keeps it in."""
    import importlib

    for module in STORE_MODULES:
        try:
            found = getattr(importlib.import_module(f"earned.store.{module}"), name, None)
        except ImportError:
            continue
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None


def need(name: str) -> Callable[..., Any]:
    found = store_fn(name)
    if found is None:
        sys.exit(f"this release has no store function {name}; teach write_records its new name")
    return found


def write_records(session: Any) -> None:
    """A few records of every kind this release has, with non-ASCII text and fixed times."""
    from earned import instruments, journal

    at = [T0 + timedelta(minutes=10 * i) for i in range(40)]
    add_entry, update_entry = need("add_entry"), need("update_entry")
    bodies = {
        "origin": "Ma grand-mère disait « courage » — 勇気. Ünïcödé and an emoji 🌱\nsecond line.",
        "reflection": "Ich habe gemerkt, dass ich mich zurückziehe, wenn es eng wird. Ωμέγα.",
        "after": "Après l'appel : j'ai attendu 10 minutes avant de répondre. 😮‍💨",
        "note": "Nota bene: señal de alarma → pausa. 日本語のメモ。",
    }
    for i, kind in enumerate(journal.KINDS):
        prompt = sorted(journal.prompt_keys())[0] if kind == "reflection" else None
        body = bodies.get(kind, f"Eintrag ({kind}) — ünïcödé ✓")
        entry = add_entry(session=session, kind=kind, prompt=prompt, body=body, now=at[i])
    update_entry(session=session, entry_id=entry.id, body=body + " (edited ✎)", now=at[9])

    start, answer = need("start_assessment"), need("record_answer")
    with_seq = "seq" in inspect.signature(answer).parameters  # answers.seq, from 0003
    scale = instruments.load("ecr").scale
    done = start(session=session, instrument_id="ecr", now=at[10])
    for item in range(1, len(instruments.load("ecr").items) + 1):
        seq = {"seq": 1_000 + item} if with_seq else {}
        value = scale.min + item % (scale.max - scale.min + 1)
        answer(session=session, assessment_id=done.id, item=item, value=value, now=at[11], **seq)
    need("complete_assessment")(session=session, assessment_id=done.id, now=at[12])
    unfinished = start(session=session, instrument_id="ecr", now=at[13])
    for item in (1, 2, 3):
        answer(session=session, assessment_id=unfinished.id, item=item, value=item, now=at[14])

    set_setting = need("set_setting")
    for key, text in (("onboarded", "yes"), ("region", "GB"), ("fixture-note", "réglé · 設定 ✓")):
        set_setting(session=session, key=key, value=text)

    if store_fn("log_activation") is not None:  # the in-the-moment records, from 0002
        write_moments(session, at)
    if store_fn("add_person") is not None:  # the practice program, from 0004
        write_program(session, at)


def write_moments(session: Any, at: list[datetime]) -> None:
    from earned import episodes, regulation

    log = need("log_activation")
    first = log(
        session=session,
        intensity=7,
        now=at[20],
        onset=at[19],
        trigger="Sie hat nicht zurückgeschrieben — 既読スルー",
        emotions=["peur", "colère"],
        urge="écrire encore 📱",
        tags=["travail", "café ☕"],
        client_token="fixture-activation-1",
    )
    need("update_details")(
        session=session,
        activation_id=first.id,
        now=at[21],
        body=sorted(episodes.BODY_KEYS)[:2],
        action="J'ai respiré, puis marché dehors.",
        person="Zoë",
        named_in_moment=True,
        pattern=episodes.Pattern(
            feeling="anxieuse",
            situation="quand le message reste sans réponse",
            interpretation="je crois qu'elle m'en veut",
            fear="d'être laissée",
            urge="d'écrire encore",
        ),
    )
    need("mark_peak")(session=session, activation_id=first.id, at=at[21], now=at[22], intensity=8)
    need("mark_settled")(session=session, activation_id=first.id, at=at[23], now=at[23])
    log(session=session, intensity=3, now=at[24], trigger="Ruído no escritório")

    start_urge, end_urge = need("start_urge"), need("end_urge")
    urge = start_urge(session=session, urge="Anrufen, sofort ☎", now=at[20], activation_id=first.id)
    end_urge(session=session, urge_id=urge.id, outcome="waited", now=at[22])
    start_urge(session=session, urge="Tout annuler", now=at[25], client_token="fixture-urge-2")

    practice = need("log_practice")
    kinds = list(regulation.PRACTICE_KINDS)
    practice(session=session, kind=kinds[0], seconds=240, now=at[26], note="Calme · 平静")
    practice(session=session, kind=kinds[-1], seconds=90, now=at[27], client_token="fixture-p2")

    add_tool, use = need("add_tool"), need("record_tool_use")
    cold = add_tool(session=session, name="Eau froide sur les poignets ❄", now=at[28])
    walk = add_tool(session=session, name="Spaziergang im Park 🌳", now=at[29])
    use(session=session, tool_id=cold, before=8, after=4, now=at[30])
    use(session=session, tool_id=walk, before=6, after=5, now=at[31], client_token="fixture-t2")
    need("archive_tool")(session=session, tool_id=walk)


def write_program(session: Any, at: list[datetime]) -> None:
    """Roadmap steps 3 and 5-10: a record of every kind, linked where they link."""
    from earned import beliefs, ladder, origin_links
    from earned.session_prep import Picked
    from earned.store import (
        activations,
        assessments,
        entries,
        parts,
        people,
        recommits,
        session_notes,
    )
    from earned.store import beliefs as belief_store
    from earned.store import ladder as ladder_store
    from earned.store import origin_links as link_store

    zoe = people.add_person(session=session, name="Zoë", role="partner", now=at[32], note="Ça va")
    people.rate_person(
        session=session, person_id=zoe.id, consistency=4, availability=3, safety=5, now=at[33],
        note="Steadier · 安定", client_token="fixture-rating-1",
    )  # fmt: skip
    people.log_rupture(
        session=session, person_id=zoe.id, what="Dispute über das Wochenende", now=at[34],
        happened_at=at[33], reached_out="both", repaired_at=at[34], outcome="On a parlé 🌿",
        client_token="fixture-rupture-1",
    )  # fmt: skip
    moment = activations.list_activations(session=session, limit=1)[0]
    activations.link_person(session=session, activation_id=moment.id, person_id=zoe.id, now=at[34])
    guard = parts.add_part(
        session=session, name="Le gardien", now=at[35], protects="mon cœur", fears="être seul"
    )
    activations.set_loudest_part(
        session=session, activation_id=moment.id, part_id=guard.id, now=at[35]
    )
    items = {n: 1 + n % 7 for n in range(1, 10)}
    assessments.save_about(
        session=session, instrument_id="ecr_rs", person_id=zoe.id, answers=items, now=at[35]
    )
    rung = ladder_store.add_rung(
        session=session, title="Rester cinq minutes de plus 💬", difficulty=40,
        urge="écrire encore", now=at[36],
    )  # fmt: skip
    ladder_store.try_attempt(
        session=session, rung_id=rung.id, predicted=70, feared="qu'elle parte", now=at[37],
        person_name="Zoë", after=ladder.check_after(30, "Tout s'est bien passé", True),
        planned_at=at[36], client_token="fixture-attempt-1",
    )  # fmt: skip
    origin = entries.list_entries(session=session, kind="origin")[0]
    details = beliefs.Details(
        belief="Si j'ai besoin des autres, ils partent.",
        origin="Enfance · 幼少期",
        origin_entry_id=origin.id,
        evidence_for="Il est parti une fois.",
        evidence_against="Zoë est restée.",
        alternative="Certaines personnes restent.",
        rerate_days=14,
    )
    belief = belief_store.add_belief(
        session=session, details=details, strength=80, alternative_strength=20, now=at[38],
        client_token="fixture-belief-1",
    )  # fmt: skip
    belief_store.rate(
        session=session, belief_id=belief.id, strength=65, alternative_strength=40,
        note="Un peu moins ✓", now=at[39],
    )  # fmt: skip
    choice = origin_links.Target("belief", belief.id, "").choice
    link_store.add_link(
        session=session, entry_id=origin.id, passage="courage", choice=choice, now=at[39]
    )
    session_notes.add_note(
        session=session, now=at[39], since_last="Deux semaines plus calmes 🌤",
        to_bring="Le week-end", picked=[Picked("activation", moment.id, "Sie hat nicht…")],
        session_at=at[39], client_token="fixture-note-1",
    )  # fmt: skip
    recommits.make(
        session=session, practice="breathe", noticed="Un mois difficile · 難しい月",
        note="Cinq minutes", now=at[39], client_token="fixture-recommit-1",
    )  # fmt: skip


def dump(database: Path, data_key: bytes) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but alembic_version, in primary-key order, as stored."""
    import sqlcipher3.dbapi2 as dbapi

    conn = dbapi.connect(str(database))
    try:
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name != 'alembic_version' ORDER BY name"
            )
        ]
        tables: dict[str, list[dict[str, Any]]] = {}
        for name in names:
            info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            columns = [c[1] for c in info]
            keys = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
            cursor = conn.execute(f'SELECT * FROM "{name}" ORDER BY {", ".join(keys)}')
            tables[name] = [dict(zip(columns, row, strict=True)) for row in cursor]
        return tables
    finally:
        conn.close()


def write(tmp: Path, revision: str, made_by: str) -> None:
    import earned
    from earned import paths
    from earned.store import personal

    assert Path(earned.__file__).is_relative_to(os.environ["PYTHONPATH"]), earned.__file__
    profile = paths.profile("fixture", tmp)
    store, data_key = personal.set_up(profile, PASSPHRASE)
    try:
        with store.session() as session:
            write_records(session)
    finally:
        store.close()
    # With no connection left open, SQLite has folded the write-ahead log into the file and
    # removed it: the two files are the whole journal and safe to copy.
    left = sorted(p.name for p in profile.folder.iterdir())
    assert left == ["journal.db", "journal.key"], left
    tables = dump(profile.database, data_key)
    empty = [name for name, rows in tables.items() if not rows]
    if empty:
        sys.exit(f"no records in {empty}: teach write_records to write them")
    out = tmp / "out"
    out.mkdir()
    shutil.copyfile(profile.database, out / "journal.db")
    shutil.copyfile(profile.key_file, out / "journal.key")
    manifest = {
        "revision": revision,
        "made_by": made_by,
        "passphrase": PASSPHRASE,
        "kdf_profile": "test",
        "tables": tables,
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True)
    (out / "manifest.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
