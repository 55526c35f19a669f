"""Benchmark: server mode under load, many people signed in at once (issue 14).

Builds a server database of PEOPLE accounts, each with a journal schema holding DAYS of a
daily user's records: 4 activations a day (intensities, triggers, emotions, peaks and
settled times), 2 practices, 1 urge timer, a journal entry every third day, a completed
ECR questionnaire (all 36 answers) every month, and the settings of a person who has
finished onboarding. The first journal is made by the real migrations
(Server.create_journal); the others are copies of its tables read from PostgreSQL's
catalogue (CREATE TABLE ... LIKE ... INCLUDING ALL, then its foreign keys, then its
alembic_version), checked to match it, and filled with set-based SQL (INSERT ... SELECT
FROM generate_series). Accounts are made with earned.store.server.accounts.create under
EARNED_KDF_PROFILE=test (a cheap Argon2id: a thousand real hashes would take minutes and
measure nothing the load does); the server runs under the same profile, so signing in does
not rehash every password at the real cost.

Then it starts `earned serve --database URL --port 0` as a real process, first with
--workers 1, then with --workers 2, and for each runs USERS simulated people at once,
each signed in through /login (the CSRF token read from the page) as a different account,
each on one kept-alive connection as a browser tab is. For SECONDS they cycle through the
mixed pages (/, /moment, /moment/history, /progress, /roadmap, /patterns, /results,
/regulate), and every tenth request is a POST /moment (a new activation with the page's
CSRF token), followed to the page it redirects to. Then, on the same server, the same
users ask for a trivial page (/pause: a template that reads nothing of the journal) for
TRIVIAL_SECONDS. Every request's latency and status is kept.

It prints the build time and database size, then per worker count: requests/s of the
mixed pages and of the trivial page and their ratio (goal: at least 0.3), p50/p95/p99
latency per page, and the errors (any 5xx, any other unexpected status, any connection
error or timeout, and any redirect to /login, which would mean a session was lost), and
at the end the scale-out ratio (throughput with 2 workers / with 1). Beside them, the
CPU used by the server, by PostgreSQL (when started here) and by this generator, and
the new database connections each phase made (a pool that keeps its connections makes
none; a steady flow means connections opened for one request and closed after it).
Exits 1 on any error or a ratio under 0.3.

    uv run python bench/load.py [--people 1000] [--days 365] [--users 50] [--seconds 60]
                                [--trivial-seconds 20] [--database URL]

PostgreSQL: with --database URL or $EARNED_TEST_PG_URL, a fresh database is made on that
server and dropped at the end; otherwise a throwaway cluster is started here (initdb +
pg_ctl on 127.0.0.1, a free port, data in /dev/shm when there is one, as scripts/test
does) and removed at the end. Loopback only; every request has a timeout and each phase
a fixed length. Bytecode is compiled first, as in an installed copy.

The load generator runs on the same machine as the server and PostgreSQL. On a 2-core
machine a second worker can only use the core that PostgreSQL and this generator leave
free, so the scale-out figure printed is a lower bound of what 2 workers give on a
machine with a core per worker; the generator's own CPU share is printed with it, so
its cost can be read off. A scale-out near 1.0 here means the cores were already
saturated, not that the second worker is useless.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Connection, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from capture import compile_bytecode  # noqa: E402 - bench/ is not a package
from journal import EMOTIONS, PASSPHRASE, PRACTICE_KINDS, TAGS, TRIGGERS, URGES  # noqa: E402

from earned.store import fields  # noqa: E402 - the key ring the server seals words with

# The accounts' password, shared by all (invented, for a throw-away database).
PASSWORD = PASSPHRASE
MIXED = (
    "/",
    "/moment",
    "/moment/history",
    "/progress",
    "/roadmap",
    "/patterns",
    "/results",
    "/regulate",
)
TRIVIAL = "/pause"
POST_EVERY = 10  # every tenth request of a user is a POST /moment
SAVED = "/moment/{id}/saved"  # where a POST /moment leads (followed, as a browser does)
# What a page shows only when the journal has records (checked once, after the warm-up).
SHOWS = {
    "/results": "Your starting point",
    "/moment": "Recent moments",
    "/moment/history": "Older moments",
}
GOAL_RATIO = 0.3
TIMEOUT = 30.0  # seconds for any one request
ZONE = "Europe/London"
ENTRY_WORDS = (
    "Noticed the old pull to check my phone, and stayed with my tea instead.",
    "A quiet evening. Wrote down what I needed before asking for it.",
    "We talked about the weekend plan and I said what worked for me.",
    "Felt unsure after the call, then remembered the last three times it was fine.",
)
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
LOGIN = "/login"


def say(text: str = "") -> None:
    print(text, flush=True)


# --- PostgreSQL -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def cluster() -> Iterator[tuple[str, int | None]]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (as scripts/test starts one): its URL
    and its postmaster's process id (its backends are the postmaster's children)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    initdb = Path(found[-1]) if found else Path(shutil.which("initdb") or "initdb")
    bin_dir = initdb.parent
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="earned-load-pg-", dir=shm if shm.is_dir() else None))
    work.chmod(0o755)
    (work / "sock").mkdir()
    root = os.geteuid() == 0
    if root:
        shutil.chown(work, "postgres", "postgres")
        shutil.chown(work / "sock", "postgres", "postgres")

    def as_pg(*command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if root else []
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL)

    port = free_port()
    data = str(work / "data")
    try:
        as_pg(str(bin_dir / "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
              "--encoding=UTF8", "--locale=C.UTF-8")  # fmt: skip
        as_pg(str(bin_dir / "pg_ctl"), "-D", data, "-l", str(work / "server.log"), "-w",
              "-t", "30", "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {work / 'sock'}",
              "start")  # fmt: skip
        try:
            postmaster = int((work / "data" / "postmaster.pid").read_text().split()[0])
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", postmaster
        finally:
            as_pg(str(bin_dir / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server `server_url` points at; dropped at the end."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"earned_load_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


# --- building the people and their journals -------------------------------------------------


def make_accounts(url: str, people: int) -> list[int]:
    """PEOPLE person accounts (person0001 …), the first one's journal by the migrations."""
    from earned.store.server import Server
    from earned.store.server import accounts as account_store

    server = Server.open(url, pool_size=2)
    try:
        now = datetime.now(UTC)
        with server.session() as s:
            ids = [
                account_store.create(
                    session=s, name=name_of(n), role="person", password=PASSWORD, now=now
                ).id
                for n in range(people)
            ]
        server.create_journal(ids[0])
    finally:
        server.close()
    return ids


def name_of(n: int) -> str:
    return f"person{n + 1:04d}"


def schema_of(account_id: int) -> str:
    from earned.store.schemas import journal_schema

    return journal_schema(account_id)


@dataclass(frozen=True)
class Layout:
    """The first journal's tables as PostgreSQL's catalogue has them."""

    tables: list[str]
    foreign_keys: list[tuple[str, str, str]]  # table, constraint name, definition


def layout(conn: Connection, schema: str) -> Layout:
    from sqlalchemy import text

    conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
    tables = list(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relkind = 'r' ORDER BY c.relname"
            ),
            {"s": schema},
        ).scalars()
    )
    serial = conn.execute(
        text(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_schema = :s AND column_default LIKE 'nextval%'"
        ),
        {"s": schema},
    ).scalar_one()
    if serial:
        # A copied default would draw from the first journal's sequence.
        raise RuntimeError("the journal has sequences now: copy them too before cloning")
    # With the search_path on the schema, definitions name the tables they reference
    # without a schema: run in another schema's search_path they point at its own tables.
    keys = [
        (str(t), str(c), str(d))
        for t, c, d in conn.execute(
            text(
                "SELECT cl.relname, con.conname, pg_get_constraintdef(con.oid) "
                "FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid "
                "JOIN pg_namespace n ON n.oid = cl.relnamespace "
                "WHERE n.nspname = :s AND con.contype = 'f' ORDER BY cl.relname, con.conname"
            ),
            {"s": schema},
        )
    ]
    return Layout(tables, keys)


def signature(conn: Connection, schema: str) -> list[tuple[str, int, int, int]]:
    """Per table: columns, indexes, constraints; two journals alike have the same."""
    from sqlalchemy import text

    rows = conn.execute(
        text(
            "SELECT c.relname, "
            "(SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
            "AND NOT a.attisdropped), "
            "(SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid), "
            "(SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s AND c.relkind = 'r' ORDER BY c.relname"
        ),
        {"s": schema},
    )
    return [(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]


def clone_journals(url: str, ids: list[int]) -> None:
    """Every journal after the first: the first one's tables, keys and alembic_version."""
    from sqlalchemy import create_engine

    first = schema_of(ids[0])
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            shape = layout(conn, first)
        batch = 100
        for at in range(1, len(ids), batch):
            with engine.begin() as conn:
                for account_id in ids[at : at + batch]:
                    schema = schema_of(account_id)
                    conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
                    conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
                    for table in shape.tables:
                        conn.exec_driver_sql(
                            f'CREATE TABLE "{table}" (LIKE "{first}"."{table}" INCLUDING ALL)'
                        )
                    for table, name, definition in shape.foreign_keys:
                        conn.exec_driver_sql(
                            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                        )
                    conn.exec_driver_sql(
                        f'INSERT INTO alembic_version SELECT * FROM "{first}".alembic_version'
                    )
        if len(ids) > 1:
            with engine.begin() as conn:
                a, b = signature(conn, first), signature(conn, schema_of(ids[-1]))
            if a != b:
                raise RuntimeError(f"a cloned journal differs from the first: {a} != {b}")
    finally:
        engine.dispose()


# One journal's year, set-based. Run with the search_path on the journal's schema.
FILL = (
    # 4 activations a day, one in each quarter of the day (UTC), each peaking a third of
    # the way and settled 3 to 180 minutes later (one in 31 left unmarked).
    """
    INSERT INTO activations (id, client_token, onset_at, intensity, trigger, tags, body,
        emotions, urge, action, person, named_in_moment, pattern, peak_at, peak_intensity,
        settled_at, created_at, updated_at, person_id, part_id)
    SELECT md5('a' || n), NULL, t.onset, t.i, (CAST(:triggers AS text[]))[1 + n % 8],
        CASE WHEN n % 3 = 0 THEN '[]'::json
             ELSE to_json((CAST(:tag_tokens AS text[]))[1 + n % 4]) END,
        '[]'::json,
        to_json((CAST(:emotion_pairs AS text[]))[1 + (n % 8) * 7 + (n / 8) % 7]),
        (CAST(:urges AS text[]))[1 + n % 6], NULL, NULL, n % 2 = 0, NULL,
        t.onset + t.len / 3, least(10, t.i + 1),
        CASE WHEN n % 31 = 0 THEN NULL ELSE t.onset + t.len END,
        t.onset, t.onset + t.len, NULL, NULL
    FROM generate_series(0, :days * 4 - 1) AS n
    CROSS JOIN LATERAL (SELECT
        CAST(:start AS timestamptz) + (n / 4) * interval '1 day' + (n % 4) * interval '6 hours'
            + floor(random() * 300) * interval '1 minute' AS onset,
        floor(random() * 11)::int AS i,
        (3 + floor(random() * 178)) * interval '1 minute' AS len) AS t
    """,
    # 1 urge timer a day, on the day's first activation.
    """
    INSERT INTO urge_delays (id, client_token, urge, started_at, ended_at, outcome,
        activation_id)
    SELECT md5('u' || d), NULL, (CAST(:delay_urges AS text[]))[1 + (d * 4) % 6], a.onset_at,
        a.onset_at + (60 + floor(random() * 1800)) * interval '1 second',
        (ARRAY['waited', 'passed', 'acted'])[1 + d % 3], a.id
    FROM generate_series(0, :days - 1) AS d JOIN activations a ON a.id = md5('a' || d * 4)
    """,
    # 2 practices a day, morning and evening.
    """
    INSERT INTO practices (id, client_token, kind, started_at, seconds, note)
    SELECT md5('p' || n), NULL, (CAST(:kinds AS text[]))[1 + n % 7],
        CAST(:start AS timestamptz) + (n / 2) * interval '1 day'
            + (8 + 12 * (n % 2)) * interval '1 hour',
        60 + floor(random() * 840)::int, NULL
    FROM generate_series(0, :days * 2 - 1) AS n
    """,
    # A reflection every third day, on one of the reflection questions.
    """
    INSERT INTO entries (id, kind, prompt, body, created_at, updated_at)
    SELECT md5('e' || d), 'reflection', (CAST(:prompts AS text[]))[1 + d % 5],
        (CAST(:words AS text[]))[1 + d % 4],
        CAST(:start AS timestamptz) + d * interval '1 day' + interval '21 hours',
        CAST(:start AS timestamptz) + d * interval '1 day' + interval '21 hours'
    FROM generate_series(0, :days - 1, 3) AS d
    """,
    # A completed ECR each month (all 36 answers, on its 1 to 5 scale).
    """
    INSERT INTO assessments (id, instrument, started_at, completed_at, person_id, person_name)
    SELECT md5('q' || m), 'ecr',
        CAST(:start AS timestamptz) + (m * :days / 12) * interval '1 day' + interval '20 hours',
        CAST(:start AS timestamptz) + (m * :days / 12) * interval '1 day'
            + interval '20 hours 12 minutes',
        NULL, NULL
    FROM generate_series(0, 11) AS m
    """,
    """
    INSERT INTO answers (assessment_id, item, value, answered_at, seq)
    SELECT q.id, item, 1 + floor(random() * 5)::int, q.started_at + item * interval '15 seconds',
        item
    FROM assessments q CROSS JOIN generate_series(1, 36) AS item
    """,
    """
    INSERT INTO settings (key, value) VALUES (:zone_key, :zone), (:done_key, :done)
    """,
)


# The server's key ring for this run: the words are sealed as the server seals them
# (earned/store/fields.py), so every page opens them as it would on a real server.
_RINGS: list[fields.Ring] = []


def ring() -> fields.Ring:
    if not _RINGS:
        _RINGS.append(fields.new_ring())
    return _RINGS[0]


def sealed_words(owner: str) -> dict[str, list[str]]:
    """The words of one journal, sealed under its owner (its schema), column by column."""
    import json

    def seal(text: str, table: str, column: str) -> str:
        return ring().seal(text, table, column, owner)

    def listed(words: list[str]) -> str:  # as fields.SealedJSON writes a list
        return json.dumps(words, ensure_ascii=False, separators=(",", ":"))

    return {
        "triggers": [seal(t, "activations", "trigger") for t in TRIGGERS],
        "urges": [seal(u, "activations", "urge") for u in URGES],
        "delay_urges": [seal(u, "urge_delays", "urge") for u in URGES],
        "words": [seal(w, "entries", "body") for w in ENTRY_WORDS],
        "tag_tokens": [seal(listed([t]), "activations", "tags") for t in TAGS[:4]],
        "emotion_pairs": [
            seal(listed([EMOTIONS[a], EMOTIONS[(a + 1 + b) % 8]]), "activations", "emotions")
            for a in range(8)
            for b in range(7)
        ],
    }


def fill_journals(url: str, ids: list[int], days: int) -> None:
    """Each journal's year, two connections at a time (PostgreSQL does the work)."""
    from sqlalchemy import create_engine, text

    from earned import journal, onboarding, zones

    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - timedelta(days=days + 1)  # so the newest records are a day old
    values: dict[str, object] = {
        "start": start,
        "days": days,
        "triggers": list(TRIGGERS),
        "tags": list(TAGS),
        "emotions": list(EMOTIONS),
        "urges": list(URGES),
        "kinds": list(PRACTICE_KINDS),
        "words": list(ENTRY_WORDS),
        "prompts": list(journal.prompt_keys()),
        "zone_key": zones.SETTING,
        "zone": ZONE,
        "done_key": onboarding.SETTING,
        "done": onboarding.DONE,
    }
    statements = [text(s) for s in FILL]
    engine = create_engine(url, pool_size=2)

    def fill(part: list[int]) -> None:
        with engine.connect() as conn:
            for account_id in part:
                mine = values | sealed_words(schema_of(account_id))
                with conn.begin():
                    # A throw-away build: no wait for the WAL flush at each commit.
                    conn.exec_driver_sql("SET LOCAL synchronous_commit TO off")
                    conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema_of(account_id)}"')
                    for statement in statements:
                        names = set(statement.compile().params)
                        conn.execute(statement, {k: v for k, v in mine.items() if k in names})

    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(fill, [ids[0::2], ids[1::2]]))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Visibility map and statistics now, not by autovacuum in the middle of the run.
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    finally:
        engine.dispose()


def database_size(url: str) -> tuple[int, dict[str, int]]:
    """The database's bytes, and the rows of one journal's main tables."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            size = int(
                conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
            )
            schema = str(
                conn.execute(
                    text("SELECT min(nspname) FROM pg_namespace WHERE nspname LIKE 'journal\\_%'")
                ).scalar_one()
            )
            rows = {
                t: int(conn.exec_driver_sql(f'SELECT count(*) FROM "{schema}"."{t}"').scalar_one())
                for t in ("activations", "practices", "urge_delays", "entries", "answers")
            }
    finally:
        engine.dispose()
    return size, rows


def check_records(url: str, account_id: int) -> dict[str, int]:
    """One journal's records, exported and imported into a scratch journal: the importer
    checks every record as a new one would be (scales, kinds, limits, times in order)."""
    from earned.reports import export
    from earned.store.server import Server

    server = Server.open(url, pool_size=2)
    scratch = 2**31 - 1  # an account id nobody has
    fields.install(ring())  # this process reads the sealed words as the server does
    try:
        with server.journal(account_id).session() as s:
            data = export.snapshot(session=s)
        try:
            with server.create_journal(scratch).session() as s:
                counts = export.restore(session=s, data=data)
        finally:
            server.drop_journal(scratch)
    finally:
        server.close()
    return {k: v for k, v in counts.items() if v}


def build(url: str, people: int, days: int) -> float:
    began = time.perf_counter()
    ids = make_accounts(url, people)
    made = time.perf_counter()
    say(f"  {people:,} accounts, the first journal by its migrations: {made - began:.1f} s")
    clone_journals(url, ids)
    cloned = time.perf_counter()
    say(f"  {people - 1:,} journals copied from the first one's tables: {cloned - made:.1f} s")
    fill_journals(url, ids, days)
    filled = time.perf_counter()
    say(f"  {days} days of records in each journal, then VACUUM ANALYZE: {filled - cloned:.1f} s")
    counts = check_records(url, ids[-1])
    say("  one journal exported and imported again, every record checked: "
        + ", ".join(f"{n:,} {t}" for t, n in counts.items()))  # fmt: skip
    return filled - began


# --- the server -----------------------------------------------------------------------------


def server_env(work: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARNED_", "PYTHONDONTWRITE"))}
    return env | {
        "EARNED_DATA_DIR": str(work / "data"),
        "XDG_RUNTIME_DIR": str(work),
        "EARNED_KDF_PROFILE": "test",  # the accounts' hashes were made at this cost
        "EARNED_DATABASE_URL": url,
        "EARNED_SERVER_KEYS": ring_json(),  # the ring the journals were sealed with
    }


def ring_json() -> str:
    return fields.to_json(ring()).decode()


def start_server(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen[str], int]:
    """`earned serve --database … --port 0 --workers N` and the port it printed."""
    with log.open("w") as err:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "earned"), "serve", "--database",
             env["EARNED_DATABASE_URL"], "--port", "0", "--workers", str(workers)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env=env,
        )  # fmt: skip
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    if not ready:
        proc.kill()
        raise RuntimeError("earned serve printed no address within 120 s")
    line = proc.stdout.readline().strip()
    if not line:
        proc.wait(10)
        raise RuntimeError(f"earned serve ended: {log.read_text()[-2000:]}")
    return proc, int(line.rstrip("/").rsplit(":", 1)[1])


def stop_server(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its children, living (the server's workers,
    PostgreSQL's backends) and ended (a backend whose connection was closed), from /proc."""

    def stat(p: int) -> list[int]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended in between
            return [0, 0, 0, 0]
        return [int(f) for f in fields[11:15]]  # utime stime cutime cstime

    ticks = sum(stat(pid))  # its own, and its ended children's (once waited for)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        ticks += sum(sum(stat(int(c))[:2]) for c in children.read_text().split())
    return ticks / os.sysconf("SC_CLK_TCK")


# --- the simulated people ---------------------------------------------------------------------


@dataclass
class Tally:
    """Every request of one phase: latencies per page, errors by kind."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, page: str, took: float) -> None:
        self.times.setdefault(page, []).append(took)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.times.values())


class User:
    """One person in one browser tab: their cookies, one kept-alive connection."""

    def __init__(self, port: int, name: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.name = name
        self.client = httpx.AsyncClient(
            base_url=self.base,
            follow_redirects=False,
            timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        self.csrf = ""

    async def sign_in(self) -> None:
        page = await self.client.get(LOGIN)
        found = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or found is None:
            raise RuntimeError(f"GET /login answered {page.status_code} without a form")
        answer = await self.client.post(
            LOGIN,
            data={"csrf": found.group(1), "name": self.name, "password": PASSWORD, "code": ""},
            headers={"Origin": self.base},
        )
        if answer.status_code != 303 or answer.headers.get("location") != "/":
            raise RuntimeError(f"{self.name} could not sign in: {answer.status_code}")

    def _check(self, response: httpx.Response, expected: int, tally: Tally, page: str) -> bool:
        status = response.status_code
        if status == expected:
            return True
        where = response.headers.get("location", "")
        if status in (301, 302, 303, 307, 308) and where.startswith(LOGIN):
            tally.errors[f"{page}: redirect to /login (session lost)"] += 1
        else:
            tally.errors[f"{page}: status {status}"] += 1
        return False

    async def get(self, path: str, tally: Tally) -> None:
        began = time.perf_counter()
        try:
            response = await self.client.get(path)
        except httpx.HTTPError as exc:
            tally.errors[f"{path}: {type(exc).__name__}"] += 1
            return
        tally.add(path, time.perf_counter() - began)
        if self._check(response, 200, tally, path):
            found = CSRF_FIELD.search(response.text)
            if found is not None:
                self.csrf = found.group(1)

    async def capture(self, tally: Tally) -> None:
        """A new activation, as the capture form sends it; then the page it leads to."""
        form = {"csrf": self.csrf, "client_token": uuid.uuid4().hex, "intensity": "4"}
        began = time.perf_counter()
        try:
            response = await self.client.post("/moment", data=form, headers={"Origin": self.base})
        except httpx.HTTPError as exc:
            tally.errors[f"POST /moment: {type(exc).__name__}"] += 1
            return
        tally.add("POST /moment", time.perf_counter() - began)
        if not self._check(response, 303, tally, "POST /moment"):
            return
        where = response.headers.get("location", "")
        if not re.fullmatch(r"/moment/[0-9a-f]{32}/saved", where):
            tally.errors[f"POST /moment: led to {where[:40]}"] += 1
            return
        began = time.perf_counter()
        try:
            saved = await self.client.get(where)
        except httpx.HTTPError as exc:
            tally.errors[f"{SAVED}: {type(exc).__name__}"] += 1
            return
        tally.add(SAVED, time.perf_counter() - began)
        self._check(saved, 200, tally, SAVED)

    async def mixed(self, offset: int, until: float, tally: Tally) -> None:
        # Each page in turn from this user's own starting point, and after every nine
        # pages a new moment: every page gets its share, whatever the run's length.
        n, page = 0, offset
        while time.perf_counter() < until:
            n += 1
            if n % POST_EVERY == 0 and self.csrf:
                await self.capture(tally)
            else:
                await self.get(MIXED[page % len(MIXED)], tally)
                page += 1

    async def trivial(self, until: float, tally: Tally) -> None:
        while time.perf_counter() < until:
            await self.get(TRIVIAL, tally)

    async def close(self) -> None:
        await self.client.aclose()


@dataclass(frozen=True)
class Reading:
    """Counters read before and after a phase."""

    generator_cpu: float  # seconds of CPU this process used
    server_cpu: float  # seconds of CPU the server's processes used
    database_cpu: float | None  # of PostgreSQL's, when it was started here
    connections: int | None  # connections made to the database (pg_stat_database.sessions)

    def __sub__(self, before: Reading) -> Reading:
        def less(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else a - b

        connections = less(self.connections, before.connections)
        return Reading(
            self.generator_cpu - before.generator_cpu,
            self.server_cpu - before.server_cpu,
            less(self.database_cpu, before.database_cpu),
            None if connections is None else int(connections),
        )


@dataclass(frozen=True)
class Watch:
    """Where the counters come from: the server's process, PostgreSQL's postmaster (None:
    someone else's server), and a connection held open for the whole run."""

    server_pid: int
    postmaster: int | None
    conn: Connection

    def read(self) -> Reading:
        made = self.conn.execute(
            text(
                "SELECT to_jsonb(d) ->> 'sessions' FROM pg_stat_database d "
                "WHERE datname = current_database()"
            )
        ).scalar()  # PostgreSQL 14 and later count the sessions; before, None
        return Reading(
            _own_cpu(),
            cpu_seconds(self.server_pid),
            None if self.postmaster is None else cpu_seconds(self.postmaster),
            None if made is None else int(made),
        )


@dataclass
class Phase:
    tally: Tally
    seconds: float
    used: Reading

    @property
    def rate(self) -> float:
        return self.tally.count / self.seconds


async def run_phases(
    port: int, watch: Watch, names: list[str], seconds: float, trivial_seconds: float
) -> tuple[Phase, Phase]:
    """Sign the people in, warm up, then the mixed phase and the trivial phase."""

    users = [User(port, name) for name in names]
    try:
        # Signing in, a few at a time (each is an Argon2id check); then one round of every
        # page as a warm-up (templates compiled, pools filled), not counted.
        gate = asyncio.Semaphore(8)

        async def sign_in(user: User) -> None:
            async with gate:
                await user.sign_in()

        await asyncio.gather(*(sign_in(u) for u in users))
        warm = Tally()
        await asyncio.gather(*(u.get(p, warm) for u in users for p in (*MIXED, TRIVIAL)))
        if warm.errors:
            raise RuntimeError(f"errors in the warm-up: {dict(warm.errors)}")
        # The pages read the person's records (not an empty journal's page).
        for path, shows in SHOWS.items():
            page = await users[0].client.get(path)
            if shows not in page.text:
                raise RuntimeError(f"{path} does not show {shows!r}: is the journal empty?")

        async def phase(kind: str, length: float) -> Phase:
            tally = Tally()
            before = watch.read()
            began = time.perf_counter()
            until = began + length
            if kind == "mixed":
                await asyncio.gather(*(u.mixed(i, until, tally) for i, u in enumerate(users)))
            else:
                await asyncio.gather(*(u.trivial(until, tally) for u in users))
            took = time.perf_counter() - began
            return Phase(tally, took, watch.read() - before)

        return await phase("mixed", seconds), await phase("trivial", trivial_seconds)
    finally:
        await asyncio.gather(*(u.close() for u in users))


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


@dataclass(frozen=True)
class Outcome:
    workers: int
    mixed: Phase
    trivial: Phase

    @property
    def ratio(self) -> float:
        return self.mixed.rate / self.trivial.rate

    @property
    def errors(self) -> int:
        return sum(self.mixed.tally.errors.values()) + sum(self.trivial.tally.errors.values())


def report(outcome: Outcome, users: int) -> None:
    m, t = outcome.mixed, outcome.trivial
    say()
    say(f"--workers {outcome.workers}: {users} people at once")
    say(f"  mixed pages: {m.tally.count:,} requests in {m.seconds:.0f} s = {m.rate:.1f} req/s")
    say(f"  trivial {TRIVIAL}: {t.tally.count:,} requests in {t.seconds:.0f} s = "
        f"{t.rate:.1f} req/s")  # fmt: skip
    flag = "" if outcome.ratio >= GOAL_RATIO else f"  UNDER GOAL ({GOAL_RATIO})"
    say(f"  ratio mixed / trivial: {outcome.ratio:.2f}{flag}")
    used = m.used
    db = "" if used.database_cpu is None else f"PostgreSQL {used.database_cpu / m.seconds:.2f}, "
    say(f"  CPU in the mixed phase, in cores: server {used.server_cpu / m.seconds:.2f}, {db}"
        f"this load generator {used.generator_cpu / m.seconds:.2f} (of {os.cpu_count()} on "
        f"this machine, load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    for name, phase in (("mixed", m), ("trivial", t)):
        made = phase.used.connections
        if made is not None:
            # The server's pools keep their connections: a steady flow of new ones means
            # connections opened for one request and closed after it (each a new backend).
            say(f"  new database connections in the {name} phase: {made:,} "
                f"({made / phase.seconds:.1f}/s)")  # fmt: skip
    say(f"  {'page':<22} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    rows = {**m.tally.times, f"{TRIVIAL} (trivial)": t.tally.times.get(TRIVIAL, [])}
    order = [*MIXED, "POST /moment", SAVED]
    for page, times in sorted(
        rows.items(), key=lambda r: order.index(r[0]) if r[0] in order else 99
    ):
        if not times:
            continue
        ms = [x * 1000 for x in times]
        say(f"  {page:<22} {len(ms):>9,} {statistics.median(ms):8.0f} "
            f"{percentile(ms, 95):8.0f} {percentile(ms, 99):8.0f}")  # fmt: skip
    errors = m.tally.errors + t.tally.errors
    say(f"  errors: {outcome.errors}")
    for what, count in errors.most_common(15):
        say(f"    {count:>6}  {what}")


def measure(
    url: str,
    work: Path,
    workers: int,
    names: list[str],
    args: argparse.Namespace,
    postmaster: int | None,
) -> Outcome:
    env = server_env(work, url)
    log = work / f"serve-{workers}.log"
    from sqlalchemy import create_engine

    watcher = create_engine(url, pool_size=1, isolation_level="AUTOCOMMIT")
    proc, port = start_server(env, workers, log)
    try:
        with watcher.connect() as conn:
            watch = Watch(proc.pid, postmaster, conn)
            mixed, trivial = asyncio.run(
                run_phases(port, watch, names, args.seconds, args.trivial_seconds)
            )
    finally:
        stop_server(proc)
        watcher.dispose()
    told = log.read_text().strip()
    if told:
        say(f"  the server said on stderr (--workers {workers}):")
        for line in told.splitlines()[-10:]:
            say(f"    {line}")
    return Outcome(workers, mixed, trivial)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000, help="accounts with a journal")
    parser.add_argument("--days", type=int, default=365, help="days of records in each")
    parser.add_argument("--users", type=int, default=50, help="people signed in at once")
    parser.add_argument("--seconds", type=float, default=60, help="length of the mixed phase")
    parser.add_argument(
        "--trivial-seconds", type=float, default=20, help=f"length of the {TRIVIAL} phase"
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a PostgreSQL server to make a throw-away database on (default: "
        "$EARNED_TEST_PG_URL, else a cluster started here)",
    )
    args = parser.parse_args()
    if args.users > args.people or args.days < 12:
        parser.error("--users must be at most --people, and --days at least 12")
    say("earned server load benchmark")
    say(f"  compiling bytecode first ({compile_bytecode():.1f} s)")
    os.environ["EARNED_KDF_PROFILE"] = "test"  # cheap Argon2id for the accounts (docstring)
    work = Path(tempfile.mkdtemp(prefix="earned-load-"))
    given = args.database or os.environ.get("EARNED_TEST_PG_URL")
    try:
        with cluster() if not given else _given(given) as (server_url, postmaster):
            say(f"  PostgreSQL: {'given' if given else 'a throwaway cluster started here'}")
            with fresh_database(server_url) as url:
                say(f"building {args.people:,} people × {args.days} days")
                took = build(url, args.people, args.days)
                size, rows = database_size(url)
                say(f"  build: {took:.0f} s; database {size / 2**20:,.0f} MiB; each journal: "
                    + ", ".join(f"{n:,} {t}" for t, n in rows.items()))  # fmt: skip
                outcomes: list[Outcome] = []
                for run, workers in enumerate((1, 2)):
                    # Other people on each run: nobody's pages are warm from the run before.
                    names = [
                        name_of((run * args.users + i) % args.people) for i in range(args.users)
                    ]
                    outcome = measure(url, work, workers, names, args, postmaster)
                    report(outcome, args.users)
                    outcomes.append(outcome)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    one, two = outcomes
    say()
    say(f"scale-out (2 workers / 1 worker, mixed pages): {two.mixed.rate / one.mixed.rate:.2f}"
        f"; trivial page: {two.trivial.rate / one.trivial.rate:.2f} "
        f"(load generator on the same {os.cpu_count()} cores: see the docstring)")  # fmt: skip
    errors = sum(o.errors for o in outcomes)
    low = [o.workers for o in outcomes if o.ratio < GOAL_RATIO]
    say(f"errors: {errors}; ratio under {GOAL_RATIO}: "
        f"{', '.join(f'{w} worker(s)' for w in low) if low else 'none'}")  # fmt: skip
    return 1 if errors or low else 0


@contextmanager
def _given(url: str) -> Iterator[tuple[str, int | None]]:
    yield url, None  # someone else's server: its CPU is not ours to read


if __name__ == "__main__":
    raise SystemExit(main())
