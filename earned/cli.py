"""The `earned` command: a second thin client of the same domain and store functions as
the web app. Each command parses its options, calls domain/store functions, and prints.

Why the imports are lazy: `earned --help` and the quick capture commands (`log`,
`settle`, `peak`, `open`, `wait`) must start in tens of milliseconds, while SQLAlchemy,
Alembic, FastAPI, uvicorn and Argon2 each cost 0.2-0.5 s to import. So this module
imports only the standard library, earned.errors and earned.paths at the top, and each
command imports what it needs. The quick commands write through earned.store.quick
(plain SQL on SQLCipher) and take the key from the agent started by `earned unlock`
(earned.agent), falling back to the passphrase. tests/test_cli.py checks sys.modules
after `--help`, tests/test_cli_quick.py after `earned log`.

Errors meant for the person (EarnedError) become a message on stderr and the error's
exit code; anything else is a bug and is reported without a traceback or user data
(set EARNED_DEBUG=1 to see the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from earned.errors import EarnedError
from earned.paths import Profile, data_root, profile

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket
    from datetime import datetime
    from typing import Any, NoReturn, TextIO

    from earned.assessment import Assessment
    from earned.checkin import Entry as CheckinEntry
    from earned.episodes import Activation
    from earned.instruments.model import Instrument
    from earned.instruments.reliable_change import ReliableChange
    from earned.store import Store
    from earned.urges import UrgeDelay

PASSPHRASE_ENV = "EARNED_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
DEFAULT_PORT = 8765
DEMO_PROFILE = "demo"
DEMO_PASSPHRASE = "demo-passphrase"  # noqa: S105 - public on purpose: invented data only
DEMO_SEED = 1
DEMO_MONTHS = 18
INSTRUMENT = "ecr"
BUG_EXIT = 70  # EX_SOFTWARE from sysexits.h
WIDTH = 78

Command = Callable[[argparse.Namespace], int]


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


def _ask_secret(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise EarnedError("No passphrase was given, so nothing was changed.") from None


def _passphrase(args: argparse.Namespace, prompt: str = "Passphrase: ") -> str:
    """The current passphrase: --passphrase-file, else $EARNED_PASSPHRASE, else a prompt."""
    if args.passphrase_file is not None:
        return _read_first_line(args.passphrase_file)
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    return _ask_secret(prompt)


def _new_passphrase(file: Path | None, from_env: str | None) -> str:
    """A new passphrase from a file or the environment, else typed twice; checked either way."""
    from earned.store import keys

    if file is not None or from_env:
        value = _read_first_line(file) if file is not None else str(from_env)
        keys.check_new_passphrase(value)
        return value
    print(
        "Choose a passphrase. It encrypts everything you write here; a few ordinary words "
        "strung together work well."
    )
    first = _ask_secret("New passphrase: ")
    keys.check_new_passphrase(first)
    keys.check_new_passphrase(first, _ask_secret("Type it again: "))
    return first


# --- profiles and the store ------------------------------------------------------------


def _profile(args: argparse.Namespace) -> Profile:
    return profile(args.profile)


def _existing(args: argparse.Namespace) -> Profile:
    """The chosen profile, which must hold a journal (checked before asking a passphrase)."""
    prof = _profile(args)
    if not prof.exists:
        hint = "" if prof.name == "default" else f"--profile {prof.name} "
        raise EarnedError(
            f"There is no journal in {prof.folder} yet. Run `earned {hint}init` to create one.",
            exit_code=2,
        )
    return prof


@contextmanager
def _unlocked(args: argparse.Namespace) -> Iterator[tuple[Profile, Store, bytes]]:
    """Unlock the chosen journal for the length of a command, and close it afterwards."""
    from earned.store import personal

    prof = _existing(args)
    store, data_key = personal.unlock(prof, _passphrase(args))
    try:
        yield prof, store, data_key
    finally:
        store.close()


def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _write_private(path: Path, payload: bytes) -> None:
    """Write an export readable by this user only: exports are not encrypted."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
    except OSError as exc:
        raise EarnedError(f"Cannot write {path}: {exc.strerror}. Nothing was written.") from None


def _say(text: str = "", indent: str = "") -> None:
    import textwrap

    if not text:
        print()
        return
    print(textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent))


# --- init ----------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from earned.store import keys, personal

    prof = _profile(args)
    if prof.exists or prof.database.exists():
        raise EarnedError(
            f"A journal already exists in {prof.folder}; nothing was changed. "
            "Use another --profile for a second journal."
        )
    passphrase = _new_passphrase(args.passphrase_file, os.environ.get(PASSPHRASE_ENV))
    store, _ = personal.set_up(prof, passphrase)
    store.close()
    print(f"Your journal is ready in {prof.folder}")
    print(f"Passphrase strength: {keys.strength_hint(passphrase)}.")
    _say(
        "Please keep your passphrase somewhere safe. It cannot be recovered: without it "
        "nobody, not even you, can open this journal again."
    )
    print("Next: `earned assess` for the starting-point questionnaire, or `earned serve`.")
    return 0


# --- quick capture: log, settle, peak, open, wait ----------------------------------------
# These never import SQLAlchemy, Alembic, FastAPI or (when unlocked) Argon2: see the
# module docstring and earned.store.quick.

OPEN_SHOWN = 10
# Commands that never import the heavy stack: they get a one-command parser and a fast exit.
QUICK_COMMANDS = frozenset({"log", "settle", "peak", "open", "wait", "lock"})
OUTCOME_KEYS = {
    "w": "waited",
    "waited": "waited",
    "a": "acted",
    "acted": "acted",
    "p": "passed",
    "passed": "passed",
}
UNLOCK_TIP = (
    "Tip: `earned unlock` keeps your journal unlocked for 15 minutes, so these quick "
    "commands stop asking for the passphrase."
)


@contextmanager
def _quick(args: argparse.Namespace) -> Iterator[tuple[Profile, Any]]:
    """A raw connection to the journal: the key from the agent, else from the passphrase."""
    from earned import agent
    from earned.store import quick, sqlcipher

    prof = _existing(args)
    conn = None
    try:
        key = agent.fetch_key(prof)
    except agent.UnsafeAgent as exc:
        print(f"earned: {exc.message}", file=sys.stderr)
        key = None
    if key is not None:
        try:
            conn = quick.open_journal(prof, key)
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

        prompted = args.passphrase_file is None and not os.environ.get(PASSPHRASE_ENV)
        conn = quick.open_journal(prof, keys.unlock(prof.key_file, _passphrase(args)))
        if prompted:
            print(UNLOCK_TIP, file=sys.stderr)
    try:
        yield prof, conn
    finally:
        conn.close()


def _parse_at(text: str, now: datetime) -> datetime:
    """'14:05' (today, local time) or an ISO date-time (local time unless it has an offset)."""
    import re
    from datetime import datetime, time, timedelta

    from earned.episodes import FUTURE_GRACE

    value = text.strip()
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    moment: datetime | None
    try:
        if clock:
            today = now.astimezone().date()
            moment = datetime.combine(today, time(int(clock.group(1)), int(clock.group(2))))
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None:
        raise EarnedError(
            f"--at {text!r} is not a time earned understands. Use 14:05 for today, or a date "
            "and time such as 2026-03-02T14:05."
        )
    moment = moment.astimezone() if moment.tzinfo is None else moment
    if clock and moment > now + FUTURE_GRACE:
        raise EarnedError(
            f"{value} today is still to come. For yesterday, give the date too, e.g. "
            f"--at {(moment - timedelta(days=1)).date()}T{value}."
        )
    return moment


def _at_or_now(args: argparse.Namespace, now: datetime) -> datetime:
    return _parse_at(args.at, now) if args.at else now


def _when(moment: datetime, now: datetime) -> str:
    """A local time for people: '14:05', 'yesterday 23:40', 'Mon 02 Mar 14:05'."""
    here, today = moment.astimezone(), now.astimezone().date()
    if here.date() == today:
        return f"{here:%H:%M}"
    if (today - here.date()).days == 1:
        return f"yesterday {here:%H:%M}"
    if here.year == today.year:
        return f"{here:%a %d %b %H:%M}"
    return f"{here:%a %d %b %Y %H:%M}"


def _plain(text: str | None, limit: int = 60) -> str:
    """User text made safe for a terminal (no control sequences) and short."""
    if not text:
        return ""
    clean = "".join(c if c.isprintable() else " " for c in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _short(record_id: str) -> str:
    from earned.store.quick import SHORT_ID

    return record_id[:SHORT_ID]


def _duration(seconds: float) -> str:
    from earned.urges import describe_held

    return describe_held(max(0, round(seconds)))


def cmd_log(args: argparse.Namespace) -> int:
    import shlex

    from earned.store import quick

    now = _now()
    # Checked before the journal is unlocked: bad input fails at once and writes nothing.
    values = quick.prepare_activation(
        intensity=args.intensity,
        now=now,
        onset=_parse_at(args.at, now) if args.at else None,
        trigger=args.trigger,
        emotions=args.emotion,
        urge=args.urge,
        tags=args.tag,
        client_token=args.token,
    )
    with _quick(args) as (_prof, conn):
        logged = quick.insert_activation(conn, values)
        region = _care_region(conn, args.trigger, args.urge, *args.emotion, *args.tag)
    moment = logged.activation
    what = f"intensity {moment.intensity} at {_when(moment.onset_at, now)}"
    if not logged.created:
        print(f"Already saved with this --token: {what} (id {_short(moment.id)}). Nothing new.")
    else:
        print(f"Logged: {what} (id {_short(moment.id)}).")
        print("When it has eased, `earned settle` records how long it took.")
        if moment.urge:
            again = f"earned wait {shlex.quote(moment.urge)}"
            print(f"To time how long you hold off on the urge: {again}")
    if region is not None:
        _care_lines(region)
    return 0


def _care_region(conn: Any, *texts: str | None) -> str | None:
    """After a save: the region for the crisis lines if `texts` suggest danger, else None.

    earned.safety is stdlib only and reads its rules lazily, so the quick path stays
    light; the words themselves are neither kept nor shown (see docs/crisis-language.md).
    """
    from earned import safety

    if safety.detect_any(texts) is None:
        return None
    from earned.store import quick

    return quick.get_setting(conn, "region") or ""


def cmd_settle(args: argparse.Namespace) -> int:
    from earned.store import quick

    now = _now()
    # No --at means "now"; on an episode already settled that keeps its first time.
    at = _parse_at(args.at, now) if args.at else None
    with _quick(args) as (_prof, conn):
        settled = quick.mark_settled(conn, prefix=args.id, at=at, now=now)
        _, still_open = quick.open_activations(conn, limit=0)
    assert settled.recovery is not None and settled.settled_at is not None  # just settled
    if at is None and settled.settled_at != now:  # kept from an earlier settle
        print(f"That episode was already settled at {_when(settled.settled_at, now)}; kept.")
    print(
        f"Settled: {_duration(settled.recovery.total_seconds())} from the start "
        f"({_when(settled.onset_at, now)}, intensity {settled.intensity}) to "
        f"{_when(settled.settled_at, now)}. That is your recovery time for this one."
    )
    if still_open:
        print(f"{still_open} other episode(s) still open: `earned open` lists them.")
    return 0


def cmd_peak(args: argparse.Namespace) -> int:
    from earned import episodes
    from earned.store import quick

    now = _now()
    at = _at_or_now(args, now)
    if args.intensity is not None:
        episodes.check_intensity(args.intensity)
    with _quick(args) as (_prof, conn):
        peaked = quick.mark_peak(conn, prefix=args.id, at=at, now=now, intensity=args.intensity)
    level = f", intensity {peaked.peak_intensity}" if peaked.peak_intensity is not None else ""
    print(
        f"Peak noted at {_when(at, now)}{level} for the episode that began "
        f"{_when(peaked.onset_at, now)} (id {_short(peaked.id)})."
    )
    print("When it has eased, `earned settle` records how long it took.")
    return 0


def _print_open(activations: list[Activation], total: int, now: datetime) -> None:
    print(f"Open episodes ({total}):")
    for a in activations:
        trigger = f"  {_plain(a.trigger)}" if a.trigger else ""
        print(f"  {_short(a.id)}  {_when(a.onset_at, now):<17} intensity {a.intensity:>2}{trigger}")
    if total > len(activations):
        print(f"  … and {total - len(activations)} older one(s).")
    print("Settle one with `earned settle ID`; the first few characters of the id are enough.")


def _print_running(timers: list[UrgeDelay], now: datetime) -> None:
    print(f"Urge timers still running ({len(timers)}):")
    for t in timers:
        held = _duration((now - t.started_at).total_seconds())
        print(f"  {_short(t.id)}  since {_when(t.started_at, now)} ({held})  {_plain(t.urge)}")
    print("End one with `earned wait --end ID w|a|p` (waited, acted, passed).")


def cmd_open(args: argparse.Namespace) -> int:
    from earned.store import quick

    now = _now()
    with _quick(args) as (_prof, conn):
        activations, total = quick.open_activations(conn, limit=OPEN_SHOWN)
        timers = quick.running_urges(conn)
    if not total and not timers:
        print("Nothing is open: no episode is waiting to be settled, and no urge timer runs.")
        return 0
    if total:
        _print_open(activations, total, now)
    if timers:
        if total:
            print()
        _print_running(timers, now)
    return 0


def _outcome(reply: str) -> str | None:
    return OUTCOME_KEYS.get(reply.strip().lower())


def _breath(seconds: int) -> str:
    """A slow rhythm to follow while waiting: in for 4, out for 6 (6 breaths a minute)."""
    return "breathe in slowly…" if seconds % 10 < 4 else "and out, longer…"


def _wait_for_outcome(started: datetime, stdin: TextIO) -> str | None:
    """Read w / a / p + Enter; None at end of input. Ticks the elapsed time on a terminal."""
    import select

    prompt = "w = I waited, a = I acted, p = the urge passed; then Enter: "
    live = stdin.isatty() and sys.stdout.isatty()
    while True:
        if live:
            print(file=sys.stdout)  # the status line, redrawn above the prompt
            print(prompt, end="", flush=True)
            while True:
                held = int((_now() - started).total_seconds())
                status = f"  held {held // 60}:{held % 60:02d}   {_breath(held)}"
                # save cursor, up one line, clear it, write, restore: typing is not disturbed
                sys.stdout.write(f"\0337\033[1A\r\033[2K{status}\0338")
                sys.stdout.flush()
                ready, _, _ = select.select([stdin], [], [], 1.0)
                if ready:
                    break
        else:
            print(prompt, end="", flush=True)
        line = stdin.readline()
        if not line:
            print()
            return None
        if not live:
            print()
        outcome = _outcome(line)
        if outcome is not None:
            return outcome
        held = int((_now() - started).total_seconds())
        print(f"Held so far: {_duration(held)}. Type w, a or p, then Enter.")


def _end_message(timer: UrgeDelay) -> str:
    held = _duration(timer.seconds_held or 0)
    if timer.outcome == "waited":
        return f"You waited: {held}. That is the practice, and it counts."
    if timer.outcome == "acted":
        return (
            f"You held it for {held}, then acted. Noticing that is useful data, "
            "and the time you held is real."
        )
    return f"The urge passed after {held}. Urges rise and fall; this one fell on its own."


def cmd_wait(args: argparse.Namespace) -> int:
    from earned.store import quick

    if args.end is not None:
        timer_id, reply = args.end
        quick.check_prefix(timer_id)
        outcome = _outcome(reply)
        if outcome is None:
            raise EarnedError(
                f"{reply!r} is not an ending: use w (I waited), a (I acted) or p (it passed)."
            )
        with _quick(args) as (_prof, conn):
            timer, changed = quick.end_urge(conn, prefix=timer_id, outcome=outcome, now=_now())
        if not changed:
            print(f"That timer had already ended ({timer.outcome}); it was left as it was.")
        print(_end_message(timer))
        return 0
    if args.urge is None:
        raise EarnedError(
            'What is the urge? For example: earned wait "text him again".', exit_code=2
        )
    urge = quick.check_urge(args.urge)
    with _quick(args) as (_prof, conn):
        timer = quick.start_urge(conn, urge=urge, now=_now())
        later = f"earned wait --end {_short(timer.id)} w|a|p"
        print(f"Timer started for the urge to {_plain(timer.urge)} (id {_short(timer.id)}).")
        region = _care_region(conn, urge)
        if region is not None:
            _care_lines(region)
        _say(
            "You don't have to do anything yet. Breathe slowly: in for 4, out for 6. "
            "The urge will rise and then fall."
        )
        try:
            outcome = _wait_for_outcome(timer.started_at, sys.stdin)
        except KeyboardInterrupt:
            outcome = None
            print()
        if outcome is None:
            print(f"The timer is still running. End it later with: {later}")
            return 0
        ended, _changed = quick.end_urge(conn, prefix=timer.id, outcome=outcome, now=_now())
    print(_end_message(ended))
    return 0


# --- unlock and lock -----------------------------------------------------------------------


def cmd_unlock(args: argparse.Namespace) -> int:
    from datetime import datetime

    from earned import agent
    from earned.store import personal

    minutes: float = args.minutes
    if not 0 < minutes <= agent.MAX_MINUTES:
        raise EarnedError(
            f"--minutes must be more than 0 and at most {agent.MAX_MINUTES:.0f} "
            f"({agent.MAX_MINUTES / 60:.0f} hours).",
            exit_code=2,
        )
    prof = _existing(args)
    agent.prepare()  # a folder that is not private fails here, before the passphrase
    store, data_key = personal.unlock(prof, _passphrase(args))  # also brings it up to date
    store.close()
    _pid, expires = agent.start(prof, data_key, minutes * 60)
    until = datetime.fromtimestamp(expires).astimezone()
    length = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
    print(f"Unlocked for {length}, until {until:%H:%M}.")
    _say(
        "Until then `earned log`, `settle`, `peak`, `open` and `wait` work without your "
        "passphrase. Other programs running as you on this computer could read your journal "
        "meanwhile; `earned lock` locks it again now."
    )
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    from earned import agent

    prof = _profile(args)
    if agent.stop(prof):
        print("Locked. The key is gone from memory; quick commands will ask again.")
    else:
        print("It was not unlocked, so there was nothing to lock.")
    return 0


# --- serve ---------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int | None) -> socket.socket:
    """A bound socket on `port`, or on 8765 falling back to any free port if none is given.

    Binding here (rather than letting uvicorn bind) means the printed address is the one
    actually held, with no window for another program to take the port in between.
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET

    def attempt(number: int) -> socket.socket:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, number))
            # Listening now means connections made right after the address is printed
            # wait in the backlog instead of being refused while uvicorn starts.
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        return sock

    try:
        if port is None:
            try:
                return attempt(DEFAULT_PORT)
            except OSError:
                return attempt(0)
        return attempt(port)
    except OSError as exc:
        hint = " Leave out --port and earned picks a free one." if port else ""
        raise EarnedError(
            f"Cannot listen on {host}{f' port {port}' if port else ''} ({exc.strerror}).{hint}",
            exit_code=2,
        ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    host: str = args.host
    remote = not _is_loopback(host)
    if remote and not args.allow_remote:
        raise EarnedError(
            f"Refusing to listen on {host}: that would let other computers on the network "
            "reach your journal. earned listens on this computer only (127.0.0.1). If you "
            "really mean it, add --allow-remote, and put it behind HTTPS.",
            exit_code=2,
        )
    prof = _profile(args)
    sock = _bind(host, args.port)
    if remote:
        print(
            f"Warning: listening on {host}, so other computers on your network can reach this "
            "page. They still need your passphrase, but the connection is not encrypted (no "
            "HTTPS): use this only on a network you trust, or behind an HTTPS proxy.",
            file=sys.stderr,
        )
    try:
        import uvicorn

        from earned.web.app import create_app

        app = create_app(prof)
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            # No access log and nothing below warnings: URLs and form data can carry
            # journal text, and logs are not encrypted.
            access_log=False,
            log_level="warning",
            server_header=False,
        )
        shown = f"[{host}]" if ":" in host else host
        print(f"earned is running at http://{shown}:{port}/", flush=True)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0


# --- assess and results ------------------------------------------------------------------


def _read_reply(stdin: TextIO, prompt: str) -> str | None:
    """One line of input, stripped and lower-cased; None at end of input."""
    print(prompt, end="", flush=True)
    line = stdin.readline()
    if not line:
        print()
        return None
    return line.strip().lower()


def _ask(
    store: Store,
    inst: Instrument,
    assessment_id: str | None,
    answers: dict[int, int],
    stdin: TextIO,
) -> tuple[str | None, bool]:
    """Ask every unanswered item in order; returns (assessment id, finished?).

    Each answer is saved in its own transaction as soon as it is given, like the web
    form, so pausing or a closed terminal loses nothing. The assessment itself is only
    created with the first answer, so opening and leaving at once leaves no trace.
    """
    from earned.store import repo

    items = inst.items
    low, high = inst.scale.min, inst.scale.max
    valid = {str(v): v for v in range(low, high + 1)}

    def first_missing() -> int | None:
        return next((k for k, i in enumerate(items) if i.number not in answers), None)

    index = first_missing()
    while index is not None:
        item = items[index]
        print()
        print(f"[{index + 1}/{len(items)}] {item.text}")
        for value, label in zip(range(low, high + 1), inst.scale.labels, strict=True):
            print(f"   {value}  {label}")
        current = answers.get(item.number)
        keep = f", Enter keeps {current}" if current is not None else ""
        prompt = f"Your answer ({low}-{high}{keep}, b back, q pause): "
        while True:
            reply = _read_reply(stdin, prompt)
            if reply is None or reply == "q":
                return assessment_id, False
            if reply == "b":
                if index == 0:
                    print("This is the first question; there is nothing before it.")
                    continue
                index -= 1
                break
            if reply == "" and current is not None:
                index += 1
                break
            if reply in valid:
                now = _now()
                with store.session() as session:
                    if assessment_id is None:
                        started = repo.start_assessment(
                            session=session, instrument_id=inst.id, now=now
                        )
                        assessment_id = started.id
                    repo.record_answer(
                        session=session,
                        assessment_id=assessment_id,
                        item=item.number,
                        value=valid[reply],
                        now=now,
                    )
                answers[item.number] = valid[reply]
                index += 1
                break
            print(
                f"No problem: please type a number from {low} to {high}, "
                "or b to go back, or q to pause."
            )
        if index >= len(items):
            index = first_missing()  # normally None; covers items skipped elsewhere
    return assessment_id, True


def cmd_assess(args: argparse.Namespace) -> int:
    from earned import instruments
    from earned.store import repo

    inst = instruments.load(INSTRUMENT)
    with _unlocked(args) as (_, store, _key):
        with store.session() as session:
            unfinished = repo.unfinished_assessment(session=session, instrument_id=inst.id)
        answers = dict(unfinished.answers) if unfinished else {}
        print(f"{inst.name} ({inst.short_name})")
        _say(inst.instructions)
        _say(
            f"Answer each statement with {inst.scale.min}-{inst.scale.max}. Type b to go back, "
            "q to pause; every answer is saved as you go."
        )
        if unfinished is not None:
            print(
                f"Welcome back: continuing where you left off "
                f"({len(answers)} of {len(inst.items)} answered)."
            )
        assessment_id, finished = _ask(
            store, inst, unfinished.id if unfinished else None, answers, sys.stdin
        )
        if not finished:
            if answers:
                print(
                    f"Paused. Your {len(answers)} answer(s) are saved; "
                    "run `earned assess` again to continue."
                )
            else:
                print("Paused before the first answer; nothing was saved.")
            return 0
        assert assessment_id is not None  # finished implies at least one answer exists
        with store.session() as session:
            repo.complete_assessment(session=session, assessment_id=assessment_id, now=_now())
        print()
        print("Thank you, that's all of them.")
        print()
        with store.session() as session:
            assessments = repo.list_assessments(session=session, instrument_id=inst.id)
    _print_results(results_data(assessments))
    return 0


def _change(rc: ReliableChange) -> dict[str, Any]:
    return {
        "before": rc.before,
        "after": rc.after,
        "change": rc.after - rc.before,
        "rci": rc.rci,
        "threshold": rc.threshold,
        "verdict": rc.verdict,
    }


def results_data(assessments: list[Assessment]) -> dict[str, Any]:
    """Everything `results` shows, as JSON-ready data (also the --json output)."""
    from earned import assessment as domain
    from earned import instruments
    from earned.instruments import norms

    inst = instruments.load(INSTRUMENT)
    table = norms.load(inst.id)
    steps = domain.trajectory([a for a in assessments if a.instrument_id == inst.id])
    unfinished = [a for a in assessments if a.completed_at is None]
    data: dict[str, Any] = {
        "instrument": {"id": inst.id, "name": inst.name, "citation": inst.citation},
        "latest": None,
        "trajectory": [],
        "overall": {},
        "reliability": {
            sub.id: {
                "name": sub.name,
                "value": sub.reliability,
                "source": sub.reliability_source,
                "sd": table.subscales[sub.id].sd if table else None,
            }
            for sub in inst.subscales
        },
        "norms": {"source": table.source, "n": next(iter(table.subscales.values())).n}
        if table
        else None,
        "unfinished": {"answered": unfinished[-1].answered, "of": len(inst.items)}
        if unfinished
        else None,
    }
    if not steps:
        return data
    last = steps[-1]
    read = domain.reading(last.scores["anxiety"], last.scores["avoidance"])
    data["latest"] = {
        "assessment_id": last.assessment.id,
        "completed_at": last.assessment.completed_at.isoformat()
        if last.assessment.completed_at
        else None,
        "scores": dict(last.scores.values),
        "percentiles": {p.subscale: p.percentile for p in domain.placements(inst, last.scores)},
        "reading": {
            "key": read.key,
            "title": read.title,
            "text": read.text,
            "caveat": read.caveat,
            "midpoint_note": read.midpoint_note,
        },
    }
    data["trajectory"] = [
        {
            "assessment_id": step.assessment.id,
            "completed_at": step.assessment.completed_at.isoformat()
            if step.assessment.completed_at
            else None,
            "scores": dict(step.scores.values),
            "changes": {sid: _change(rc) for sid, rc in step.changes.items()},
        }
        for step in steps
    ]
    for sub in inst.subscales:
        overall = domain.overall_change(steps, sub.id)
        if overall is not None:
            data["overall"][sub.id] = _change(overall)
    return data


def _day(iso: str | None) -> str:
    from datetime import datetime

    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d") if iso else "?"


def _print_results(data: dict[str, Any]) -> None:
    latest = data["latest"]
    if latest is None:
        print("There are no results yet.")
        if data["unfinished"]:
            u = data["unfinished"]
            print(
                f"You have a questionnaire in progress ({u['answered']} of {u['of']} answered); "
                "`earned assess` continues it."
            )
        else:
            print(
                "When you are ready, `earned assess` asks 36 short questions "
                "(about ten minutes) and shows where you are starting from."
            )
        return
    names = {sid: r["name"] for sid, r in data["reliability"].items()}
    n = data["norms"]["n"] if data["norms"] else None
    print(f"Your latest result ({data['instrument']['name']}, {_day(latest['completed_at'])})")
    print()
    for sid, value in latest["scores"].items():
        pct = latest["percentiles"].get(sid)
        place = f"higher than about {pct:.0f}% of the reference sample" if pct is not None else ""
        print(f"  {names[sid]:<22} {value:.2f}   {place}".rstrip())
    note = "Scores run from 1 to 5; lower means less anxiety or avoidance."
    if n:
        note += f" The reference sample is {n:,} people who answered the same questions online."
    _say(f"({note})", "  ")
    print()
    print(latest["reading"]["title"])
    _say(latest["reading"]["text"], "  ")
    _say(latest["reading"]["caveat"], "  ")
    print()
    steps = data["trajectory"]
    if len(steps) < 2:
        _say(
            "This is your first result. Take the questionnaire again in a few weeks to see "
            "whether things are changing beyond measurement error."
        )
    else:
        print("Over time (Reliable Change Index: a change counts when |RCI| > 1.96)")
        for step in steps:
            parts = []
            for sid, value in step["scores"].items():
                rc = step["changes"].get(sid)
                detail = f" ({rc['change']:+.2f}, {rc['verdict']})" if rc else ""
                parts.append(f"{sid} {value:.2f}{detail}")
            first = "" if step["changes"] else "   first result"
            print(f"  {_day(step['completed_at'])}  " + "   ".join(parts) + first)
        print()
        print("Since your first result:")
        for sid, rc in data["overall"].items():
            print(
                f"  {names[sid]}: {rc['verdict']} "
                f"({rc['before']:.2f} -> {rc['after']:.2f}, RCI {rc['rci']:+.2f})"
            )
        print()
    print("Reliability used for these verdicts:")
    for rel in data["reliability"].values():
        if rel["value"] is not None:
            _say(f"{rel['name']}: {rel['value']:.3f}. {rel['source'] or ''}".strip(), "  ")
    if data["unfinished"]:
        u = data["unfinished"]
        print()
        print(
            f"A newer questionnaire is in progress ({u['answered']} of {u['of']} answered); "
            "`earned assess` continues it."
        )


def cmd_results(args: argparse.Namespace) -> int:
    import json

    from earned.store import repo

    with _unlocked(args) as (_, store, _key), store.session() as session:
        assessments = repo.list_assessments(session=session, instrument_id=INSTRUMENT)
    data = results_data(assessments)
    if args.json:
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        _print_results(data)
    return 0


# --- check-ins ---------------------------------------------------------------------------

# The check-in questionnaires (earned.checkin.available(), tested equal); named here so that
# building the parser for --help reads no instrument files.
CHECKINS = ("phq9", "gad7")


def _print_care(store: Store) -> None:
    """The calm crisis panel on stderr for the journal's saved region (see _care_lines)."""
    from earned.store import repo

    with store.session() as session:
        _care_lines(repo.get_setting(session=session, key="region"))


def _care_lines(region: str | None) -> None:
    """The calm crisis panel's words and the crisis lines on stderr, the person's region
    first; the same words the web app shows. Nothing is blocked or sent anywhere.

    Used by the quick commands too: no SQLAlchemy here (the caller reads the region).
    """
    import textwrap

    from earned import content

    words = content.load("crisis")
    regions: dict[str, Any] = words["regions"]
    first = region if region in regions else str(words["default_region"])

    def say(text: str, indent: str = "") -> None:
        print(
            textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent),
            file=sys.stderr,
        )

    print(file=sys.stderr)
    say(words["care"]["title"])
    say(words["care"]["text"], "  ")
    for key in [first, *(k for k in regions if k != first)]:
        print(f"  {regions[key]['name']}", file=sys.stderr)
        for line in regions[key]["lines"]:
            say(f"{line['name']}: {line['how']} ({line['hours']})", "    ")
    say(words["emergency"], "  ")
    say(words["directory"], "  ")


def _local_day(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d") if moment else "?"


def cmd_checkin(args: argparse.Namespace) -> int:
    from earned import checkin
    from earned.instruments.scoring import alerts
    from earned.store import repo

    inst = checkin.load(args.instrument)
    words = checkin.words()
    with _unlocked(args) as (_, store, _key):
        with store.session() as session:
            unfinished = repo.unfinished_assessment(session=session, instrument_id=inst.id)
        answers = dict(unfinished.answers) if unfinished else {}
        print(f"{inst.short_name} check-in ({inst.name})")
        _say(
            f"{words['instruments'][inst.id]['about']} It is optional: type q to pause at any "
            "point, b to go back; every answer is saved as you go."
        )
        if unfinished is not None:
            print(
                f"Welcome back: continuing the check-in from {_local_day(unfinished.started_at)} "
                f"({len(answers)} of {len(inst.items)} answered)."
            )
        print()
        _say(inst.instructions)
        assessment_id, finished = _ask(
            store, inst, unfinished.id if unfinished else None, answers, sys.stdin
        )
        if not finished:
            if answers:
                print(
                    f"Paused. Your {len(answers)} answer(s) are saved; "
                    f"run `earned checkin {inst.id}` again to continue."
                )
            else:
                print("Paused before the first answer; nothing was saved.")
        else:
            assert assessment_id is not None  # finished implies at least one answer exists
            with store.session() as session:
                repo.complete_assessment(session=session, assessment_id=assessment_id, now=_now())
                done = repo.list_assessments(session=session, instrument_id=inst.id)
            print()
            print("Thank you, that's all of them.")
            print()
            _print_checkin(checkin.history(done, inst.id), words)
        if alerts(inst, answers):
            _print_care(store)
    return 0


def _print_checkin(entries: list[CheckinEntry], words: dict[str, Any]) -> None:
    """The latest check-in in `entries` (earned.checkin.Entry): total, level, change."""
    from earned import checkin

    last = entries[-1]
    inst = last.assessment.instrument
    level = last.level
    print(f"{inst.short_name} total: {level.total} of {level.maximum}")
    print(f"{words['level']}: {level.band}.")
    _say(level.text, "  ")
    _say(words["not_diagnosis"], "  ")
    print()
    if len(entries) < 2:
        _say(words["first"])
        return
    before = entries[-2]
    change = last.change
    if change is not None:
        _say(
            f"Since your last check-in ({_local_day(before.assessment.completed_at)}, total "
            f"{before.level.total}): {change.verdict} "
            f"({change.after - change.before:+.0f}, RCI {change.rci:+.2f})."
        )
    overall = checkin.since_first(entries)
    if overall is not None and len(entries) > 2:
        _say(
            f"Since your first check-in ({_local_day(entries[0].assessment.completed_at)}, "
            f"total {entries[0].level.total}): {overall.verdict} (RCI {overall.rci:+.2f})."
        )
    if change is not None:
        _say(
            f"A change counts as reliable when it is more than {change.threshold:.2f} points "
            "(Jacobson-Truax Reliable Change Index, |RCI| > 1.96); ups and downs on the way "
            "are part of the work."
        )


# --- export, import, backup --------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from earned.reports import export

    output: Path | None = args.output
    if args.format == "csv" and output is None:
        output = Path.cwd() / "earned-export.zip"
        if output.exists():
            raise EarnedError(
                f"{output} already exists, so nothing was written. "
                "Choose where the zip goes with --output PATH."
            )
    with _unlocked(args) as (_, store, _key), store.session() as session:
        data = export.snapshot(session=session)
    if args.format == "csv":
        payload = export.to_csv_zip(data)
    elif args.format == "md":
        payload = export.to_markdown(data).encode("utf-8")
    else:
        payload = export.to_json(data).encode("utf-8")
    if output is None:
        sys.stdout.write(payload.decode("utf-8"))
        sys.stdout.flush()
        return 0
    _write_private(output, payload)
    print(f"Wrote {output}")
    print("This file is not encrypted; keep it somewhere private.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from earned.reports import export

    path: Path = args.path
    try:
        if path.stat().st_size > export.MAX_IMPORT_BYTES:
            raise EarnedError("That file is larger than any earned export could be; not imported.")
        raw = path.read_bytes()
    except OSError as exc:
        raise EarnedError(f"Cannot read {path}: {exc.strerror}. Nothing was imported.") from None
    # Checked before asking for the passphrase, so a wrong file fails at once.
    data = export.parse_json(raw)
    with _unlocked(args) as (_, store, _key), store.session() as session:
        counts = export.restore(session=session, data=data)
    print(
        f"Imported {counts['assessments']} questionnaire(s) and {counts['entries']} "
        f"journal entr{'y' if counts['entries'] == 1 else 'ies'}."
    )
    if counts["skipped"]:
        print(f"{counts['skipped']} record(s) were already here and were left as they are.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from earned.store import personal

    dest: Path = args.dest or data_root() / "backups"
    with _unlocked(args) as (prof, _store, data_key):
        target = personal.backup(prof, data_key, dest)
    print(f"Backup written: {target}")
    _say(
        "It is still encrypted and opens with the passphrase you have now. Keep a copy "
        "somewhere other than this computer."
    )
    return 0


# --- passphrase, demo, delete ------------------------------------------------------------


def cmd_passphrase(args: argparse.Namespace) -> int:
    from earned.store import keys, personal

    prof = _existing(args)
    old = _passphrase(args, "Current passphrase: ")
    keys.unlock(prof.key_file, old)  # check it before asking for a new one
    new = _new_passphrase(args.new_passphrase_file, None)
    if new == old:
        raise EarnedError("The new passphrase is the same as the current one; nothing changed.")
    personal.change_passphrase(prof, old, new)
    print("Your passphrase is changed; the old one no longer opens this journal.")
    print(f"Strength of the new passphrase: {keys.strength_hint(new)}.")
    _say("Backups made before now still open with the old passphrase.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import shutil
    from datetime import timedelta

    from earned import demo
    from earned.reports import export
    from earned.store import personal

    prof = profile(DEMO_PROFILE)  # always the demo profile, whatever --profile says
    if prof.folder.exists():
        if not args.force:
            raise EarnedError(
                f"A demo journal already exists in {prof.folder}; it was left as it is. "
                "Open it with `earned --profile demo serve`, or replace it with "
                "`earned demo --force`."
            )
        shutil.rmtree(prof.folder)
    # Start far enough back that the invented story ends today.
    start = _now() - timedelta(days=int(DEMO_MONTHS * demo.DAYS_PER_MONTH) + 1)
    data = demo.generate(DEMO_SEED, start, DEMO_MONTHS)
    try:
        store, _ = personal.set_up(prof, DEMO_PASSPHRASE)
        try:
            with store.session() as session:
                counts = export.restore(session=session, data=data)
        finally:
            store.close()
    except BaseException:
        shutil.rmtree(prof.folder, ignore_errors=True)  # never leave half a demo behind
        raise
    print(
        f"Demo journal created in {prof.folder}: {counts['assessments']} questionnaires and "
        f"{counts['entries']} journal entries from an invented person over {DEMO_MONTHS} months."
    )
    print(f"Its passphrase is: {DEMO_PASSPHRASE}")
    print("Open it with: earned --profile demo serve")
    return 0


def cmd_delete_everything(args: argparse.Namespace) -> int:
    import shutil

    from earned import agent
    from earned.store import keys

    prof = _profile(args)
    if not args.yes_i_am_sure:
        raise EarnedError(
            f"This permanently deletes every entry and result in the profile '{prof.name}'. "
            "To go ahead, run it again with --yes-i-am-sure.",
            exit_code=2,
        )
    if not prof.folder.exists():
        raise EarnedError(
            f"There is no profile '{prof.name}' in {prof.folder.parent}; nothing was deleted.",
            exit_code=2,
        )
    if prof.key_file.exists():
        # Proves this is the owner; without a key file nobody can read the data anyway.
        keys.unlock(prof.key_file, _passphrase(args))
    with suppress(EarnedError):
        agent.stop(prof)  # an unlocked key for a deleted journal has no business in memory
    shutil.rmtree(prof.folder)
    print(f"Deleted the profile '{prof.name}' and everything in it ({prof.folder}).")
    backups = data_root() / "backups"
    if backups.exists():
        print(f"Backups are kept separately and were not touched: {backups}")
    return 0


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


class _Skipped(argparse.ArgumentParser):
    """Stands in for the parser of a command this run does not need; takes no arguments."""

    def __init__(self) -> None:  # deliberately skips ArgumentParser's set-up: that is the cost
        pass

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        return argparse.Action([], "skipped")


class _Commands:
    """The subcommand registry, limited to one command when only that one will run."""

    def __init__(self, sub: Any, only: str | None) -> None:
        self.sub = sub
        self.only = only


def _add(
    commands: _Commands, name: str, run: Command, summary: str, description: str
) -> argparse.ArgumentParser:
    if commands.only is not None and commands.only != name:
        return _Skipped()
    parser: argparse.ArgumentParser = commands.sub.add_parser(
        name, help=summary, description=description, formatter_class=_Formatter
    )
    parser.set_defaults(run=run)
    return parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `earned` parser; with `only`, just that command's (for a fast quick command)."""
    parser = argparse.ArgumentParser(
        prog="earned",
        formatter_class=_Formatter,
        description=(
            "A private, local-first companion for moving toward earned attachment security. "
            "Everything stays on this computer, encrypted with your passphrase."
        ),
        epilog="Run `earned COMMAND --help` for the options of a command.",
    )
    parser.add_argument(
        "--profile",
        default="default",
        metavar="NAME",
        help="which journal to use; each profile is a separate encrypted journal "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="PATH",
        help="read the passphrase from the first line of PATH instead of asking "
        f"(for scripts; the {PASSPHRASE_ENV} environment variable also works)",
    )
    sub = _Commands(
        parser.add_subparsers(title="commands", metavar="COMMAND", dest="command"), only
    )

    _add(
        sub,
        "init",
        cmd_init,
        "create a new encrypted journal",
        "Create a new journal protected by a passphrase you choose. The passphrase cannot be "
        "recovered, so keep it somewhere safe.",
    )

    unlock = _add(
        sub,
        "unlock",
        cmd_unlock,
        "keep the journal unlocked for a while, for the quick commands",
        "Ask for the passphrase once and keep the journal's key in a small background "
        "process for a limited time, so `earned log`, `settle`, `peak`, `open` and `wait` "
        "do not ask again. Only your user can ask it for the key; `earned lock` ends it "
        "early. See docs/privacy-and-threat-model.md for the trade-off.",
    )
    unlock.add_argument(
        "--minutes",
        type=float,
        default=15.0,
        metavar="N",
        help="how long to stay unlocked (default: %(default)g; at most 720)",
    )

    _add(
        sub,
        "lock",
        cmd_lock,
        "lock the journal again now (ends `earned unlock`)",
        "Tell the background process started by `earned unlock` to forget the key and exit. "
        "Quick commands ask for the passphrase again afterwards.",
    )

    log = _add(
        sub,
        "log",
        cmd_log,
        "capture an activation now: intensity 0-10 and, if you like, what set it off",
        "Record that your attachment system fired: how strong it is (0-10) and, optionally, "
        "what triggered it, the emotions, the urge and tags. Only the intensity is needed; "
        "everything else can be added later in the app. Example: "
        'earned log 7 "he didn\'t answer for 3 hours" --emotion abandoned --urge text',
    )
    log.add_argument("intensity", metavar="INTENSITY", help="how strong it is, 0 to 10")
    log.add_argument(
        "trigger", nargs="?", metavar="TRIGGER", help="what set it off, in a few words"
    )
    log.add_argument(
        "--emotion",
        action="append",
        default=[],
        metavar="WORD",
        help="an emotion word; repeat for several (e.g. --emotion abandoned --emotion ashamed)",
    )
    log.add_argument("--urge", metavar="TEXT", help="what you feel pulled to do")
    log.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="a tag; repeat for several"
    )
    log.add_argument(
        "--at",
        metavar="TIME",
        help="when it began, if not now: 14:05 (today) or 2026-03-02T14:05",
    )
    log.add_argument(
        "--token",
        metavar="TEXT",
        help="for scripts: a unique token per capture; retrying with the same token does "
        "not log it twice (without one, every call is a new capture)",
    )

    settle = _add(
        sub,
        "settle",
        cmd_settle,
        "mark an episode as settled and see its recovery time",
        "Mark the most recent open episode (or the one whose id starts with ID) as settled, "
        "now or at --at, and print the recovery time from its start. `earned open` lists "
        "open episodes.",
    )
    settle.add_argument(
        "id", nargs="?", metavar="ID", help="the episode's id or its first few characters"
    )
    settle.add_argument(
        "--at", metavar="TIME", help="when it settled, if not now: 14:40 or 2026-03-02T14:40"
    )

    peak = _add(
        sub,
        "peak",
        cmd_peak,
        "note that an episode is at its peak",
        "Record the peak of the most recent open episode (or the one whose id starts with "
        "ID), now or at --at, optionally with how strong it got.",
    )
    peak.add_argument(
        "id", nargs="?", metavar="ID", help="the episode's id or its first few characters"
    )
    peak.add_argument("--intensity", metavar="N", help="how strong it is at the peak, 0 to 10")
    peak.add_argument(
        "--at", metavar="TIME", help="when it peaked, if not now: 14:20 or 2026-03-02T14:20"
    )

    _add(
        sub,
        "open",
        cmd_open,
        "list open episodes and running urge timers",
        "List the episodes not yet marked settled (newest first) and any urge-delay timers "
        "still running, with the ids that `earned settle` and `earned wait --end` take.",
    )

    wait = _add(
        sub,
        "wait",
        cmd_wait,
        "start an urge-delay timer and see how long you can hold off",
        "Start a timer when an urge hits (send the reassurance text, check their phone, "
        "withdraw...). It shows the time held and a slow breathing rhythm; type w (I "
        "waited), a (I acted) or p (the urge passed) and Enter to stop it. Ctrl-C leaves it "
        "running; end it later with --end.",
    )
    wait.add_argument("urge", nargs="?", metavar="URGE", help="the urge, in a few words")
    wait.add_argument(
        "--end",
        nargs=2,
        metavar=("ID", "w|a|p"),
        help="end a running timer: its id, then w (waited), a (acted) or p (passed)",
    )

    serve = _add(
        sub,
        "serve",
        cmd_serve,
        "open the app in your browser (runs a local web server)",
        "Run the earned web app on this computer and print its address. It listens on "
        "127.0.0.1 only, so no other computer can reach it. Stop it with Ctrl-C.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this computer only)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=None,
        metavar="N",
        help=f"port to listen on (default: {DEFAULT_PORT}, or any free port if it is taken; "
        "0 means any free port)",
    )
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that other computers can reach (not recommended; no HTTPS)",
    )

    _add(
        sub,
        "assess",
        cmd_assess,
        "take the attachment questionnaire (ECR) in the terminal",
        "Answer the 36 statements of the Experiences in Close Relationships questionnaire, "
        "one at a time. Type 1-5 to answer, b to go back, q to pause; answers are saved as "
        "you go and an unfinished questionnaire is continued next time.",
    )

    results = _add(
        sub,
        "results",
        cmd_results,
        "show your latest scores and how they changed over time",
        "Show your latest anxiety and avoidance scores with percentiles, a plain-language "
        "reading, and each step of your trajectory with its Reliable Change Index.",
    )
    results.add_argument("--json", action="store_true", help="print the results as JSON")

    checkin = _add(
        sub,
        "checkin",
        cmd_checkin,
        "an optional check-in on mood (PHQ-9) or worry (GAD-7)",
        "Answer the nine PHQ-9 or the seven GAD-7 questions about the last two weeks, one at a "
        "time. Type 0-3 to answer, b to go back, q to pause; answers are saved as you go. "
        "Shows the total, its symptom level in words (not a diagnosis) and the reliable change "
        "since earlier check-ins.",
    )
    checkin.add_argument(
        "instrument",
        choices=CHECKINS,
        metavar="phq9|gad7",
        help="which check-in: phq9 (mood, 9 questions) or gad7 (worry, 7 questions)",
    )

    export = _add(
        sub,
        "export",
        cmd_export,
        "export everything as JSON, CSV or Markdown",
        "Export all your questionnaires and journal entries. JSON can be imported again; CSV "
        "is a zip of tables; Markdown is for reading. The export is not encrypted.",
    )
    export.add_argument(
        "--format",
        choices=("json", "csv", "md"),
        default="json",
        help="json (default, re-importable), csv (a zip of tables) or md (readable)",
    )
    export.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="write to PATH instead of standard output (csv defaults to "
        "earned-export.zip in the current folder)",
    )

    imp = _add(
        sub,
        "import",
        cmd_import,
        "import a JSON export into this journal",
        "Add the records of a JSON export made by `earned export`. Records already present "
        "are skipped; if the file is damaged or conflicts with your journal, nothing is "
        "imported.",
    )
    imp.add_argument("path", type=Path, metavar="PATH", help="the JSON export file to import")

    backup = _add(
        sub,
        "backup",
        cmd_backup,
        "write an encrypted backup of the journal",
        "Write a consistent copy of the journal and its key file as one .tar file. The backup "
        "stays encrypted and opens with your current passphrase.",
    )
    backup.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="folder for the backup (default: the backups folder in earned's data folder)",
    )

    passphrase = _add(
        sub,
        "passphrase",
        cmd_passphrase,
        "change your passphrase",
        "Change the passphrase that unlocks this journal: asks for the current one, then the "
        "new one twice. Only the small key file is rewritten.",
    )
    passphrase.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar="PATH",
        help="read the new passphrase from the first line of PATH instead of asking",
    )

    demo = _add(
        sub,
        "demo",
        cmd_demo,
        "create a demo journal with invented data",
        f"Fill a separate profile named '{DEMO_PROFILE}' with {DEMO_MONTHS} months of invented "
        f"questionnaires and journal entries, to explore the app. Its passphrase is "
        f"'{DEMO_PASSPHRASE}'. Your own journal is not touched (--profile is ignored).",
    )
    demo.add_argument("--force", action="store_true", help="replace an existing demo profile")

    delete = _add(
        sub,
        "delete-everything",
        cmd_delete_everything,
        "permanently delete this profile's journal",
        "Permanently delete the chosen profile's folder: journal, key file and settings. "
        "Asks for the passphrase first. Backups are kept separately and are not touched. "
        "You can also delete the folder by hand at any time.",
    )
    delete.add_argument(
        "--yes-i-am-sure",
        action="store_true",
        help="confirm that you want everything in this profile deleted for good",
    )
    return parser


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


def _run(run: Command, args: argparse.Namespace) -> int:
    try:
        return run(args)
    except EarnedError as exc:
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

    For a quick command only that command's parser is built (building all of them costs
    a few ms), and when running as the program itself (argv None: the `earned` script or
    `python -m earned`) the process ends right after it, see _exit_now.
    """
    words = sys.argv[1:] if argv is None else argv
    named = _command_in(words)
    quick = named in QUICK_COMMANDS
    parser = build_parser(only=named if quick else None)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return 2
    code = _run(args.run, args)
    if quick and argv is None:
        _exit_now(code)
    return code
