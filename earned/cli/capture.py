"""Quick capture of an activation: `earned log`, `settle`, `peak` and `open`.

These run in tens of milliseconds: they write through earned.store.quick (plain SQL on
SQLCipher) with the key from `earned unlock`'s agent, and never import SQLAlchemy,
Alembic, FastAPI or (when unlocked) Argon2. tests/test_cli_quick.py checks sys.modules.
"""

from __future__ import annotations

from earned import durations
from earned.cli import care
from earned.cli.common import (
    AT_EXAMPLES,
    Command,
    aligned,
    at_or_now,
    now,
    parse_at,
    plain,
    quick_journal,
    short,
    when,
    words_from,
)

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from earned.episodes import Activation
    from earned.urges import UrgeDelay

OPEN_SHOWN = 10  # `earned open` lists this many episodes, then says how many more there are
ID_HELP = "the episode's id or its first few characters"


# --- log -----------------------------------------------------------------------------------


def _log_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("intensity", metavar="INTENSITY", help="how strong it is, 0 to 10")
    parser.add_argument(
        "trigger",
        nargs="?",
        metavar="TRIGGER",
        help="what set it off, in a few words; - reads them from a prompt or standard input "
        "instead, so they stay out of the process list and the shell history",
    )
    parser.add_argument(
        "--emotion",
        action="append",
        default=[],
        metavar="WORD",
        help="an emotion word; repeat for several (e.g. --emotion abandoned --emotion ashamed)",
    )
    parser.add_argument("--urge", metavar="TEXT", help="what you feel pulled to do")
    parser.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="a tag; repeat for several"
    )
    parser.add_argument(
        "--at",
        metavar="TIME",
        help=f"when it began, if not now, in your local time: {AT_EXAMPLES}",
    )
    parser.add_argument(
        "--token",
        metavar="TEXT",
        help="for scripts: a unique token per capture; retrying with the same token does "
        "not log it twice (without one, every call is a new capture)",
    )


def cmd_log(args: argparse.Namespace) -> int:
    import shlex

    from earned.store import quick

    moment_now = now()
    args.trigger = words_from(args.trigger, "What set it off? ")
    # Checked before the journal is unlocked: bad input fails at once and writes nothing.
    values = quick.prepare_activation(
        intensity=args.intensity,
        now=moment_now,
        onset=parse_at(args.at, moment_now) if args.at else None,
        trigger=args.trigger,
        emotions=args.emotion,
        urge=args.urge,
        tags=args.tag,
        client_token=args.token,
    )
    with quick_journal(args) as (_prof, conn):
        logged = quick.insert_activation(conn, values)
        region = care.region_if_at_risk(conn, args.trigger, args.urge, *args.emotion, *args.tag)
    moment = logged.activation
    what = f"intensity {moment.intensity} at {when(moment.onset_at, moment_now)}"
    if not logged.created:
        print(f"Already saved with this --token: {what} (id {short(moment.id)}). Nothing new.")
    else:
        print(f"Logged: {what} (id {short(moment.id)}).")
        print("When it has eased, `earned settle` records how long it took.")
        if moment.urge:
            again = f"earned wait {shlex.quote(moment.urge)}"
            print(f"To time how long you hold off on the urge: {again}")
    if region is not None:
        care.print_lines(region)
    return 0


LOG = Command(
    "log",
    "capture an activation now: intensity 0-10 and, if you like, what set it off",
    "Record that your attachment system fired: how strong it is (0-10) and, optionally, "
    "what triggered it, the emotions, the urge and tags. Only the intensity is needed; "
    "everything else can be added later in the app. Example: "
    'earned log 7 "he didn\'t answer for 3 hours" --emotion abandoned --urge text',
    cmd_log,
    _log_options,
)


# --- settle --------------------------------------------------------------------------------


def _settle_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", metavar="ID", help=ID_HELP)
    parser.add_argument("--at", metavar="TIME", help=f"when it settled, if not now: {AT_EXAMPLES}")


def cmd_settle(args: argparse.Namespace) -> int:
    from earned.store import quick

    moment_now = now()
    # No --at means "now"; on an episode already settled that keeps its first time
    # (episodes.settle_time), as a second tap on the web's "Settled now" does.
    at = parse_at(args.at, moment_now) if args.at else None
    with quick_journal(args) as (_prof, conn):
        settled = quick.mark_settled(conn, prefix=args.id, at=at, now=moment_now)
        _, still_open = quick.open_activations(conn, limit=0, now=moment_now)
    assert settled.recovery is not None and settled.settled_at is not None  # just settled
    if at is None and settled.settled_at != moment_now:  # kept from an earlier settle
        kept = when(settled.settled_at, moment_now)
        print(f"That episode was already settled at {kept}; its time was kept.")
    print(
        f"Settled: {durations.words(settled.recovery.total_seconds())} from the start "
        f"({when(settled.onset_at, moment_now)}, intensity {settled.intensity}) to "
        f"{when(settled.settled_at, moment_now)}. That is your recovery time for this one."
    )
    if still_open:
        print(f"{still_open} other episode(s) still open: `earned open` lists them.")
    return 0


SETTLE = Command(
    "settle",
    "mark an episode as settled and see its recovery time",
    "Mark the most recent open episode (or the one whose id starts with ID) as settled, "
    "now or at --at, and print the recovery time from its start. `earned open` lists "
    "open episodes.",
    cmd_settle,
    _settle_options,
)


# --- peak ----------------------------------------------------------------------------------


def _peak_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", metavar="ID", help=ID_HELP)
    parser.add_argument("--intensity", metavar="N", help="how strong it is at the peak, 0 to 10")
    parser.add_argument("--at", metavar="TIME", help=f"when it peaked, if not now: {AT_EXAMPLES}")


def cmd_peak(args: argparse.Namespace) -> int:
    from earned import episodes
    from earned.store import quick

    moment_now = now()
    at = at_or_now(args, moment_now)
    if args.intensity is not None:
        episodes.check_intensity(args.intensity)
    with quick_journal(args) as (_prof, conn):
        peaked = quick.mark_peak(
            conn, prefix=args.id, at=at, now=moment_now, intensity=args.intensity
        )
    level = f", intensity {peaked.peak_intensity}" if peaked.peak_intensity is not None else ""
    print(
        f"Peak noted at {when(at, moment_now)}{level} for the episode that began "
        f"{when(peaked.onset_at, moment_now)} (id {short(peaked.id)})."
    )
    print("When it has eased, `earned settle` records how long it took.")
    return 0


PEAK = Command(
    "peak",
    "note that an episode is at its peak",
    "Record the peak of the most recent open episode (or the one whose id starts with "
    "ID), now or at --at, optionally with how strong it got.",
    cmd_peak,
    _peak_options,
)


# --- open ----------------------------------------------------------------------------------


def _open_rows(activations: list[Activation], moment_now: datetime) -> list[str]:
    """One line per open episode, its columns aligned (dates of another year are longer)."""
    rows = []
    for a in activations:
        peak = ""
        if a.peak_at is not None:
            level = f" at {a.peak_intensity}" if a.peak_intensity is not None else ""
            peak = f", peak {when(a.peak_at, moment_now)}{level}"
        began = when(a.onset_at, moment_now)
        rows.append([short(a.id), began, f"intensity {a.intensity:>2}{peak}", plain(a.trigger)])
    return aligned(rows)


def _print_open(activations: list[Activation], total: int, moment_now: datetime) -> None:
    print(f"Open episodes ({total}):")
    for line in _open_rows(activations, moment_now):
        print(line)
    if total > len(activations):
        print(f"  … and {total - len(activations)} older one(s).")
    # Older ones are not listed: left open past a day, they count as not marked.
    print("Settle one with `earned settle ID`; the first few characters of the id are enough.")


def _running_rows(timers: list[UrgeDelay], moment_now: datetime) -> list[str]:
    """One line per running urge timer, its columns aligned."""
    rows = []
    for t in timers:
        held = durations.words((moment_now - t.started_at).total_seconds())
        began = when(t.started_at, moment_now)
        rows.append([short(t.id), f"since {began}", f"({held})", plain(t.urge)])
    return aligned(rows)


def _print_running(timers: list[UrgeDelay], moment_now: datetime) -> None:
    print(f"Urge timers still running ({len(timers)}):")
    for line in _running_rows(timers, moment_now):
        print(line)
    print("End one with `earned wait --end ID w|a|p` (waited, acted, passed).")


def cmd_open(args: argparse.Namespace) -> int:
    from earned.store import quick

    moment_now = now()
    with quick_journal(args) as (_prof, conn):
        activations, total = quick.open_activations(conn, limit=OPEN_SHOWN, now=moment_now)
        timers = quick.running_urges(conn)
    if not total and not timers:
        print("Nothing is open: no episode is waiting to be settled, and no urge timer runs.")
        return 0
    if total:
        _print_open(activations, total, moment_now)
    if timers:
        if total:
            print()
        _print_running(timers, moment_now)
    return 0


OPEN = Command(
    "open",
    "list open episodes and running urge timers",
    "List the episodes not yet marked settled (newest first) and any urge-delay timers "
    "still running, with the ids that `earned settle` and `earned wait --end` take.",
    cmd_open,
    reads_only=True,
)

COMMANDS = (LOG, SETTLE, PEAK, OPEN)
