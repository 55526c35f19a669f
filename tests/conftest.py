"""Shared fixtures: real data paths, a fresh encrypted journal per test, frozen clocks."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from earned.paths import Profile
    from earned.store import Store

# Cheap Argon2id parameters for the suite (recorded in each key file); the real
# parameters are exercised by tests/store/test_keys.py.
os.environ.setdefault("EARNED_KDF_PROFILE", "test")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
ECR_CSV = SHARED_DATA / "ecr-openpsychometrics" / "data.csv"
PASSPHRASE = "a calm harbour at dawn"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real part is missing; fail in CI (EARNED_REQUIRE_ALL is set)."""
    if condition:
        return
    if os.environ.get("EARNED_REQUIRE_ALL"):
        pytest.fail(f"required for the full suite: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def agent_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder per test for `earned unlock` agents, never the real one.

    Short on purpose (a Unix socket path has at most 107 bytes). Agents a test leaves
    running are stopped afterwards.
    """
    base = Path(tempfile.mkdtemp(prefix="earned-run-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
    try:
        yield base
    finally:
        for path in base.glob("earned/*.sock"):
            with socket.socket(socket.AF_UNIX) as sock, suppress(OSError):
                sock.settimeout(2)
                sock.connect(str(path))
                sock.sendall(b"STOP\n")
                sock.recv(16)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def ecr_csv() -> Path:
    require(ECR_CSV.exists(), f"{ECR_CSV} is not present")
    return ECR_CSV


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "data"
    monkeypatch.setenv("EARNED_DATA_DIR", str(root))
    yield root


# --- stores on both backends ---------------------------------------------------------------
# `stores` is parametrized over a fresh SQLCipher file (personal mode, through
# earned.store.personal.set_up) and a fresh PostgreSQL database per test (clinic mode, at
# EARNED_TEST_PG_URL; scripts/test starts that server). `store` is the first store of it.

PG_URL_ENV = "EARNED_TEST_PG_URL"


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """Create an empty PostgreSQL database with a random name; yield its URL; drop it."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.pool import NullPool

    base = os.environ.get(PG_URL_ENV)
    require(base is not None, f"{PG_URL_ENV} is not set (scripts/test starts PostgreSQL)")
    assert base is not None
    name = f"earned_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(base).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_database() -> Iterator[str]:
    with fresh_pg_database() as url:
        yield url


class Stores:
    """Makes fresh, empty, migrated stores of one backend; closes and removes them after."""

    def __init__(self, backend: str, root: Path) -> None:
        self.backend = backend
        self._root = root
        self._stack = ExitStack()
        self._count = 0

    def new(self) -> Store:
        from earned import paths
        from earned.store import Store, personal

        self._count += 1
        if self.backend == "sqlite":
            profile = paths.profile(f"p{self._count}", self._root)
            store, _key = personal.set_up(profile, PASSPHRASE)
        else:
            url = self._stack.enter_context(fresh_pg_database())
            store = Store.url(url)
        # Registered after the database, so it is closed before the database is dropped.
        self._stack.callback(store.close)
        return store

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "postgres":
        require(
            os.environ.get(PG_URL_ENV) is not None,
            f"{PG_URL_ENV} is not set (scripts/test starts PostgreSQL)",
        )
    made = Stores(request.param, tmp_path / "stores")
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def store(stores: Stores) -> Store:
    return stores.new()


# --- the CLI test modules' shared pieces ----------------------------------------------------


@dataclass
class Journal:
    """A set-up journal for CLI tests: its profile, raw key, and a passphrase file."""

    profile: Profile
    key: bytes
    pw: Path


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def no_ambient_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """No passphrase from the environment, and no real terminal prompt, unless a test says.

    CLI modules opt in with `pytestmark = pytest.mark.usefixtures("no_ambient_secrets")`.
    """
    monkeypatch.delenv("EARNED_PASSPHRASE", raising=False)
    monkeypatch.delenv("EARNED_DEBUG", raising=False)

    def refuse(prompt: str = "") -> str:
        raise AssertionError(f"unexpected passphrase prompt: {prompt!r}")

    monkeypatch.setattr(getpass, "getpass", refuse)


@pytest.fixture
def journal(data_dir: Path, tmp_path: Path) -> Iterator[Journal]:
    """The default profile, set up; any key agent started for it is stopped afterwards."""
    from earned import agent, paths
    from earned.store import personal

    prof = paths.profile()
    store, key = personal.set_up(prof, PASSPHRASE)
    store.close()
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
    yield Journal(prof, key, pw)
    with suppress(agent.UnsafeAgent):
        agent.stop(prof)


@pytest.fixture
def unlocked(journal: Journal) -> Iterator[Journal]:
    """The journal with its key agent running, as after `earned unlock`."""
    from earned import agent

    agent.start(journal.profile, journal.key, 120)
    yield journal
    agent.stop(journal.profile)
