"""Running `earned` in tests: in-process results, a real child process, and the modules the
quick path must never import."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from . import child_env

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

    stdin: text to pipe in; None gives /dev/null (empty, and not a terminal).
    """
    return subprocess.run(
        [sys.executable, "-m", "earned", *argv],
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=timeout,
    )


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers of `parser`, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")
