"""SQLAlchemy engines: an encrypted SQLite file (personal mode) or PostgreSQL (clinic mode).

Both run the same Alembic migrations; `open_personal` migrates on open so a
new or older file is brought to the current schema inside a transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from earned.store import schema, sqlcipher


def sqlite_engine(path: Path, data_key: bytes) -> Engine:
    import sqlcipher3.dbapi2 as dbapi

    # Fail early, with the clear message, before the pool hides the error; this also
    # finds damage deep in the file that the first connection would not touch.
    sqlcipher.verify(path, data_key)
    engine = create_engine(
        "sqlite+pysqlite://",
        module=dbapi,
        creator=lambda: sqlcipher.connect(path, data_key, check_same_thread=False),
        # The URL names no file (the creator opens it), so SQLAlchemy would take this for
        # an in-memory database and pick a SingletonThreadPool, which closes a connection
        # another thread is using once a sixth thread asks: under the web app's pool of
        # threads, 500s and a crashed server (bench/soak.py found it). A file database
        # gets a QueuePool: each connection belongs to one thread at a time.
        poolclass=QueuePool,
    )
    _sqlite_transactions(engine)
    return engine


# Set by read_only(): transactions begun in this context (this request, and the worker
# threads it runs on, which copy the context) only read.
_READ_ONLY: ContextVar[bool] = ContextVar("earned_read_only", default=False)


@contextmanager
def read_only(only_reads: bool = True) -> Iterator[None]:
    """Inside, journal transactions only read: a snapshot that takes no lock (see
    _sqlite_transactions). The web app sets it for GET requests; a write inside fails
    ("attempt to write a readonly database") rather than racing for the lock."""
    token = _READ_ONLY.set(only_reads)
    try:
        yield
    finally:
        _READ_ONLY.reset(token)


def _sqlite_transactions(engine: Engine) -> None:
    """Take the write lock at BEGIN (IMMEDIATE) so writers queue on busy_timeout; under
    read_only(), a plain BEGIN instead.

    pysqlite's default deferred BEGIN lets two writers both read, then one fails
    with 'database is locked' on upgrade; IMMEDIATE makes them wait their turn. A
    transaction that only reads needs no lock at all in WAL mode: it reads a snapshot
    while writers carry on. Taking the write lock for every page view made each one wait
    for every write (and for a long read: a whole-journal export holds it for seconds on
    three years), and under load a page could wait past the busy timeout and fail with a
    500 (bench/soak.py found it). query_only makes the promise checked, per transaction,
    since a pooled connection serves reads and writes in turn.
    """

    @event.listens_for(engine, "connect")
    def _no_auto_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if _READ_ONLY.get():
            conn.exec_driver_sql("PRAGMA query_only = ON")
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("PRAGMA query_only = OFF")
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def postgres_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database records (None: never migrated), read with one
    query instead of Alembic, whose import alone costs about 0.7 s."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (each migration in a transaction).

    A database already at schema.HEAD is left alone without importing Alembic: the
    usual case, and most of the cost of a full-store CLI command otherwise.
    """
    if current_revision(engine) == schema.HEAD:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_personal(path: Path, data_key: bytes) -> Engine:
    engine = sqlite_engine(path, data_key)
    migrate(engine)
    return engine


def open_url(url: str) -> Engine:
    engine = postgres_engine(url)
    migrate(engine)
    return engine
