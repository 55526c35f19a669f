"""`earned wait`: an urge-delay timer in the terminal, and `earned wait --end` for one left
running. A quick command, like those in earned/cli/capture.py: earned.store.quick only.
"""

from __future__ import annotations

import sys

from earned import durations
from earned.cli import care
from earned.cli.common import Command, now, plain, quick_journal, say, short, words_from
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime
    from typing import TextIO

    from earned.urges import UrgeDelay

OUTCOME_KEYS = {
    "w": "waited",
    "waited": "waited",
    "a": "acted",
    "acted": "acted",
    "p": "passed",
    "passed": "passed",
}


def _outcome(reply: str) -> str | None:
    return OUTCOME_KEYS.get(reply.strip().lower())


def _breath(seconds: int) -> str:
    """A slow rhythm to follow while waiting: in for 4, out for 6 (6 breaths a minute)."""
    return "breathe in slowly…" if seconds % 10 < 4 else "and out, longer…"


# The prompt, longest first: the longest that leaves ROOM_TO_TYPE columns on its line is
# used, so the prompt never wraps (the status line is redrawn one line above it).
PROMPTS = (
    "w = I waited, a = I acted, p = the urge passed; then Enter: ",
    "w waited, a acted, p passed; then Enter: ",
    "w / a / p, then Enter: ",
    "w/a/p: ",
)
ROOM_TO_TYPE = 4


def _prompt(width: int) -> str | None:
    """The prompt for a terminal `width` columns wide; None if none fits on one line."""
    return next((p for p in PROMPTS if len(p) + ROOM_TO_TYPE < width), None)


def _status(held: int, width: int) -> str:
    """The line above the prompt: the time held and the breathing cue, shortened to fit in
    `width` - 1 columns (a line reaching the last column would wrap and push the prompt)."""
    clock = durations.clock(held)
    for line in (
        f"  held {clock}   {_breath(held)}",
        f"held {clock}  {_breath(held)}",
        f"held {clock}",
        clock,
    ):
        if len(line) < width:
            return line
    return clock[: max(width - 1, 0)]


def _columns() -> int:
    import shutil

    return shutil.get_terminal_size().columns


def _wait_for_outcome(started: datetime, stdin: TextIO) -> str | None:
    """Read w / a / p + Enter; None at end of input. Ticks the elapsed time on a terminal.

    On a terminal the status line is redrawn one line above the prompt, which only works
    while the prompt takes one line: both are fitted to the terminal's width (read again
    each time the prompt is shown), and a terminal too narrow for any prompt gets the
    plain prompt without the ticking line.
    """
    import select

    terminal = stdin.isatty() and sys.stdout.isatty()
    while True:
        width = _columns() if terminal else 0
        fitted = _prompt(width) if terminal else None
        live = fitted is not None
        prompt = fitted or (PROMPTS[-1] if terminal else PROMPTS[0])
        if live:
            print(file=sys.stdout)  # the status line, redrawn above the prompt
            print(prompt, end="", flush=True)
            while True:
                held = int((now() - started).total_seconds())
                status = _status(held, width)
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
        if not terminal:
            print()  # the reply was not echoed: end the prompt's line
        outcome = _outcome(line)
        if outcome is not None:
            return outcome
        held = int((now() - started).total_seconds())
        print(f"Held so far: {durations.words(held)}. Type w, a or p, then Enter.")


def _end_message(timer: UrgeDelay) -> str:
    held = durations.words(timer.seconds_held or 0)
    if timer.outcome == "waited":
        return f"You waited: {held}. That is the practice, and it counts."
    if timer.outcome == "acted":
        return (
            f"You held it for {held}, then acted. Noticing that is useful data, "
            "and the time you held is real."
        )
    return f"The urge passed after {held}. Urges rise and fall; this one fell on its own."


def _end(args: argparse.Namespace, timer_id: str, reply: str) -> int:
    """`earned wait --end ID w|a|p`: end a timer left running."""
    from earned import urges
    from earned.store import quick

    quick.check_prefix(timer_id)
    outcome = _outcome(reply)
    if outcome is None:
        raise EarnedError(
            f"{reply!r} is not an ending: use w (I waited), a (I acted) or p (it passed)."
        )
    with quick_journal(args) as (_prof, conn):
        timer, changed = quick.end_urge(conn, prefix=timer_id, outcome=outcome, now=now())
        region = care.region(conn) if urges.calls_for_care(timer) else None
    if not changed:
        print(f"That timer had already ended ({timer.outcome}); it was left as it was.")
    print(_end_message(timer))
    # Acted on an urge whose words suggest danger: the lines, not only "useful data".
    if region is not None:
        care.print_lines(region)
    return 0


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "urge",
        nargs="?",
        metavar="URGE",
        help="the urge, in a few words; - reads it from a prompt or the first line of standard "
        "input, so it stays out of the process list and the shell history",
    )
    parser.add_argument(
        "--end",
        nargs=2,
        metavar=("ID", "w|a|p"),
        help="end a running timer: its id, then w (waited), a (acted) or p (passed)",
    )


def cmd_wait(args: argparse.Namespace) -> int:
    from earned.store import quick
    from earned.urges import check_urge

    if args.end is not None:
        return _end(args, *args.end)
    args.urge = words_from(args.urge, "What is the urge? ")
    if args.urge is None:
        raise EarnedError(
            'What is the urge? For example: earned wait "text him again".', exit_code=2
        )
    urge = check_urge(args.urge)
    with quick_journal(args) as (_prof, conn):
        timer = quick.start_urge(conn, urge=urge, now=now())
        later = f"earned wait --end {short(timer.id)} w|a|p"
        print(f"Timer started for the urge to {plain(timer.urge)} (id {short(timer.id)}).")
        region = care.region_if_at_risk(conn, urge)
        if region is not None:
            care.print_lines(region)
        say(
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
        ended, _changed = quick.end_urge(conn, prefix=timer.id, outcome=outcome, now=now())
    print(_end_message(ended))
    return 0


WAIT = Command(
    "wait",
    "start an urge-delay timer and see how long you can hold off",
    "Start a timer when an urge hits (send the reassurance text, check their phone, "
    "withdraw...). It shows the time held and a slow breathing rhythm; type w (I "
    "waited), a (I acted) or p (the urge passed) and Enter to stop it. Ctrl-C leaves it "
    "running; end it later with --end.",
    cmd_wait,
    _wait_options,
)

COMMANDS = (WAIT,)
