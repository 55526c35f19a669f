"""Opening a journal through the full store (earned.store.engine): a journal already at the
newest schema opens without importing Alembic (about 0.7 s of every full-store command);
an older or new one is still migrated."""

from __future__ import annotations

import subprocess
import sys

from earned.store import engine, personal, schema
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
        with store.engine.begin() as conn:
            # What a journal made by the first release looks like: 0002's tables and
            # 0003's column absent.
            for table in ("tool_uses", "tools", "practices", "urge_delays", "activations"):
                conn.exec_driver_sql(f"DROP TABLE {table}")
            conn.exec_driver_sql("ALTER TABLE answers DROP COLUMN seq")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
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
