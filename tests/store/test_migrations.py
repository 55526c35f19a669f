"""Alembic migrations: an empty database reaches head, matches the models exactly, and
migrating again changes nothing; on encrypted SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, inspect, text

from earned.store import engine as engines
from earned.store import entries, settings
from earned.store.models import Base

MIGRATIONS = Path(engines.__file__).with_name("migrations")
TABLES = {
    "assessments",
    "answers",
    "entries",
    "settings",
    "activations",
    "urge_delays",
    "practices",
    "tools",
    "tool_uses",
    "people",
    "person_ratings",
    "ruptures",
    "ladder_rungs",
    "ladder_attempts",
    "parts",
    "beliefs",
    "belief_ratings",
    "session_notes",
    "origin_links",
    "recommits",
}


def head() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    heads = script.get_heads()
    assert len(heads) == 1, f"migrations must form one line, found heads {heads}"
    return heads[0]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with no tables at all (not migrated)."""
    if request.param == "sqlite":
        engine = engines.sqlite_engine(tmp_path / "journal.db", os.urandom(32))
        yield engine
        engine.dispose()
    else:
        url = request.getfixturevalue("pg_database")  # dropped after this fixture ends
        engine = engines.postgres_engine(url)
        yield engine
        engine.dispose()


def version(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def differences(engine: Engine, metadata: MetaData = Base.metadata) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        found = list(compare_metadata(context, metadata))
        if engine.dialect.name == "sqlite":
            found = _without_inline_reference_options(conn, found)
        return found


def _fk_key(fk: Any) -> tuple[str, tuple[str, ...], str]:
    return (fk.parent.name, tuple(c.name for c in fk.columns), fk.referred_table.name)


def _without_inline_reference_options(conn: Any, found: list[Any]) -> list[Any]:
    """SQLAlchemy reads no ON DELETE from a REFERENCES clause written on the column (as
    migration 0004 adds its links in place, ALTER TABLE ... ADD COLUMN ... REFERENCES),
    so Alembic reports each such key as removed and added again. Drop a pair only when
    SQLite's own PRAGMA foreign_key_list shows the key with the model's ON DELETE."""
    removed = {_fk_key(d[1]): d for d in found if d[0] == "remove_fk"}
    kept = list(found)
    for d in found:
        if d[0] != "add_fk" or _fk_key(d[1]) not in removed:
            continue
        table, columns, referred = _fk_key(d[1])
        actions = {
            (row[3], row[2], row[6])
            for row in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')
        }
        wanted = (d[1].ondelete or "NO ACTION").upper()
        if len(columns) == 1 and (columns[0], referred, wanted) in actions:
            kept.remove(d)
            kept.remove(removed[_fk_key(d[1])])
    return kept


def schema(engine: Engine) -> dict[str, Any]:
    """Tables, columns (name, type, nullable), keys and indexes, as the database reports them."""
    insp = inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        out[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)
            ],
            "pk": insp.get_pk_constraint(table)["constrained_columns"],
            "fks": [
                (fk["constrained_columns"], fk["referred_table"], fk["options"].get("ondelete"))
                for fk in insp.get_foreign_keys(table)
            ],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"])) for i in insp.get_indexes(table)
            ),
        }
    return out


def test_an_empty_database_migrates_to_head(empty_engine: Engine) -> None:
    assert inspect(empty_engine).get_table_names() == []
    engines.migrate(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) == TABLES | {"alembic_version"}
    assert version(empty_engine) == [head()]


def test_the_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    engines.migrate(empty_engine)
    assert differences(empty_engine) == []
    tables = schema(empty_engine)
    assert tables["answers"]["pk"] == ["assessment_id", "item"]
    assert tables["answers"]["fks"] == [(["assessment_id"], "assessments", "CASCADE")]
    assert ("ix_entries_kind", ("kind",)) in tables["entries"]["indexes"]
    assert ("ix_assessments_instrument", ("instrument",)) in tables["assessments"]["indexes"]


def test_the_comparison_would_notice_a_difference(empty_engine: Engine) -> None:
    """Guard for the test above: a model the migrations do not create is reported."""
    engines.migrate(empty_engine)
    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["entries"].append_column(Column("mood", Integer, nullable=True))
    found = differences(empty_engine, changed)
    assert [(d[0], d[3].name) for d in found] == [("add_column", "mood")]


def test_migrating_twice_is_a_no_op(empty_engine: Engine) -> None:
    engines.migrate(empty_engine)
    with engines.sessions(empty_engine).begin() as s:
        settings.set_setting(session=s, key="kept", value="yes")
        entries.add_entry(
            session=s, kind="origin", prompt=None, body="kept", now=datetime(2026, 1, 1, tzinfo=UTC)
        )
    before = schema(empty_engine)
    engines.migrate(empty_engine)
    assert schema(empty_engine) == before
    assert version(empty_engine) == [head()]
    with engines.sessions(empty_engine).begin() as s:
        assert settings.all_settings(session=s) == {"kept": "yes"}
        assert [e.body for e in entries.list_entries(session=s)] == ["kept"]


def test_downgrade_to_base_and_back(empty_engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    engines.migrate(empty_engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with empty_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert version(empty_engine) == []
    engines.migrate(empty_engine)
    assert differences(empty_engine) == []
