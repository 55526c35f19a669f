"""Server mode's database (issue 14): one PostgreSQL database for many people.

The server's own tables (accounts, sessions, sharing: models.py) live in the schema
`earned_server`; each person's journal lives in a schema of its own, `journal_<account
id>`, with exactly the tables of a personal journal, made by the same migrations. A
person's Store sets the transaction's search_path to their schema and nothing else, so
every store function, unchanged, reads and writes only that person's journal: an id
guessed from someone else's journal finds nothing, by construction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from earned.errors import EarnedError
from earned.store import Store
from earned.store import engine as engines
from earned.store.schemas import SERVER as SCHEMA
from earned.store.schemas import is_journal, journal_schema, quoted

HEAD = "s0002"
# Connections a web worker keeps: as many as requests it runs at once (Starlette's thread
# pool holds 40), so none is made and dropped per request. Two workers: 80 of PostgreSQL's
# default 100; more workers need a larger max_connections or a pooler (PgBouncer).
WEB_POOL = 40
# pg_advisory_xact_lock key: one migration at a time, whichever worker starts first.
_MIGRATION_LOCK = 0x6561726E  # "earn"


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


class Server:
    """An open server database: the server tables, and each person's journal as a Store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, pool_size: int = 10) -> Server:
        """The server database, migrated. `pool_size` connections are kept open for reuse
        and none are made beyond it (a request waits for one instead): connections made
        and dropped under load each cost PostgreSQL a new backend (bench/load.py saw
        3-18 a second with an overflow). A web worker passes WEB_POOL, the size of the
        thread pool its pages run on."""
        if not is_postgres_url(url):
            raise EarnedError(
                "Server mode keeps many people's journals in PostgreSQL: give a database "
                "address such as postgresql+psycopg://earned@localhost/earned. (For one "
                "person, the ordinary `earned serve` keeps an encrypted file instead.)",
                exit_code=2,
            )
        engine = create_engine(
            url.replace("postgres://", "postgresql+psycopg://", 1)
            if url.startswith("postgres://")
            else url,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=0,
        )
        try:
            migrate(engine)
        except EarnedError:
            engine.dispose()
            raise
        except Exception as exc:
            engine.dispose()
            raise EarnedError(
                f"Could not open the server database ({type(exc).__name__}). Check the "
                "address, that PostgreSQL is running, and that the user may create schemas.",
                exit_code=2,
            ) from None
        return cls(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def journal(self, account_id: int) -> Store:
        """The person's journal; shares this server's engine (closing it closes nothing)."""
        return Store(self.engine, schema=journal_schema(account_id))

    def create_journal(self, account_id: int) -> Store:
        migrate_journal(self.engine, journal_schema(account_id))
        return self.journal(account_id)

    def drop_journal(self, account_id: int) -> None:
        with self.engine.begin() as conn:
            _drop_journal(conn, account_id)

    def remove_person(self, account_id: int) -> None:
        """Their journal and their account (with sessions, invites, sharing and audit log),
        in one transaction: PostgreSQL's DDL is transactional, so both go or neither."""
        from earned.store.server import accounts

        with self.session() as s:
            _drop_journal(s.connection(), account_id)
            accounts.remove(session=s, account_id=account_id)

    def journal_schemas(self) -> list[str]:
        with self.engine.connect() as conn:
            names = conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'journal\\_%'")
            ).scalars()
            return sorted(n for n in names if is_journal(n))

    def close(self) -> None:
        self.engine.dispose()


def _drop_journal(conn: Connection, account_id: int) -> None:
    conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quoted(journal_schema(account_id))} CASCADE")


def _config(location: Path, conn: Connection) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["connection"] = conn
    return cfg


def migrate(engine: Engine) -> None:
    """The server tables to their newest migration (under a lock: workers start together)."""
    from alembic import command

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {quoted(SCHEMA)}")
        if _revision(conn, SCHEMA) == HEAD:
            return
        command.upgrade(_config(Path(__file__).with_name("migrations"), conn), "head")  # type: ignore[arg-type]


def migrate_journal(engine: Engine, schema: str) -> None:
    """A person's journal schema, made if new, brought to the journal's newest migration."""
    from alembic import command

    from earned.store import schema as journal_revisions

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {quoted(schema)}")
        conn.exec_driver_sql(f"SET LOCAL search_path TO {quoted(schema)}")
        if _revision(conn, schema) == journal_revisions.HEAD:
            return
        location = Path(engines.__file__).with_name("migrations")
        command.upgrade(_config(location, conn), "head")  # type: ignore[arg-type]


def _revision(conn: Connection, schema: str) -> str | None:
    found = conn.execute(
        text(
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = :s AND table_name = 'alembic_version'"
        ),
        {"s": schema},
    ).first()
    if found is None:
        return None
    # The name is one quoted() accepts: earned's own, never typed by anyone.
    table = f"{quoted(schema)}.alembic_version"
    value = conn.exec_driver_sql(f"SELECT version_num FROM {table}").scalar()  # noqa: S608
    return None if value is None else str(value)
