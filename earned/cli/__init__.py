"""The `earned` command: a second thin client of the same domain and store functions as
the web app. Each command parses its options, calls domain/store functions, and prints.

One module per group of commands, each command's options beside its handler:

    profile.py          init, unlock, lock, passphrase, demo
    capture.py          log, settle, peak, open  (quick)
    moments.py          list, edit, delete (past moments, full store)
    prep.py             prep (session prep notes: list, new, show)
    handoff.py          handoff (the therapist hand-off PDF)
    urge.py             wait                     (quick)
    ladder.py           ladder (add, try, done: the exposure ladder, full store)
    serve.py            serve
    questionnaires.py   assess, results, checkin
    roadmap.py          roadmap, recommit
    beliefs.py          belief (list, add, rate core beliefs)
    people.py           people, rupture (the people ledger)
    data.py             export, import, backup, restore, delete-everything
    inner.py            parts, practise (the parts map, secure figure, compassion break)
    reminders.py        reminders (a calendar file of gentle reminders)
    completion.py       completion (the shell's Tab completion, from argcomplete)
    server.py           server (accounts on a server; with server_keys.py its key ring)
    server_keys.py      (the new-key and rotate-key actions of `earned server`)
    common.py           what they share: Command, passphrases, the profile, times, text
    care.py             the crisis lines printed after a worrying entry

Why the imports are lazy: `earned --help` and the quick capture commands (`log`,
`settle`, `peak`, `open`, `wait`) must start in tens of milliseconds, while SQLAlchemy,
Alembic, FastAPI, uvicorn and Argon2 each cost 0.2-0.5 s to import. So the command
modules import only the standard library, earned.errors, earned.paths, earned.durations
and each other at the top, and each handler imports what it needs. `main` finds the
command word before parsing and imports only that command's module (COMMAND_MODULES
below), building only its parser; `earned --help` and anything it cannot place import
them all (a few ms). The quick commands
write through earned.store.quick (plain SQL on SQLCipher) and take the key from the agent
started by `earned unlock` (earned.agent), falling back to the passphrase.
tests/test_cli.py checks sys.modules after `--help`, tests/test_cli_quick.py after
`earned log`.

Errors meant for the person (EarnedError) become a message on stderr and the error's
exit code; anything else is a bug and is reported without a traceback or user data
(set EARNED_DEBUG=1 to see the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path

from earned.cli.common import PASSPHRASE_ENV, Command
from earned.errors import DISK_FULL, EarnedError, WrongPassphrase, is_busy, is_disk_full

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

BUG_EXIT = 70  # EX_SOFTWARE from sysexits.h

# Every command and the module (earned.cli.<module>) that declares it, in the order
# `earned --help` lists them. tests/test_cli.py checks this against the modules' own lists.
COMMAND_MODULES = {
    "init": "profile",
    "unlock": "profile",
    "lock": "profile",
    "log": "capture",
    "settle": "capture",
    "peak": "capture",
    "open": "capture",
    "list": "moments",
    "edit": "moments",
    "delete": "moments",
    "prep": "prep",
    "handoff": "handoff",
    "wait": "urge",
    "ladder": "ladder",
    "serve": "serve",
    "server": "server",  # issue 14: accounts on a server
    "assess": "questionnaires",
    "results": "questionnaires",
    "checkin": "questionnaires",
    "roadmap": "roadmap",
    "recommit": "roadmap",
    "belief": "beliefs",
    "people": "people",
    "rupture": "people",
    "export": "data",
    "import": "data",
    "backup": "data",
    "restore": "data",
    "passphrase": "profile",
    "demo": "profile",
    "delete-everything": "data",
    "parts": "inner",
    "practise": "inner",
    "reminders": "reminders",  # issue 13: calendar reminders
    "completion": "completion",
}
# Commands that never import the heavy stack: after them the process ends at once.
QUICK_COMMANDS = frozenset({"log", "settle", "peak", "open", "wait", "lock"})


def command(name: str) -> Command:
    """The command called `name`, importing its module (and only that one)."""
    module = import_module(f"{__name__}.{COMMAND_MODULES[name]}")
    found: Command = next(c for c in module.COMMANDS if c.name == name)
    return found


# --- the parser ----------------------------------------------------------------------------


def _terminal_columns() -> int:
    """What shutil.get_terminal_size().columns gives, without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stream = sys.__stdout__
    if stream is None:
        return 80
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (ValueError, OSError):
        return 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, measuring the terminal without importing shutil.

    argparse makes a formatter on every add_argument, and its default one imports shutil
    (with bz2, lzma, fnmatch): ~1.5 ms that a quick capture would notice.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `earned` parser; with `only`, just that command's (only its module imported)."""
    parser = argparse.ArgumentParser(
        prog="earned",
        formatter_class=_Formatter,
        description=(
            "A private, local-first companion for moving toward earned attachment security. "
            "Everything stays on this computer, encrypted with your passphrase."
        ),
        epilog="Run `earned COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action=_Version, help="print earned's version and stop")
    _global_options(parser, defaults=True)
    sub: Any = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for name in [only] if only is not None else COMMAND_MODULES:
        spec = command(name)
        one: argparse.ArgumentParser = sub.add_parser(
            name, help=spec.summary, description=spec.description, formatter_class=_Formatter
        )
        one.set_defaults(run=spec.run, reads_only=spec.reads_only)
        if spec.options is not None:
            spec.options(one)
        _global_options(one, defaults=False)
    return parser


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """--profile and --passphrase-file, taken before the command word or after it.

    The command's own copies have no default (argparse.SUPPRESS): a subparser's defaults
    would otherwise overwrite what was given before the command word.
    """
    parser.add_argument(
        "--profile",
        default="default" if defaults else argparse.SUPPRESS,
        metavar="NAME",
        help="which journal to use; each profile is a separate encrypted journal "
        "(default: default)",
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        default=None if defaults else argparse.SUPPRESS,
        metavar="PATH",
        help="read the passphrase from the first line of PATH instead of asking "
        f"(for scripts; the {PASSPHRASE_ENV} environment variable also works)",
    )


class _Version(argparse.Action):
    """--version: `earned 0.1.0`, from the installed package's metadata.

    importlib.metadata costs about 40 ms to import, so it is read only when asked.
    """

    def __init__(self, option_strings: list[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("earned")
        except PackageNotFoundError:  # run from a source folder that was never installed
            found = "(version unknown: not installed)"
        print(f"earned {found}")
        parser.exit()


def _command_in(argv: list[str]) -> str | None:
    """The command word in `argv`, found without building the parser; None if unsure."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in ("--profile", "--passphrase-file"):
            index += 2
        elif word.startswith(("--profile=", "--passphrase-file=")):
            index += 1
        elif word.startswith("-"):
            return None  # --help, an abbreviation, a mistake: the full parser deals with it
        else:
            return word
    return None


# --- running a command ---------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    try:
        code: int = args.run(args)
        return code
    except EarnedError as exc:
        if isinstance(exc, WrongPassphrase) and getattr(args, "reads_only", False):
            exc = WrongPassphrase(reading=True)  # without "nothing was changed"
        print(f"earned: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\nStopped. Everything saved before now is kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `earned export | head`); stay quiet about it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if is_disk_full(exc):
            print(f"earned: {DISK_FULL}", file=sys.stderr)
            return 1
        if is_busy(exc):
            # Another writer kept the journal past the busy timeout: not a bug (the web
            # app says the same with a 503); the quick path already says it this way.
            from earned.store import sqlcipher

            said = sqlcipher.busy()
            print(f"earned: {said.message}", file=sys.stderr)
            return said.exit_code
        if os.environ.get("EARNED_DEBUG"):
            raise
        # No traceback: exception messages (e.g. from the database) can quote journal text.
        print(
            f"earned: something unexpected went wrong ({type(exc).__name__}). This is a bug in "
            "earned, not something you did. Run again with EARNED_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return BUG_EXIT


def _exit_now(code: int) -> NoReturn:
    """End the process at once, skipping interpreter teardown (~8 ms of a ~40 ms capture).

    Only used after a quick command, when its connection is closed and nothing else is
    left to clean up. os._exit does not flush Python's buffers, so that happens here.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = code or 1
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the `earned` command with `argv` (default: sys.argv[1:]); returns the exit code.

    Only the named command's module is imported and its parser built (all of them when
    no known command is named, e.g. `earned --help`). When running as the program itself
    (argv None: the `earned` script or `python -m earned`) a quick command's process ends
    right after it, see _exit_now.
    """
    if argv is None and "_ARGCOMPLETE" in os.environ:
        # The shell's completion script asking (see earned/cli/completion.py): answer, end.
        from earned.cli.completion import complete

        complete(build_parser())
    words = sys.argv[1:] if argv is None else argv
    named = _command_in(words)
    parser = build_parser(only=named if named in COMMAND_MODULES else None)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return 2
    code = _run(args)
    if named in QUICK_COMMANDS and argv is None:
        _exit_now(code)
    return code
