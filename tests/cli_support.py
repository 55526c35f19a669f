"""Helpers for the CLI tests (tests/test_cli*.py, test_agent.py): run `earned` in-process or
as a program, list its commands, and read a journal's rows without the store. Fixtures
(journal, unlocked, no_ambient_secrets, Journal, Result) live in tests/conftest.py."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from earned import cli
from earned.store import sqlcipher
from tests.conftest import T0, Journal, Result

# Never imported by `earned --help` or a quick command: each costs 0.1-0.5 s to import.
HEAVY = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "argon2",
    "pydantic",
    "cryptography",
    "jinja2",
)
ID = re.compile(r"\(id ([0-9a-f]{8})\)")


def call(
    capsys: pytest.CaptureFixture[str], *argv: str, pw: Path | None = None, profile: str = ""
) -> Result:
    """earned.cli.main in-process; with --passphrase-file only if `pw` is given."""
    pre = ["--profile", profile] if profile else []
    if pw is not None:
        pre += ["--passphrase-file", str(pw)]
    code = cli.main([*pre, *argv])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def env() -> dict[str, str]:
    """This process's environment without a passphrase in it."""
    return {k: v for k, v in os.environ.items() if k != "EARNED_PASSPHRASE"}


def earned(*argv: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m earned ARGV` as its own process, with `stdin` piped in."""
    return subprocess.run(
        [sys.executable, "-m", "earned", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env(),
        timeout=timeout,
        # No controlling terminal, as under cron or CI: a passphrase prompt can never wait
        # on the developer's own terminal, and the no-terminal message is what is tested.
        start_new_session=True,
    )


def heavy_imports_after(code: str) -> list[str]:
    """Run `code` in a fresh interpreter (stdin empty); the HEAVY modules it left imported."""
    script = f"{code}\nimport sys\n"
    script += f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [m for m in done.stdout.strip().split(",") if m]


def secret(tmp_path: Path, text: str, name: str = "pw") -> Path:
    """A passphrase file holding `text`."""
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def demo_export(tmp_path: Path) -> Path:
    """A realistic JSON export to import: the demo generator's invented journal."""
    from earned import demo
    from earned.reports import export

    path = tmp_path / "demo-export.json"
    path.write_text(export.to_json(demo.generate(4, T0)), encoding="utf-8")
    return path


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def commands() -> dict[str, argparse.ArgumentParser]:
    """Every command's parser, from the full `earned` parser."""
    return subcommands(cli.build_parser())


def raw(j: Journal, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows straight from the journal file (SQLCipher, no store)."""
    conn = sqlcipher.connect(j.profile.database, j.key)
    try:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def count(j: Journal, table: str = "activations") -> int:
    return int(raw(j, f"SELECT count(*) FROM {table}")[0][0])


def short_id(out: str) -> str:
    """The short id a quick command printed, e.g. '(id 3f2a9c01)'."""
    found = ID.search(out)
    assert found, out
    return found.group(1)
