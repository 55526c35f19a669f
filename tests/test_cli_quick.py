"""The quick capture commands (`earned log`, `settle`, `peak`, `open`, `wait`) and their
plain-SQL store (earned.store.quick): what they import, that their rows are the rows the
SQLAlchemy store writes, bad input, idempotent retries, a killed process, and the CLI
writing while the web app's store writes too."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from earned import cli
from earned.errors import EarnedError
from earned.store import Store, activations, personal, quick, schema, sqlcipher, urge_timers
from tests.support import child_env
from tests.support.cli import HEAVY, Run, earned, subcommands
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

ID = re.compile(r"\(id ([0-9a-f]{8})\)")


def raw(j: Journal, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlcipher.connect(j.profile.database, j.key)
    try:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def count(j: Journal, table: str = "activations") -> int:
    return int(raw(j, f"SELECT count(*) FROM {table}")[0][0])


def store(j: Journal) -> Store:
    return personal.open_with_key(j.profile, j.key)


def short_id(out: str) -> str:
    found = ID.search(out)
    assert found, out
    return found.group(1)


# --- imports and schema ----------------------------------------------------------------------


def test_quick_commands_import_nothing_heavy(journal_with_agent: Journal) -> None:
    code = f"""
import contextlib, io, sys
from earned import cli
with contextlib.redirect_stdout(io.StringIO()):
    assert cli.main(["log", "7", "he didn't answer for 3 hours", "--emotion", "abandoned",
                     "--urge", "text"]) == 0
    assert cli.main(["peak", "--intensity", "8"]) == 0
    assert cli.main(["open"]) == 0
    assert cli.main(["settle"]) == 0
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
    assert count(journal_with_agent) == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["log", "5"], "log"),
        (["--profile", "x", "--passphrase-file", "p", "settle"], "settle"),
        (["--profile=x", "open"], "open"),
        (["--help", "log"], None),
        (["--prof", "x", "log"], None),
        ([], None),
    ],
)
def test_the_command_is_found_before_parsing(argv: list[str], expected: str | None) -> None:
    assert cli._command_in(argv) == expected


def test_a_quick_commands_own_parser_equals_its_part_of_the_full_one() -> None:
    full = subcommands(cli.build_parser())
    for name in cli.QUICK_COMMANDS:
        alone = subcommands(cli.build_parser(only=name))
        assert list(alone) == [name]
        assert alone[name].format_help() == full[name].format_help()


def test_as_a_program_a_quick_command_exits_with_its_code_and_output(journal: Journal) -> None:
    bad = earned("log", "11", "too much")
    assert bad.returncode == 1
    assert bad.stderr == "earned: Intensity runs from 0 to 10; 11 is outside that.\n"
    good = earned("--passphrase-file", str(journal.pw), "log", "3")
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("Logged: intensity 3")


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
    journal_with_agent: Journal, run: Run
) -> None:
    _downgrade(journal_with_agent, "0001")
    assert raw(journal_with_agent, "SELECT version_num FROM alembic_version") == [("0001",)]
    result = run("log", "4", passphrase=None)
    assert result.code == 0, result.err
    assert raw(journal_with_agent, "SELECT version_num FROM alembic_version") == [(schema.HEAD,)]
    assert count(journal_with_agent) == 1


def test_a_journal_from_a_newer_earned_is_refused(journal_with_agent: Journal, run: Run) -> None:
    conn = sqlcipher.connect(journal_with_agent.profile.database, journal_with_agent.key)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = run("log", "4", passphrase=None)
    assert result.code == 2
    assert "newer version of earned" in result.err
    assert count(journal_with_agent) == 0


def test_a_missing_journal_file_is_reported_not_recreated(
    journal_with_agent: Journal, run: Run
) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{journal_with_agent.profile.database}{suffix}").unlink(missing_ok=True)
    result = run("log", "4", passphrase=None)
    assert result.code == 4
    assert "is missing. Nothing was created" in result.err
    assert not journal_with_agent.profile.database.exists()


# --- the rows are the store's rows -----------------------------------------------------------


def test_a_logged_activation_reads_back_through_the_sqlalchemy_store(
    journal_with_agent: Journal, run: Run
) -> None:
    before = datetime.now(UTC)
    result = run(
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
        passphrase=None,
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


# --- log -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["11"], "Intensity runs from 0 to 10; 11 is outside that"),
        (["-1"], "Intensity runs from 0 to 10; -1 is outside that"),
        (["seven"], "Intensity is a whole number from 0 to 10"),
        (["5", "x" * 501], "The trigger is 501 characters; please keep it under 500"),
        (["5", "--urge", "y" * 600], "The urge is 600 characters"),
        (["5", "--emotion", "z" * 61], "too long"),
        (["5", "--at", "2999-01-01T10:00"], "in the future"),
        (["5", "--at", "yesterday-ish"], "not a time earned understands"),
        (["5", "--at", "25:61"], "not a time earned understands"),
        (["5", "--token", "t" * 65], "at most 64"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    journal: Journal, run: Run, argv: list[str], message: str
) -> None:
    # No agent and no passphrase source: the input is checked before any is asked for.
    result = run("log", *argv, passphrase=None)
    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err
    assert count(journal) == 0


def test_identical_logs_are_separate_captures_but_a_token_is_idempotent(
    journal_with_agent: Journal, run: Run
) -> None:
    assert run("log", "6", "silence", passphrase=None).code == 0
    assert run("log", "6", "silence", passphrase=None).code == 0
    assert count(journal_with_agent) == 2

    first = run("log", "6", "silence", "--token", "retry-1", passphrase=None)
    again = run("log", "6", "silence", "--token", "retry-1", passphrase=None)
    assert first.code == again.code == 0
    assert "Logged" in first.out
    assert "Already saved with this --token" in again.out
    assert short_id(first.out) == short_id(again.out)
    assert count(journal_with_agent) == 3


def test_log_with_a_passphrase_file_and_no_agent(journal: Journal, run: Run) -> None:
    result = run("log", "3")
    assert result.code == 0, result.err
    assert "earned unlock" not in result.err  # no tip when the passphrase came from a file
    assert count(journal) == 1


def test_log_at_an_earlier_time(journal_with_agent: Journal, run: Run) -> None:
    earlier = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    result = run("log", "5", "--at", earlier.isoformat(), passphrase=None)
    assert result.code == 0, result.err
    assert raw(journal_with_agent, "SELECT onset_at FROM activations") == [
        (earlier.replace(tzinfo=None).isoformat(" ", "microseconds"),)
    ]


def test_parse_at() -> None:
    local = datetime.now().astimezone().tzinfo
    now = datetime(2026, 3, 2, 15, 0, tzinfo=local)
    assert cli._parse_at("14:05", now) == datetime(2026, 3, 2, 14, 5, tzinfo=local)
    assert cli._parse_at(" 9:30 ", now) == datetime(2026, 3, 2, 9, 30, tzinfo=local)
    assert cli._parse_at("2026-03-01T23:40", now) == datetime(2026, 3, 1, 23, 40, tzinfo=local)
    assert cli._parse_at("2026-03-01 23:40+02:00", now) == datetime(2026, 3, 1, 21, 40, tzinfo=UTC)
    with pytest.raises(EarnedError, match="For yesterday, give the date too"):
        cli._parse_at("23:59", now)
    for bad in ("", "14h05", "24:00", "2026-13-01"):
        with pytest.raises(EarnedError, match="not a time"):
            cli._parse_at(bad, now)


def test_output_never_prints_control_characters(journal_with_agent: Journal, run: Run) -> None:
    assert run("log", "4", "he said \x1b[31mred\x1b[0m things", passphrase=None).code == 0
    out = run("open", passphrase=None).out
    assert "\x1b" not in out
    assert "he said  [31mred [0m things" in out


# --- settle, peak, open ----------------------------------------------------------------------


def test_settle_the_most_recent_open_episode_and_see_recovery_time(
    journal_with_agent: Journal, run: Run
) -> None:
    now = datetime.now(UTC)
    old = run("log", "5", "--at", (now - timedelta(hours=3)).isoformat(), passphrase=None)
    new = run("log", "8", "--at", (now - timedelta(minutes=42)).isoformat(), passphrase=None)
    settled = run("settle", passphrase=None)
    assert settled.code == 0, settled.err
    assert "Settled: 42 minutes from the start" in settled.out
    assert "intensity 8" in settled.out
    assert "1 other episode(s) still open" in settled.out

    by_id = run(
        "settle",
        short_id(old.out)[:5],
        "--at",
        (now - timedelta(hours=1)).isoformat(),
        passphrase=None,
    )
    assert by_id.code == 0, by_id.err
    assert "Settled: 2 h 00 min from the start" in by_id.out
    assert "still open" not in by_id.out

    nothing = run("settle", passphrase=None)
    assert nothing.code == 1
    assert "There is no open episode" in nothing.err
    assert short_id(new.out) != short_id(old.out)


def test_settle_refusals_change_nothing(journal_with_agent: Journal, run: Run) -> None:
    now = datetime.now(UTC)
    logged = run("log", "6", "--at", (now - timedelta(minutes=30)).isoformat(), passphrase=None)
    before = run("settle", "--at", (now - timedelta(hours=1)).isoformat(), passphrase=None)
    assert before.code == 1
    assert "before the episode began" in before.err
    future = run("settle", "--at", (now + timedelta(hours=1)).isoformat(), passphrase=None)
    assert future.code == 1
    assert "in the future" in future.err
    unknown = run("settle", "ffffffffffff", passphrase=None)
    assert unknown.code == 1
    assert "No episode has an id starting with ffffffffffff" in unknown.err
    not_hex = run("settle", "hello", passphrase=None)
    assert not_hex.code == 1
    assert "is not an id" in not_hex.err
    assert raw(journal_with_agent, "SELECT settled_at, updated_at FROM activations")[0][0] is None
    assert short_id(logged.out)


def test_an_ambiguous_prefix_asks_for_more(journal_with_agent: Journal, run: Run) -> None:
    conn = quick.open_journal(journal_with_agent.profile, journal_with_agent.key)
    try:
        now = datetime.now(UTC)
        for suffix in ("1", "2"):
            values = quick.prepare_activation(intensity=3, now=now)
            values["id"] = "abcd" + suffix * 28
            quick.insert_activation(conn, values)
    finally:
        conn.close()
    result = run("settle", "abcd", passphrase=None)
    assert result.code == 1
    assert "More than one episode" in result.err
    assert run("settle", "ABCD2", passphrase=None).code == 0


def test_peak_then_settle(journal_with_agent: Journal, run: Run) -> None:
    now = datetime.now(UTC)
    run("log", "6", "--at", (now - timedelta(minutes=30)).isoformat(), passphrase=None)
    bad = run("peak", "--intensity", "12", passphrase=None)
    assert bad.code == 1 and "outside that" in bad.err
    peak = run(
        "peak",
        "--intensity",
        "9",
        "--at",
        (now - timedelta(minutes=20)).isoformat(),
        passphrase=None,
    )
    assert peak.code == 0, peak.err
    assert "Peak noted" in peak.out and "intensity 9" in peak.out
    early = run("settle", "--at", (now - timedelta(minutes=25)).isoformat(), passphrase=None)
    assert early.code == 1
    assert "before the peak" in early.err
    assert run("settle", passphrase=None).code == 0
    ((peak_at, peak_intensity, settled_at),) = raw(
        journal_with_agent, "SELECT peak_at, peak_intensity, settled_at FROM activations"
    )
    assert peak_intensity == 9 and peak_at < settled_at


def test_open_lists_episodes_and_running_timers(
    journal_with_agent: Journal, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = run("open", passphrase=None)
    assert empty.code == 0
    assert "Nothing is open" in empty.out

    monkeypatch.setattr(cli, "OPEN_SHOWN", 2)
    for n in range(3):
        run("log", str(n + 4), f"trigger {n}", passphrase=None)
    assert earned("wait", "text her again", stdin="").returncode == 0
    listed = run("open", passphrase=None)
    assert listed.code == 0
    assert "Open episodes (3):" in listed.out
    assert "trigger 2" in listed.out and "trigger 1" in listed.out
    assert "trigger 0" not in listed.out and "and 1 older one(s)" in listed.out
    assert "Urge timers still running (1):" in listed.out
    assert "text her again" in listed.out
    assert "earned wait --end ID w|a|p" in listed.out


# --- wait ------------------------------------------------------------------------------------


def test_wait_with_piped_input_stores_the_seconds_held(journal_with_agent: Journal) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "wait", "send the reassurance text"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    assert "Timer started" in proc.stdout.readline()
    time.sleep(1.3)
    out, err = proc.communicate("maybe\np\n", timeout=30)
    assert proc.returncode == 0, err
    assert "Type w, a or p" in out
    assert "The urge passed after 1 second" in out
    ((started, ended, outcome),) = raw(
        journal_with_agent, "SELECT started_at, ended_at, outcome FROM urge_delays"
    )
    assert outcome == "passed"
    held = datetime.fromisoformat(ended) - datetime.fromisoformat(started)
    assert timedelta(seconds=1.2) < held < timedelta(seconds=20)


def test_wait_left_running_ends_later_with_end(journal_with_agent: Journal, run: Run) -> None:
    done = earned("wait", "check his phone", stdin="")  # end of input: leave it running
    assert done.returncode == 0, done.stderr
    assert "The timer is still running" in done.stdout
    timer = short_id(done.stdout)
    assert f"earned wait --end {timer} w|a|p" in done.stdout
    assert raw(journal_with_agent, "SELECT ended_at FROM urge_delays") == [(None,)]

    wrong = run("wait", "--end", timer, "z", passphrase=None)
    assert wrong.code == 1 and "is not an ending" in wrong.err
    ended = run("wait", "--end", timer, "w", passphrase=None)
    assert ended.code == 0, ended.err
    assert "You waited" in ended.out
    twice = run("wait", "--end", timer, "a", passphrase=None)
    assert twice.code == 0
    assert "already ended (waited)" in twice.out
    assert raw(journal_with_agent, "SELECT outcome FROM urge_delays") == [("waited",)]

    missing = run("wait", passphrase=None)
    assert missing.code == 2 and "What is the urge?" in missing.err
    empty = run("wait", "   ", passphrase=None)
    assert empty.code == 1 and "What is the urge?" in empty.err


def test_ctrl_c_leaves_the_timer_running(journal_with_agent: Journal) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "wait", "withdraw"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert "Timer started" in first
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "still running" in out and "--end" in out
    assert "Traceback" not in err
    assert raw(journal_with_agent, "SELECT outcome, ended_at FROM urge_delays") == [(None, None)]


def test_wait_on_a_terminal_shows_the_time_held(journal_with_agent: Journal) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "wait", "call again"],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=child_env(),
    )
    os.close(slave)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 20
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break
        assert marker in seen, seen

    try:
        read_until(b"held 0:01")
        assert b"breathe" in seen
        os.write(master, b"w\n")
        read_until(b"You waited")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert raw(journal_with_agent, "SELECT outcome FROM urge_delays") == [("waited",)]


# --- crashes and concurrency -------------------------------------------------------------------


def test_a_process_killed_right_after_confirming_kept_the_row(journal_with_agent: Journal) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "log", "9", "kill me"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
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
