"""`earned reminders`: the calendar file of /reminders from the terminal, for the person
to open in their own calendar app (earned.reminders, earned.reports.calendar).

Belief re-rating reminders come from the journal; one practice reminder may be chosen
with --practice, --days and --at. Times are in the zone saved in the journal (the one the
pages use). earned sends nothing anywhere: the file goes to --output or standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from earned.cli.common import Command, now, unlocked
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def _options(parser: argparse.ArgumentParser) -> None:
    from earned import reminders

    parser.add_argument(
        "--practice",
        metavar="KIND",
        help="add a reminder for this practice: " + ", ".join(reminders.practices()),
    )
    parser.add_argument(
        "--days", metavar="DAYS", help="the practice's days, e.g. mon,wed,fri (with --practice)"
    )
    parser.add_argument(
        "--at",
        metavar="HH:MM",
        help="the practice's time of day on a 24-hour clock (default "
        f"{reminders.DEFAULT_AT:%H:%M}; with --practice)",
    )
    parser.add_argument(
        "--belief-words",
        action="store_true",
        help="show each belief's words in its reminder (by default a reminder only says "
        "that a belief is ready to re-rate: calendars are often copied online)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="write the calendar file to PATH (e.g. earned-reminders.ics) instead of "
        "standard output",
    )


def cmd_reminders(args: argparse.Namespace) -> int:
    from earned import reminders, zones
    from earned.cli.data import _write_private
    from earned.reports import calendar
    from earned.store import beliefs as belief_store
    from earned.store import settings

    choices = []
    if args.practice is not None:
        at = args.at if args.at is not None else f"{reminders.DEFAULT_AT:%H:%M}"
        choices.append(reminders.check_choice(args.practice, reminders.parse_days(args.days), at))
    elif args.days is not None or args.at is not None:
        raise EarnedError("--days and --at go with --practice KIND. Nothing was written.")
    moment = now()
    with unlocked(args) as (_prof, store, _key), store.session() as session:
        zone = zones.zone_of(settings.get_setting(session=session, key=zones.SETTING))
        scheduled = belief_store.scheduled(session=session, most=reminders.MAX_BELIEF_REMINDERS)
    events = reminders.belief_events(
        scheduled, now=moment, zone=zone, include_words=args.belief_words
    ) + reminders.practice_events(choices, now=moment, zone=zone)
    if not events:
        raise EarnedError(
            "There is nothing to put in a calendar yet: choose a practice with --practice "
            "and --days, or give a belief a re-rating schedule. Nothing was written."
        )
    payload = calendar.build(events, now=moment)
    output: Path | None = args.output
    if output is None:
        sys.stdout.write(payload.decode("utf-8"))
        sys.stdout.flush()
        return 0
    _write_private(output, payload)
    print(f"Wrote {output}: {len(events)} reminder{'s' if len(events) != 1 else ''}.")
    print("Open it with your calendar app. earned sends nothing anywhere.")
    if not args.belief_words and any(e.uid.startswith("belief-") for e in events):
        print("Belief reminders do not name the belief (add --belief-words to show them).")
    return 0


REMINDERS = Command(
    "reminders",
    "a calendar file of gentle reminders, for your own calendar app",
    "Write an iCalendar (.ics) file with a reminder for each belief you re-rate on a "
    "schedule, and optionally one practice on chosen days at a time of day. Opening a newer "
    "file in your calendar updates the reminders instead of copying them. earned sends "
    "nothing anywhere.",
    cmd_reminders,
    _options,
    reads_only=True,
)

COMMANDS = (REMINDERS,)
