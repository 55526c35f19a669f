"""Journals and stores for tests, copied from templates made once per test process.

Setting up a journal costs a key derivation and the whole Alembic chain on an empty
database (30-80 ms here); a test that only needs *a* journal gets a copy of one made
earlier instead (two small files, about a millisecond). The copy has the same passphrase
(PASSPHRASE) and schema as a fresh `personal.set_up`, and is a real SQLCipher file opened
the ordinary way; all copies share one data key, so a test about keys being different
sets its journals up itself. For PostgreSQL the same idea is `CREATE DATABASE ...
TEMPLATE`.

What still starts from nothing, on purpose: tests/store/test_migrations.py (empty
databases on both backends), tests/store/test_personal.py and test_keys.py (set_up,
unlock and the key file), the setup page and `earned init` tests, and each template.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from earned import paths
from earned.paths import Profile
from earned.store import Store, assessments, personal, settings, sqlcipher
from earned.store import entries as entry_store

from . import PASSPHRASE, T0, require

PG_URL_ENV = "EARNED_TEST_PG_URL"


@dataclass(frozen=True)
class Journal:
    """A set-up journal: its profile, raw data key, and a file holding its passphrase."""

    profile: Profile
    key: bytes
    pw: Path


@dataclass(frozen=True)
class Template:
    """A closed journal, set up with PASSPHRASE and migrated to head, to copy from."""

    profile: Profile
    key: bytes


def make_template(root: Path) -> Template:
    """Set up a journal with PASSPHRASE under `root` (the one migration from empty), closed."""
    profile = paths.profile("template", root)
    store, key = personal.set_up(profile, PASSPHRASE)
    store.close()
    return as_template(profile, key)


def as_template(profile: Profile, key: bytes) -> Template:
    """A journal nobody has open any more, checked to be safe to copy file by file.

    Copying an SQLite file is only safe while no connection has it open and nothing is
    left in its write-ahead log, so the log is checkpointed into the file and removed
    (SQLite removes it when the last connection closes); the check below makes sure.
    """
    conn = sqlcipher.connect(profile.database, key)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    left = sorted(p.name for p in profile.folder.iterdir())
    assert left == [profile.database.name, profile.key_file.name], left
    return Template(profile, key)


def copy_journal(template: Template, profile: Profile) -> bytes:
    """Put a copy of the template at `profile` (which must not hold a journal yet).

    Returns the data key. File modes are kept (the key file is 0600); the folder is
    made the way set_up makes it (0700).
    """
    assert not profile.exists and not profile.database.exists(), profile.folder
    profile.ensure_folder()
    shutil.copy2(template.profile.database, profile.database)
    shutil.copy2(template.profile.key_file, profile.key_file)
    return template.key


# --- PostgreSQL --------------------------------------------------------------------------------


def pg_base_url() -> str:
    """The server scripts/test started (skips locally, fails in CI, when there is none)."""
    url = os.environ.get(PG_URL_ENV)
    require(url is not None, f"{PG_URL_ENV} is not set (scripts/test starts PostgreSQL)")
    assert url is not None
    return url


def _unique_name(kind: str) -> str:
    # The worker's name (pytest-xdist sets it) makes the owner of a left-over database
    # obvious; the random part alone already keeps workers and runs apart.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"earned_{kind}_{worker}_{uuid.uuid4().hex[:12]}"


@contextmanager
def fresh_pg_database(template: str | None = None, *, kind: str = "test") -> Iterator[str]:
    """A new database, empty or a copy of `template`; yields its URL; dropped afterwards.

    A template must have no open connections while it is copied (PostgreSQL refuses).
    """
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.pool import NullPool

    base = pg_base_url()
    name = _unique_name(kind)
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        try:
            yield make_url(base).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def pg_template() -> Iterator[str]:
    """A database migrated to head and then left alone, to copy; yields its name."""
    from sqlalchemy import make_url

    with fresh_pg_database(kind="template") as url:
        Store.url(url).close()  # migrates; close() disposes of every connection
        name = make_url(url).database
        assert name is not None
        yield name


class Stores:
    """Makes fresh, migrated stores of one backend from its template; closes them after."""

    def __init__(self, backend: str, root: Path, template: Template | str) -> None:
        self.backend = backend
        self._root = root
        self._template = template
        self._stack = ExitStack()
        self._count = 0

    def new(self) -> Store:
        self._count += 1
        if isinstance(self._template, Template):
            profile = paths.profile(f"p{self._count}", self._root)
            store = Store.personal(profile.database, copy_journal(self._template, profile))
        else:
            url = self._stack.enter_context(fresh_pg_database(self._template))
            store = Store.url(url)
        # Registered after the database, so it is closed before the database is dropped.
        self._stack.callback(store.close)
        return store

    def close(self) -> None:
        self._stack.close()


# --- a journal with a little of everything, and what it holds --------------------------------


def fill(store: Store, entries: int, size: int = 40) -> None:
    """`entries` origin entries, a completed ECR and a setting, all at T0."""
    with store.session() as s:
        for i in range(entries):
            body = f"entry {i} " + "words " * size
            entry_store.add_entry(session=s, kind="origin", prompt=None, body=body, now=T0)
        a = assessments.start_assessment(session=s, instrument_id="ecr", now=T0)
        for item in range(1, 37):
            assessments.record_answer(session=s, assessment_id=a.id, item=item, value=3, now=T0)
        assessments.complete_assessment(session=s, assessment_id=a.id, now=T0)
        settings.set_setting(session=s, key="region", value="GB")


def contents(store: Store) -> tuple[list[str], list[dict[int, int]], dict[str, str]]:
    with store.session() as s:
        return (
            sorted(e.body for e in entry_store.list_entries(session=s)),
            [a.answers for a in assessments.list_assessments(session=s)],
            settings.all_settings(session=s),
        )
