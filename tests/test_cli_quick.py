"""The quick path behind `earned log`, `settle`, `peak`, `open` and `wait` (the quick
connection in earned/cli/common.py, and earned.store.quick): what they import, the schema
check, that their rows are the rows the SQLAlchemy store writes, a killed process, and the
CLI writing while the web app's store writes too. The commands themselves are
tests/test_cli_capture.py and tests/test_cli_urge.py."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from earned.errors import EarnedError
from earned.store import Store, activations, personal, quick, schema, sqlcipher, urge_timers
from tests.support.cli import call, count, earned, env, heavy_imports_after, raw, short_id
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


def store(j: Journal) -> Store:
    return personal.open_with_key(j.profile, j.key)


# --- imports and schema ----------------------------------------------------------------------


def test_quick_commands_import_nothing_heavy(journal_with_agent: Journal) -> None:
    code = """
import contextlib, io, re
from earned import cli
out = io.StringIO()
with contextlib.redirect_stdout(out):
    assert cli.main(["log", "7", "he didn't answer for 3 hours", "--emotion", "abandoned",
                     "--urge", "text"]) == 0
    assert cli.main(["peak", "--intensity", "8"]) == 0
    assert cli.main(["open"]) == 0
    assert cli.main(["settle"]) == 0
    assert cli.main(["wait", "text again"]) == 0  # stdin is empty: left running
    timer = re.search(r"--end ([0-9a-f]+) ", out.getvalue()).group(1)
    assert cli.main(["wait", "--end", timer, "w"]) == 0
"""
    assert heavy_imports_after(code) == []
    assert count(journal_with_agent) == 1
    assert raw(journal_with_agent, "SELECT outcome FROM urge_delays") == [("waited",)]


def test_schema_constants_match_the_alembic_chain() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(sqlcipher.__file__).with_name("migrations")))
    assert script.get_heads() == [schema.HEAD]
    chain = [r.revision for r in script.walk_revisions("base", "heads")]
    assert tuple(reversed(chain)) == schema.REVISIONS


def _downgrade(j: Journal, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from earned.store import engine as engines

    engine = engines.sqlite_engine(j.profile.database, j.key)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(engines.__file__).with_name("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    engine.dispose()


def test_an_older_journal_is_migrated_through_the_full_store_first(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    _downgrade(journal_with_agent, "0001")
    assert raw(journal_with_agent, "SELECT version_num FROM alembic_version") == [("0001",)]
    result = call(capsys, "log", "4")
    assert result.code == 0, result.err
    assert raw(journal_with_agent, "SELECT version_num FROM alembic_version") == [(schema.HEAD,)]
    assert count(journal_with_agent) == 1


def test_a_journal_from_a_newer_earned_is_refused(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlcipher.connect(journal_with_agent.profile.database, journal_with_agent.key)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = call(capsys, "log", "4")
    assert result.code == 2
    assert "newer version of earned" in result.err
    assert count(journal_with_agent) == 0


def test_a_missing_journal_file_is_reported_not_recreated(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{journal_with_agent.profile.database}{suffix}").unlink(missing_ok=True)
    result = call(capsys, "log", "4")
    assert result.code == 4
    assert "is missing. Nothing was created" in result.err
    assert not journal_with_agent.profile.database.exists()


def test_after_a_full_check_finds_damage_the_quick_path_writes_nothing(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    """`results` said "damaged, restore from a backup" while `earned log` still said
    "Logged" and changed the file, so following the advice lost those words. The full
    check leaves a marker; the quick path (one stat) refuses while it is there."""
    database = journal_with_agent.profile.database
    wal = Path(f"{database}-wal")
    raw = _flip_a_records_page(journal_with_agent)

    checked = call(capsys, "results", pw=journal_with_agent.pw)
    assert checked.code == 4 and database.name in checked.err
    assert sqlcipher.marker(database).exists()
    refused = call(capsys, "log", "4")
    assert refused.code == 4
    assert database.name in refused.err and "backup" in refused.err
    assert "Logged" not in refused.out
    assert database.read_bytes() == raw
    assert not wal.exists() or wal.stat().st_size == 0


def _flip_a_records_page(j: Journal) -> bytes:
    """Damage the page holding the moments table (not the schema: opening a journal reads
    every page of sqlite_master, and a file whose schema cannot be read is refused at once,
    tests/store/test_personal.py), so only a check of every page can find it."""
    database = j.profile.database
    conn = sqlcipher.connect(database, j.key)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        (page,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'activations'"
        ).fetchone()
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    wal = Path(f"{database}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    raw = bytearray(database.read_bytes())
    raw[(page - 1) * int(size) + int(size) // 2] ^= 0xFF
    database.write_bytes(bytes(raw))
    return bytes(raw)


def test_with_the_passphrase_the_quick_path_checks_every_page_before_writing(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    """No full check had seen this damage yet: `earned log` with the passphrase (no agent)
    checks every page itself (far cheaper than the key derivation it does anyway)."""
    damaged = _flip_a_records_page(journal)
    refused = call(capsys, "log", "4", "words", pw=journal.pw)
    assert refused.code == 4, refused.err
    assert journal.profile.database.name in refused.err and "backup" in refused.err
    assert journal.profile.database.read_bytes() == damaged
    assert sqlcipher.marker(journal.profile.database).exists()
    # Next time it refuses before asking for a passphrase at all.
    again = call(capsys, "log", "4", "words")
    assert again.code == 4 and "passphrase" not in again.err.lower()


def test_the_agent_checks_every_page_before_handing_out_its_key(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    """Damage after `earned unlock` that no full check has seen: the agent, whose last
    check is older than its interval (0 here, a minute by default), checks every page
    before answering, finds it, leaves the marker and forgets the key; nothing is written."""
    from earned import agent

    agent.start(journal.profile, journal.key, 120, check_every=0)
    try:
        assert call(capsys, "log", "3", "before").code == 0
        assert count(journal) == 1
        conn = sqlcipher.connect(journal.profile.database, journal.key)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        conn.close()
        damaged = _flip_a_records_page(journal)
        refused = call(capsys, "log", "4", "after")
        assert refused.code == 4, (refused.out, refused.err)
        assert "Logged" not in refused.out
        assert journal.profile.database.read_bytes() == damaged
        assert sqlcipher.marker(journal.profile.database).exists()
        assert agent.fetch_key(journal.profile) is None  # it let go of the key
    finally:
        agent.stop(journal.profile)


def test_an_agent_within_its_interval_answers_without_reading_the_journal(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default: `earned unlock` has just checked every page, so `earned log` pays
    nothing for the check for a minute (bench/capture.py measures what it costs)."""
    from earned import agent

    agent.start(journal.profile, journal.key, 120)
    try:
        moved = journal.profile.database.with_name("elsewhere.db")
        journal.profile.database.rename(moved)  # a check now would find no journal
        assert agent.fetch_key(journal.profile) == journal.key
    finally:
        moved.rename(journal.profile.database)
        agent.stop(journal.profile)


# --- the rows are the store's rows -----------------------------------------------------------


def test_a_logged_activation_reads_back_through_the_sqlalchemy_store(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    before = datetime.now(UTC)
    result = call(
        capsys,
        "log",
        "7",
        "he didn't answer for 3 hours",
        "--emotion",
        "Abandoned",
        "--emotion",
        "ashamed",
        "--urge",
        "text",
        "--tag",
        "partner",
    )
    assert result.code == 0, result.err
    assert "Logged: intensity 7" in result.out
    assert "earned settle" in result.out and "earned wait text" in result.out
    prefix = short_id(result.out)

    s = store(journal_with_agent)
    try:
        with s.session() as session:
            (a,) = activations.list_activations(session=session)
            assert a.id.startswith(prefix) and len(a.id) == 32
            assert a.intensity == 7
            assert a.trigger == "he didn't answer for 3 hours"
            assert a.emotions == ["abandoned", "ashamed"]
            assert a.urge == "text"
            assert a.tags == ["partner"]
            assert a.body == [] and a.pattern is None and a.named_in_moment is None
            assert a.onset_at.tzinfo is not None
            assert before - timedelta(seconds=1) <= a.onset_at <= datetime.now(UTC)
            assert a.is_open
            # the store can go on working with it
            settled = activations.mark_settled(
                session=session,
                activation_id=a.id,
                at=a.onset_at + timedelta(minutes=5),
                now=datetime.now(UTC) + timedelta(minutes=5),
            )
            assert settled.recovery == timedelta(minutes=5)
    finally:
        s.close()


def test_raw_encodings_equal_the_sqlalchemy_models(journal_with_agent: Journal) -> None:
    """Same column types and text formats, row for row, as activations.log_activation writes."""
    now = datetime(2026, 3, 2, 21, 30, 15, 123456, tzinfo=UTC)
    onset = now.astimezone(timezone(timedelta(hours=-5))) - timedelta(minutes=3)
    fields: dict[str, Any] = {
        "intensity": 6,
        "now": now,
        "onset": onset,
        "trigger": "  a déjà-vu “quote” \u2603 ",
        "emotions": ["Lonely", "jealous"],
        "urge": "call",
        "tags": ["work", "Ex"],
    }
    s = store(journal_with_agent)
    try:
        with s.session() as session:
            orm = activations.log_activation(session=session, client_token="orm", **fields)
    finally:
        s.close()
    conn = quick.open_journal(journal_with_agent.profile, journal_with_agent.key)
    try:
        mine = quick.log_activation(conn, client_token="raw", **fields).activation
    finally:
        conn.close()

    columns = [r[1] for r in raw(journal_with_agent, "PRAGMA table_info(activations)")]
    select = ", ".join(f"typeof({c}), {c}" for c in columns)
    rows = {r[1]: r for r in raw(journal_with_agent, f"SELECT {select} FROM activations")}
    a, b = rows[orm.id], rows[mine.id]
    for index, column in enumerate(columns):
        if column not in ("id", "client_token"):
            assert a[2 * index : 2 * index + 2] == b[2 * index : 2 * index + 2], column
    assert a[columns.index("onset_at") * 2 + 1] == "2026-03-02 21:27:15.123456"
    assert json.loads(a[columns.index("emotions") * 2 + 1]) == ["lonely", "jealous"]
    # and the domain objects are equal apart from the id
    assert mine == type(orm)(**{**orm.__dict__, "id": mine.id})


def test_urge_timers_read_back_through_the_sqlalchemy_store(journal_with_agent: Journal) -> None:
    now = datetime.now(UTC)
    conn = quick.open_journal(journal_with_agent.profile, journal_with_agent.key)
    try:
        timer = quick.start_urge(conn, urge=" check his profile ", now=now)
        ended, changed = quick.end_urge(
            conn, prefix=timer.id[:6], outcome="passed", now=now + timedelta(seconds=95)
        )
        again, changed_again = quick.end_urge(
            conn, prefix=timer.id, outcome="acted", now=now + timedelta(seconds=200)
        )
    finally:
        conn.close()
    assert changed and not changed_again
    assert again == ended
    s = store(journal_with_agent)
    try:
        with s.session() as session:
            stored = urge_timers.get_urge(session=session, urge_id=timer.id)
    finally:
        s.close()
    assert stored == ended
    assert stored.urge == "check his profile"
    assert stored.outcome == "passed" and stored.seconds_held == 95


# --- crashes and concurrency -------------------------------------------------------------------


def test_a_process_killed_right_after_confirming_kept_the_row(journal_with_agent: Journal) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "log", "9", "kill me"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    prefix = short_id(line)
    rows = raw(journal_with_agent, "SELECT id, trigger FROM activations")
    assert len(rows) == 1
    assert rows[0][0].startswith(prefix) and rows[0][1] == "kill me"


def test_cli_and_web_store_writing_at_once_lose_nothing(journal_with_agent: Journal) -> None:
    per_process, processes, in_thread = 30, 2, 60
    errors: list[str] = []

    def cli_writer(n: int) -> None:
        for i in range(per_process):
            done = earned("log", str(i % 11), f"cli {n} #{i}", "--tag", f"p{n}")
            if done.returncode != 0 or done.stderr:
                errors.append(f"cli {n} #{i}: {done.returncode} {done.stderr}")

    def store_writer() -> None:
        s = store(journal_with_agent)
        try:
            for i in range(in_thread):
                time.sleep(0.04)  # spread over the CLI processes' run, not all at the start
                with s.session() as session:
                    activations.log_activation(
                        session=session,
                        intensity=i % 11,
                        now=datetime.now(UTC),
                        trigger=f"web #{i}",
                        client_token=f"web-{i}",
                    )
        except Exception as exc:  # reported below, in the test's thread
            errors.append(f"store: {exc!r}")
        finally:
            s.close()

    threads = [threading.Thread(target=cli_writer, args=(n,)) for n in range(processes)]
    threads.append(threading.Thread(target=store_writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:3]
    assert not any("locked" in e for e in errors)
    triggers = {r[0] for r in raw(journal_with_agent, "SELECT trigger FROM activations")}
    expected = {f"cli {n} #{i}" for n in range(processes) for i in range(per_process)}
    expected |= {f"web #{i}" for i in range(in_thread)}
    assert triggers == expected
    assert count(journal_with_agent) == per_process * processes + in_thread


def test_a_busy_journal_is_a_calm_message_not_a_traceback(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlcipher, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(quick, "_ATTEMPTS", 2)
    holder = sqlcipher.connect(journal_with_agent.profile.database, journal_with_agent.key)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")
    try:
        conn = sqlcipher.connect(journal_with_agent.profile.database, journal_with_agent.key)
        conn.isolation_level = None
        conn.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(EarnedError, match="The journal is busy") as info:
            quick.log_activation(conn, intensity=5, now=datetime.now(UTC))
        assert info.value.exit_code == 75
        conn.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert count(journal_with_agent) == 0


def test_the_quick_path_reads_every_column_the_store_wrote(journal_with_agent: Journal) -> None:
    """Rows are decoded by name from one column list: the pattern sentence and every
    detail written through the SQLAlchemy store come back through the quick path."""
    from earned.episodes import Pattern

    now = datetime.now(UTC)
    s = store(journal_with_agent)
    try:
        with s.session() as session:
            a = activations.log_activation(session=session, intensity=7, now=now)
            full = activations.update_details(
                session=session,
                activation_id=a.id,
                now=now,
                body=["chest"],
                action="breathed",
                person="Sam",
                named_in_moment=True,
                pattern=Pattern("alone", "silence", "rejection", "being left", "text"),
            )
    finally:
        s.close()
    conn = quick.open_journal(journal_with_agent.profile, journal_with_agent.key)
    try:
        assert quick.find_activation(conn, a.id[:8]) == full
    finally:
        conn.close()
    assert full.pattern is not None
