"""Running `earned` in tests: in-process results, a real child process, and the modules the
quick path must never import."""

from __future__ import annotations

import argparse
import re
import select
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from earned import cli
from earned.store import sqlcipher

from . import child_env

if TYPE_CHECKING:
    from .journals import Journal

# What `--help`, the quick capture commands and their care panel must not import: each
# costs tens to hundreds of milliseconds at start-up (see the lazy imports in earned.cli).
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
    "argcomplete",
)


@dataclass
class Result:
    """What one in-process `earned.cli.main` call returned and printed."""

    code: int
    out: str
    err: str


# The `run` fixture (tests/conftest.py):
#   run(*argv, stdin=None, passphrase=<the pw file>, profile="") -> Result
Run = Callable[..., Result]


def earned(
    *argv: str, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m earned ARGV` in a child process with child_env().

    stdin: text to pipe in; None gives /dev/null (empty, and not a terminal). The child
    has no controlling terminal, as under cron or CI: a passphrase prompt can never wait
    on the developer's own terminal, and the no-terminal message is what is tested.
    """
    return subprocess.run(
        [sys.executable, "-m", "earned", *argv],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=timeout,
        start_new_session=True,
    )


@dataclass
class Terminal:
    """What a run on a pseudo-terminal (`on_terminal`) ended with: its exit code and
    everything it wrote to the terminal (stdout and stderr together, as a person sees)."""

    code: int
    shown: str


def on_terminal(
    *argv: str, replies: list[tuple[str, str]], timeout: float = 60, **extra_env: str
) -> Terminal:
    """`python -m earned ARGV` with a pseudo-terminal as its controlling terminal, stdin,
    stdout and stderr, as when a person runs it: passphrase prompts (getpass reads
    /dev/tty) and terminal-only output happen. `replies`: (what to wait for, what to type)
    in order; each reply is typed once its text has appeared since the one before.
    """
    import os
    import pty
    import select
    import time

    environment = child_env(**extra_env)
    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session whose controlling terminal is the pty
        try:
            os.execve(sys.executable, [sys.executable, "-m", "earned", *argv], environment)
        finally:
            os._exit(127)
    seen = b""
    typed_after = 0  # replies are matched in what came after the last one typed
    pending = list(replies)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if pending and pending[0][0].encode() in seen[typed_after:]:
                typed_after = len(seen)
                os.write(fd, pending.pop(0)[1].encode() + b"\n")
                continue
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        else:
            os.kill(pid, 9)
            raise AssertionError(f"timed out; the terminal showed {seen!r}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    assert not pending, f"never asked {pending[0][0]!r}; the terminal showed {seen!r}"
    return Terminal(os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace"))


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers of `parser`, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


# --- in-process calls, rows read without the store, ids in output -----------------------

ID = re.compile(r"\(id ([0-9a-f]{8})\)")
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # the demo journal's start in CLI tests


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
    """This process's environment without a passphrase in it (child_env)."""
    return child_env()


@contextmanager
def serving(
    *argv: str, says: str = "earned is running at ", wait: float = 30
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`earned serve …` as its own process: (the address its first line gives after `says`,
    the process), stopped afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "serve", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], wait)
        assert ready, f"no address printed within {wait:.0f} s"
        line = proc.stdout.readline()
        assert line.startswith(f"{says}http://127.0.0.1:"), line
        yield line.removeprefix(says).strip(), proc
    finally:
        if proc.returncode is None:
            proc.terminate()
            proc.communicate(timeout=15)


def heavy_imports_after(code: str) -> list[str]:
    """Run `code` in a fresh interpreter (stdin empty); the HEAVY modules it left imported."""
    script = f"{code}\nimport sys\n"
    script += f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=child_env(),
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
