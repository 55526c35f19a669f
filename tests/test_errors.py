"""Errors meant for the person (earned.errors): a full device is recognised however it
arrives (SQLite's SQLITE_FULL, SQLAlchemy's wrapper of it, a plain ENOSPC), and the CLI
names it instead of calling it a bug; a lock held past the busy timeout is recognised as
busy. Every error here is a real one, not a stand-in."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as dbapi
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from earned import cli
from earned.errors import DISK_FULL, is_busy, is_damage, is_disk_full


def _sqlite_full(path: Path) -> dbapi.OperationalError:
    """SQLite's own SQLITE_FULL: the file may not grow past its current pages."""
    conn = dbapi.connect(str(path))
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.commit()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    try:
        with pytest.raises(dbapi.OperationalError) as caught:
            conn.execute("INSERT INTO t VALUES (?)", ("x" * 50_000,))
        return caught.value
    finally:
        conn.close()


def _enospc() -> OSError:
    """The kernel's ENOSPC: /dev/full refuses every write with it."""
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        with pytest.raises(OSError) as caught:
            os.write(fd, b"words")
        return caught.value
    finally:
        os.close(fd)


def test_sqlite_full_is_a_full_disk(tmp_path: Path) -> None:
    assert is_disk_full(_sqlite_full(tmp_path / "a.db"))


def test_sqlalchemy_wrapping_sqlite_full_is_a_full_disk(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (x TEXT)"))
    with pytest.raises(OperationalError) as caught, engine.begin() as c:
        pages = c.execute(text("PRAGMA page_count")).scalar_one()
        c.execute(text(f"PRAGMA max_page_count = {pages}"))
        c.execute(text("INSERT INTO t VALUES (:x)"), {"x": "x" * 50_000})
    engine.dispose()
    assert is_disk_full(caught.value)


def test_enospc_and_an_error_raised_from_it_are_a_full_disk() -> None:
    no_room = _enospc()
    assert is_disk_full(no_room)
    try:
        raise RuntimeError("while saving") from no_room
    except RuntimeError as wrapped:
        assert is_disk_full(wrapped)


def test_a_full_disk_is_not_damage(tmp_path: Path) -> None:
    """Damage met mid-query is tested on a real journal in tests/web/test_app.py."""
    assert not is_damage(_sqlite_full(tmp_path / "e.db"))
    assert not is_damage(_enospc())


def test_other_errors_are_not_a_full_disk(tmp_path: Path) -> None:
    assert not is_disk_full(ValueError("disk is full"))  # words alone are not enough
    assert not is_disk_full(FileNotFoundError(2, "No such file"))
    conn = dbapi.connect(str(tmp_path / "c.db"))
    with pytest.raises(dbapi.OperationalError) as caught:
        conn.execute("SELECT * FROM missing")
    conn.close()
    assert not is_disk_full(caught.value)
    assert not is_damage(caught.value)


def test_the_cli_names_a_full_disk_instead_of_a_bug(capsys: pytest.CaptureFixture[str]) -> None:
    def write_to_a_full_device(_args: argparse.Namespace) -> int:
        fd = os.open("/dev/full", os.O_WRONLY)
        try:
            os.write(fd, b"words")
        finally:
            os.close(fd)
        return 0

    code = cli._run(argparse.Namespace(run=write_to_a_full_device))
    err = capsys.readouterr().err
    assert code == 1
    assert DISK_FULL in err and "bug" not in err


def test_a_lock_held_past_the_busy_timeout_is_recognised_as_busy(tmp_path: Path) -> None:
    """SQLite's "database is locked" after its busy timeout, bare and wrapped by
    SQLAlchemy, is busy (the web app answers 503 "try again"), not damage or a bug."""
    path = tmp_path / "b.db"
    holder = dbapi.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL").fetchone()
    holder.execute("CREATE TABLE t (x TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = dbapi.connect(str(path), timeout=0.05, isolation_level=None)
    engine = create_engine(
        f"sqlite+pysqlite:///{path}", module=dbapi, connect_args={"timeout": 0.05}
    )
    try:
        with pytest.raises(dbapi.OperationalError) as bare:
            waiter.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError) as wrapped, engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES ('x')"))
    finally:
        engine.dispose()
        waiter.close()
        holder.execute("ROLLBACK")
        holder.close()
    assert is_busy(bare.value) and is_busy(wrapped.value)
    assert not is_damage(bare.value) and not is_disk_full(bare.value)
    assert not is_busy(ValueError("database is locked"))  # words alone are not enough


def test_the_cli_names_a_busy_journal_instead_of_a_bug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full-store command (e.g. `earned edit`) kept waiting past the busy timeout said
    "this is a bug" (found by the kill harness); it is the same calm "try again" now."""
    path = tmp_path / "b.db"
    holder = dbapi.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL").fetchone()
    holder.execute("CREATE TABLE t (x TEXT)")
    holder.execute("BEGIN IMMEDIATE")

    def write_while_held(_args: argparse.Namespace) -> int:
        other = dbapi.connect(str(path), timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        return 0

    try:
        code = cli._run(argparse.Namespace(run=write_while_held))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 75
    assert "busy" in err and "try again" in err and "bug" not in err
