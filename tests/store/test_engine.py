"""Opening a journal through the full store (earned.store.engine): a journal already at the
newest schema opens without importing Alembic (about 0.7 s of every full-store command);
an older or new one is still migrated; many threads at once each keep their own
connection; and a read-only transaction neither waits for a writer nor writes."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from earned.store import engine, personal, schema, sqlcipher
from tests.support.journals import Journal


def test_an_up_to_date_journal_opens_without_alembic(journal: Journal) -> None:
    code = (
        "import sys\n"
        "from earned.store import personal\n"
        "from earned import paths\n"
        f"store = personal.open_with_key(paths.profile(), bytes.fromhex({journal.key.hex()!r}))\n"
        "store.close()\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_revision_is_read_without_alembic_and_an_old_one_is_upgraded(
    journal: Journal,
) -> None:
    store = personal.open_with_key(journal.profile, journal.key)
    try:
        assert engine.current_revision(store.engine) == schema.HEAD
        # What a journal made by the first release looks like: every later migration
        # taken back by its own downgrade.
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(engine.__file__).with_name("migrations")))
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert engine.current_revision(store.engine) == "0001"
    finally:
        store.close()
    # Reopening migrates it forward again (0001 -> HEAD recreates the dropped table).
    store = personal.open_with_key(journal.profile, journal.key)
    try:
        assert engine.current_revision(store.engine) == schema.HEAD
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM tool_uses").scalar() == 0
    finally:
        store.close()


def test_threads_using_the_journal_at_once_never_lose_their_connection(journal: Journal) -> None:
    """The web app runs its routes on a pool of up to 40 threads. The engine's URL names no
    file (a creator opens it), so SQLAlchemy took the journal for an in-memory database
    and gave it a SingletonThreadPool, which keeps five connections and closes one in use
    by another thread when a sixth thread asks: under load, pages failed with "Cannot
    operate on a closed database" and the server crashed (SIGSEGV). Found by bench/soak.py.
    """
    store = personal.open_with_key(journal.profile, journal.key)
    threads = 12  # more than the five that pool kept, fewer than a QueuePool may open
    everyone_has_one = threading.Barrier(threads, timeout=30)
    failures: list[str] = []

    def use() -> None:
        conn = store.engine.raw_connection()
        try:
            conn.cursor().execute("SELECT count(*) FROM activations").fetchone()
            everyone_has_one.wait()
            conn.cursor().execute("SELECT count(*) FROM entries").fetchone()
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()  # back to the pool

    try:
        running = [threading.Thread(target=use) for _ in range(threads)]
        for t in running:
            t.start()
        for t in running:
            t.join(timeout=60)
    finally:
        store.close()
    assert failures == []


def test_a_read_only_transaction_takes_no_lock_and_may_not_write(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every transaction used to take the write lock (BEGIN IMMEDIATE), so a page view
    waited for every write, and under load past the busy timeout (a 500; bench/soak.py).
    Under read_only() it reads a snapshot while a writer holds the lock, and cannot write;
    outside it, a transaction still waits for the writer."""
    monkeypatch.setattr(sqlcipher, "BUSY_TIMEOUT_MS", 300)  # a regression fails in 0.3 s
    store = personal.open_with_key(journal.profile, journal.key)
    writer = sqlcipher.connect(journal.profile.database, journal.key)
    writer.isolation_level = None
    count = text("SELECT count(*) FROM settings WHERE key = 'k'")
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO settings (key, value) VALUES ('k', 'not yet committed')")
        with engine.read_only(), store.session() as s:
            assert s.execute(count).scalar() == 0  # the last committed state
        refused = pytest.raises(OperationalError, match="readonly")
        with engine.read_only(), refused, store.session() as s:
            s.execute(text("INSERT INTO settings (key, value) VALUES ('r', 'v')"))
        with pytest.raises(OperationalError, match="locked"), store.session() as s:
            s.execute(count)
        writer.execute("COMMIT")
        with store.session() as s:  # and a writing transaction may write again
            s.execute(text("INSERT INTO settings (key, value) VALUES ('w', 'v')"))
        with engine.read_only(), store.session() as s:
            assert s.execute(count).scalar() == 1
    finally:
        if writer.in_transaction:
            writer.execute("ROLLBACK")
        writer.close()
        store.close()
