"""What the command modules share: how a command is declared, passphrase input, the
chosen profile and the two ways of opening it, and time read and shown for people.

Imported by every run of `earned` (even `--help`), so it imports only the standard
library's cheapest parts, earned.errors and earned.paths at the top; each helper imports
what it needs when it is called (see earned/cli/__init__.py for the measured reasons).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from earned import passphrases
from earned.errors import EarnedError, WrongPassphrase
from earned.paths import Profile, profile

# Real dataclasses for mypy; earned.records at run time, which spares the quick CLI path
# the ~6 ms import of `inspect` that `dataclasses` brings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from dataclasses import dataclass
    from datetime import datetime
    from typing import Any, TextIO, TypeVar

    from earned.cli.progress import Bar
    from earned.store import Store

    T = TypeVar("T")
else:
    from earned.records import record as dataclass

PASSPHRASE_ENV = "EARNED_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
WIDTH = 78
UNLOCK_TIP = (
    "Tip: `earned unlock` keeps your journal unlocked for 15 minutes, so these quick "
    "commands stop asking for the passphrase."
)


@dataclass(frozen=True)
class Command:
    """One `earned` subcommand: its name, help, options and handler, declared together.

    `summary` is its line in `earned --help`, `description` the text of `earned NAME
    --help`; `options` adds its arguments to its parser; `run` does the work and returns
    the exit code. Each command module lists its commands in a COMMANDS tuple.
    """

    name: str
    summary: str
    description: str
    run: Callable[[argparse.Namespace], int]
    options: Callable[[argparse.ArgumentParser], None] | None = None
    reads_only: bool = False  # changes nothing in the journal (the wrong-passphrase words)


# --- passphrases -------------------------------------------------------------------------


def _read_first_line(path: Path) -> str:
    try:
        with path.open(encoding="utf-8") as handle:
            line = handle.readline()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise EarnedError(f"Cannot read the passphrase file {path}: {reason}.") from None
    line = line.rstrip("\r\n")
    if not line:
        raise EarnedError(f"The passphrase file {path} is empty; put the passphrase on line 1.")
    return line


def has_terminal() -> bool:
    """Whether a passphrase can be typed without showing it: a controlling terminal."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def _ask_secret(prompt: str) -> str:
    # Without a terminal, getpass falls back to reading standard input with the text
    # echoed and a GetPassWarning: say what is needed instead.
    if not has_terminal():
        raise EarnedError(
            "earned needs your passphrase, and there is no terminal to type it in. Give it "
            f"with --passphrase-file FILE (a file only you can read) or the {PASSPHRASE_ENV} "
            "variable; nothing was changed.",
            exit_code=2,
        )
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise EarnedError("No passphrase was given, so nothing was changed.") from None


def passphrase(args: argparse.Namespace, prompt: str = "Passphrase: ") -> str:
    """The current passphrase: --passphrase-file, else $EARNED_PASSPHRASE, else a prompt."""
    if args.passphrase_file is not None:
        return _read_first_line(args.passphrase_file)
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    return _ask_secret(prompt)


TRIES = 3  # passphrases typed at the prompt before a command stops, as sudo and jrnl do


def typed_at_prompt(args: argparse.Namespace) -> bool:
    """Whether a person types the passphrase at a prompt: no file, no variable, and
    standard input a terminal (not a script piping words in)."""
    return (
        args.passphrase_file is None
        and not os.environ.get(PASSPHRASE_ENV)
        and sys.stdin is not None
        and sys.stdin.isatty()
    )


def with_passphrase(
    args: argparse.Namespace, use: Callable[[str], T], prompt: str = "Passphrase: "
) -> T:
    """`use(passphrase)`, asking again after a wrong one typed at the prompt (TRIES in all).

    `use` raises WrongPassphrase when the passphrase does not open the key file. From a
    file or the environment (or with no person at a terminal) there is one try: the same
    wrong passphrase would come back. Each try costs one key derivation.
    """
    tries = TRIES if typed_at_prompt(args) else 1
    for attempt in range(1, tries):
        try:
            return use(passphrase(args, prompt))
        except WrongPassphrase:
            print(
                f"That passphrase does not unlock this journal; try again ({attempt + 1} of "
                f"{tries}).",
                file=sys.stderr,
            )
    return use(passphrase(args, prompt))


def checked_passphrase(
    args: argparse.Namespace, prof: Profile, prompt: str = "Passphrase: "
) -> str:
    """The passphrase, once it opens `prof`'s key file (asked again at a prompt)."""
    from earned.store import keys

    def check(given: str) -> str:
        keys.unlock(prof.key_file, given)
        return given

    return with_passphrase(args, check, prompt)


def new_passphrase(file: Path | None, from_env: str | None) -> str:
    """A new passphrase from a file or the environment, else typed twice; checked either way."""

    if file is not None or from_env:
        value = _read_first_line(file) if file is not None else str(from_env)
        passphrases.check_new(value)
        return value
    print(
        "Choose a passphrase. It encrypts everything you write here; a few ordinary words "
        "strung together work well."
    )
    first = _ask_secret("New passphrase: ")
    passphrases.check_new(first)
    passphrases.check_new(first, _ask_secret("Type it again: "))
    return first


DATABASE_ENV = "EARNED_DATABASE_URL"  # server mode's database, for `earned server`


def database_url(given: str | None) -> str:
    url = given or os.environ.get(DATABASE_ENV)
    if not url:
        raise EarnedError(
            f"Which database? Give --database postgresql+psycopg://USER@HOST/NAME, or set "
            f"{DATABASE_ENV}.",
            exit_code=2,
        )
    return url


def new_password(file: Path | None, from_env: str | None, whose: str) -> str:
    """A server account's new password: from a file or the environment, else typed twice;
    checked by the same rules as a passphrase (earned.accounts.check_password)."""
    if file is not None or from_env:
        value = _read_first_line(file) if file is not None else str(from_env)
        passphrases.check_new(value)
        return value
    first = _ask_secret(f"New password for {whose}: ")
    passphrases.check_new(first)
    passphrases.check_new(first, _ask_secret("Type it again: "))
    return first


# --- profiles: the full store and the quick connection -----------------------------------


def chosen(args: argparse.Namespace) -> Profile:
    """The profile named by --profile (default: "default"), whether or not it exists."""
    return profile(args.profile)


def existing(args: argparse.Namespace) -> Profile:
    """The chosen profile, which must hold a journal (checked before asking a passphrase)."""
    prof = chosen(args)
    prof.check_key_file()
    if not prof.exists:
        hint = "" if prof.name == "default" else f"--profile {prof.name} "
        raise EarnedError(
            f"There is no journal in {prof.folder} yet. Run `earned {hint}init` to create one.",
            exit_code=2,
        )
    return prof


@contextmanager
def unlocked(
    args: argparse.Namespace, bar: Bar | None = None
) -> Iterator[tuple[Profile, Store, bytes]]:
    """Unlock the chosen journal for the length of a command, and close it afterwards.

    This is the full store (SQLAlchemy, Alembic, Argon2: about half a second to import);
    the quick commands use `quick_journal` instead. With a progress `bar`, unlocking is one
    of its steps; the bar is rubbed out while the passphrase is asked for.
    """
    from earned.store import personal

    prof = existing(args)

    def unlock(given: str) -> tuple[Store, bytes]:
        if bar is not None:
            bar.step("unlocking the journal")
        try:
            return personal.unlock(prof, given)
        except WrongPassphrase:
            if bar is not None:
                bar.pause()  # for the words that follow, and the prompt again
            raise

    if bar is not None:
        bar.pause()  # the passphrase prompt, if there is one, writes on this terminal
    store, data_key = with_passphrase(args, unlock)
    try:
        yield prof, store, data_key
    finally:
        store.close()


@contextmanager
def quick_journal(args: argparse.Namespace) -> Iterator[tuple[Profile, Any]]:
    """A raw connection to the journal: the key from the agent, else from the passphrase.

    Never imports SQLAlchemy, Alembic, FastAPI or (when unlocked) Argon2: this is what
    keeps `earned log` in tens of milliseconds (earned.store.quick, earned.agent).
    """
    from earned import agent
    from earned.store import quick, sqlcipher

    prof = existing(args)
    conn = None
    try:
        key = agent.fetch_key(prof)
    except agent.UnsafeAgent as exc:
        print(f"earned: {exc.message}", file=sys.stderr)
        key = None
    if key is not None:
        try:
            conn = quick.open_journal(prof, key)
        except sqlcipher.Unverified:
            agent.stop(prof)  # as the web app locks: nothing more goes into this file
            raise
        except sqlcipher.Damaged:
            # The journal was replaced since `earned unlock` (or the file is damaged,
            # which the passphrase path below reports in full).
            agent.stop(prof)
            print(
                "earned: the unlocked key no longer opens this journal, so it was locked.",
                file=sys.stderr,
            )
    if conn is None:
        from earned.store import keys

        if sqlcipher.marker(prof.database).exists():
            raise sqlcipher.unverified(prof.database)  # before asking for a passphrase
        prompted = args.passphrase_file is None and not os.environ.get(PASSPHRASE_ENV)
        data_key = with_passphrase(args, lambda given: keys.unlock(prof.key_file, given))
        conn = quick.open_journal(prof, data_key, every_page=True)
        if prompted:
            print(UNLOCK_TIP, file=sys.stderr)
    try:
        yield prof, conn
    finally:
        conn.close()


# --- time, read and shown ----------------------------------------------------------------


def now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


# The times --at takes, for the help of every command that has it (earned.times reads them).
AT_EXAMPLES = "14:05, 9:30pm, yesterday 14:00, mon 18:00, 2 hours ago, 30 min ago, 2026-03-02 14:05"


def parse_at(text: str, now: datetime, *, future: bool = False) -> datetime:
    """A time as a person types it ('14:05', 'yesterday 14:00', '2 hours ago', an ISO
    date-time...: earned.times.parse) in this computer's time zone; a time still to come
    is refused unless `future`."""
    from earned import times

    return times.parse(text, now=now, future=future)


def at_or_now(args: argparse.Namespace, now: datetime) -> datetime:
    """The moment given with --at, else `now`."""
    return parse_at(args.at, now) if args.at else now


def when(moment: datetime, now: datetime) -> str:
    """A local time for people: '14:05', 'yesterday 23:40', 'Mon 02 Mar 14:05'."""
    here, today = moment.astimezone(), now.astimezone().date()
    if here.date() == today:
        return f"{here:%H:%M}"
    if (today - here.date()).days == 1:
        return f"yesterday {here:%H:%M}"
    if here.year == today.year:
        return f"{here:%a %d %b %H:%M}"
    return f"{here:%a %d %b %Y %H:%M}"


def aligned(rows: list[list[str]], indent: str = "  ", width: int | None = None) -> list[str]:
    """Rows of cells as lines whose columns line up: each cell as wide as the widest in its
    column (a date with its year, 'Mon 02 Mar 2025 14:05', among '14:05's), two spaces
    between columns, none after the last. With `width`, a last cell that would go past it
    wraps onto lines of its own, under its column."""
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    lines = []
    for row in rows:
        start = indent + "".join(c.ljust(w) + "  " for c, w in zip(row[:-1], widths, strict=False))
        line = (start + row[-1]).rstrip()
        if width is not None and len(line) > width:
            import textwrap

            under = " " * len(start)
            line = textwrap.fill(
                row[-1], width, initial_indent=start, subsequent_indent=under
            ).rstrip()
        lines.append(line)
    return lines


def local_day(moment: datetime | None) -> str:
    """The local date, '2026-03-02'; '?' if there is none."""
    return moment.astimezone().strftime("%Y-%m-%d") if moment else "?"


# --- text for a terminal -----------------------------------------------------------------


def say(
    text: str = "", indent: str = "", file: TextIO | None = None, *, strong: bool = False
) -> None:
    """Print `text` wrapped to WIDTH columns (each line indented), or an empty line; on a
    terminal narrower than that, to its width.

    `strong`: in bold on a terminal that takes it (earned.cli.style), wrapped first so the
    escape codes do not count as columns.
    """
    import textwrap

    if not text:
        print(file=file)
        return
    stream = sys.stdout if file is None else file
    width = min(WIDTH, _terminal_width(stream) - 1)
    lines = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent)
    if strong:
        from earned.cli import style

        lines = [indent + style.bold(line[len(indent) :], stream) for line in lines]
    print("\n".join(lines), file=file)


def _terminal_width(stream: TextIO) -> int:
    """The columns of the terminal `stream` writes to (at least 20); WIDTH + 1 for a pipe
    or a terminal that does not say (0 columns)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns if stream.isatty() else 0
    except (AttributeError, ValueError, OSError):
        columns = 0
    return max(columns, 20) if columns else WIDTH + 1


def plain(text: str | None, limit: int = 60) -> str:
    """User text made safe for a terminal (no control sequences) and short."""
    if not text:
        return ""
    clean = "".join(c if c.isprintable() else " " for c in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def short(record_id: str) -> str:
    """The first characters of an id: enough to name it to `earned settle` and the like."""
    from earned.store.quick import SHORT_ID

    return record_id[:SHORT_ID]


FROM_STDIN = "-"  # as a TRIGGER or URGE: read the words instead of taking them from argv


def words_from(value: str | None, prompt: str) -> str | None:
    """`value`, or for "-" the words themselves: typed at a prompt on a terminal, else the
    first line of standard input. Words on the command line show in `ps` to other users
    of this computer and stay in the shell's history; read this way, they do neither."""
    if value != FROM_STDIN:
        return value
    if sys.stdin.isatty():
        try:
            return input(prompt)
        except EOFError:
            return ""
    return sys.stdin.readline().rstrip("\n")
