"""Fixtures for the whole suite. Each name has one meaning and one type everywhere:

- `agent_runtime` (autouse): a private runtime folder for key agents, per test
- `data_dir`: EARNED_DATA_DIR pointed at a fresh folder
- `pw`: a file holding PASSPHRASE
- `journal_template` (session): a journal set up and migrated once, to copy from
- `journal`: the default profile in `data_dir`, set up with PASSPHRASE (a `Journal`)
- `journal_with_agent`: that journal with its key agent running (`earned unlock`)
- `run`: `earned.cli.main` in-process, returning a `Result`
- `stores` / `store`: fresh migrated stores, on encrypted SQLite and on PostgreSQL
- `pg_database`: an empty PostgreSQL database (not migrated)
- `no_ambient_secrets`: no passphrase from the environment or a terminal prompt

The web fixtures (`web`, `client`, `unlocked`, `stranger`, `make_web`) are in
tests/web/conftest.py, the browser ones in tests/browser/conftest.py; the helpers all
of them are built from are in tests/support/.
"""

from __future__ import annotations

import getpass
import io
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import ECR_CSV, PASSPHRASE, require
from tests.support.cli import Result, Run
from tests.support.journals import (
    Journal,
    Stores,
    Template,
    copy_journal,
    fresh_pg_database,
    make_template,
    pg_base_url,
    pg_template,
)

if TYPE_CHECKING:
    from earned.store import Store

# Cheap Argon2id parameters for the suite (recorded in each key file, read when a key
# file is made); the real parameters are exercised by tests/store/test_keys.py.
os.environ.setdefault("EARNED_KDF_PROFILE", "test")


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


@pytest.fixture(autouse=True)
def no_server_key_ring_left() -> Iterator[None]:
    """A test that installs a server key ring (earned.store.fields) puts it back: the ring
    is process-wide, and pytest-xdist runs the next test in the same process."""
    yield
    fields = sys.modules.get("earned.store.fields")
    server = sys.modules.get("tests.support.server")
    # A server-mode app under test (tests/support/server.py) holds its ring for as long as
    # its fixture lives (a module's tests), and puts the one before back when it closes.
    held = server is not None and fields is not None and fields.current() in server.HELD
    if fields is not None and fields.current() is not None and not held:
        fields.install(None)
        pytest.fail("a test left a server key ring installed (use fields.installed)")


@pytest.fixture
def ecr_csv() -> Path:
    require(ECR_CSV.exists(), f"{ECR_CSV} is not present")
    return ECR_CSV


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "data"
    monkeypatch.setenv("EARNED_DATA_DIR", str(root))
    yield root


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    """A passphrase file holding PASSPHRASE, for --passphrase-file."""
    path = tmp_path / "pw"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


# --- journals -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def journal_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """One journal per test process, set up with PASSPHRASE and migrated; never opened again."""
    return make_template(tmp_path_factory.mktemp("journal-template"))


@pytest.fixture
def journal(data_dir: Path, pw: Path, journal_template: Template) -> Iterator[Journal]:
    """The default profile, set up; any key agent started for it is stopped afterwards."""
    from earned import agent, paths

    prof = paths.profile()
    key = copy_journal(journal_template, prof)
    yield Journal(prof, key, pw)
    with suppress(agent.UnsafeAgent):
        agent.stop(prof)


@pytest.fixture
def journal_with_agent(journal: Journal) -> Iterator[Journal]:
    """The journal with its key agent running, as after `earned unlock`."""
    from earned import agent

    agent.start(journal.profile, journal.key, 120)
    yield journal
    agent.stop(journal.profile)


# --- the CLI ----------------------------------------------------------------------------------


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
def run(
    data_dir: Path, pw: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """Call earned.cli.main in-process: run(*argv, stdin=None, passphrase=pw, profile="").

    `passphrase` is a file for --passphrase-file (None: give none, e.g. to use the key
    agent); `stdin` replaces sys.stdin; `profile` adds --profile.
    """
    from earned import cli

    def invoke(
        *argv: str, stdin: str | None = None, passphrase: Path | None = pw, profile: str = ""
    ) -> Result:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        pre = ["--profile", profile] if profile else []
        if passphrase is not None:
            pre += ["--passphrase-file", str(passphrase)]
        code = cli.main([*pre, *argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


# --- stores on both backends -----------------------------------------------------------------
# `stores` is parametrized over fresh SQLCipher files (personal mode, copies of the journal
# template) and fresh PostgreSQL databases (clinic mode, copies of a migrated template
# database on the server at EARNED_TEST_PG_URL, which scripts/test starts). `store` is the
# first store of it.


@pytest.fixture
def pg_database() -> Iterator[str]:
    """An empty PostgreSQL database with a unique name; its URL. Dropped afterwards."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_template_database() -> Iterator[str]:
    """One migrated PostgreSQL database per test process, copied by `stores`; its name."""
    pg_base_url()
    with pg_template() as name:
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path, journal_template: Template
) -> Iterator[Stores]:
    template: Template | str = journal_template
    if request.param == "postgres":
        pg_base_url()  # skip or fail before anything else when there is no server
        template = request.getfixturevalue("pg_template_database")
    made = Stores(request.param, tmp_path / "stores", template)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def store(stores: Stores) -> Store:
    return stores.new()
