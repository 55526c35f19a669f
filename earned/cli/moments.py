"""Past moments from the terminal: `earned list` (with filters), `earned edit` and
`earned delete`.

These read and change records through the full store (about half a second to start),
with the same rules as the app's pages (earned.episodes): a list filtered by dates, a
tag, a feeling word, a person or words, newest first; an edit checked field by field
before anything changes; a deletion only with --yes-i-am-sure.
"""

from __future__ import annotations

from earned import durations
from earned.cli.common import (
    AT_EXAMPLES,
    Command,
    now,
    parse_at,
    plain,
    say,
    short,
    unlocked,
    when,
)
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from earned.episodes import Activation

MAX_SHOWN = 500  # -n at most: a terminal list, not an export (`earned export` has it all)


def _line(a: Activation, moment_now: datetime, began_width: int = 17) -> str:
    """A moment on one line: id, start (padded to `began_width`), then what is known."""
    parts = [f"intensity {a.intensity:>2}"]
    if a.emotions:
        parts.append(", ".join(a.emotions[:3]))
    if a.tags:
        parts.append("#" + " #".join(a.tags[:3]))
    if a.person:
        parts.append(f"with {plain(a.person, 30)}")
    if a.trigger:
        parts.append(plain(a.trigger, 50))
    if a.recovery is not None:
        parts.append(f"settled after {durations.words(a.recovery.total_seconds())}")
    elif a.unmarked(moment_now):
        parts.append("not marked")
    else:
        parts.append("open")
    return f"  {short(a.id)}  {when(a.onset_at, moment_now):<{began_width}} " + " · ".join(parts)


# --- list ----------------------------------------------------------------------------------


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-n", type=int, default=20, metavar="N", help="how many to show (default 20)"
    )
    parser.add_argument(
        "--from",
        dest="since",
        metavar="DAY",
        help="from this day: 2026-03-02, yesterday, mon (the latest Monday) or any --at time",
    )
    parser.add_argument("--to", dest="until", metavar="DAY", help="up to this day, included")
    parser.add_argument("--contains", metavar="WORDS", help="words anywhere in what you wrote")
    parser.add_argument("--tag", metavar="TAG", help="only moments with this tag")
    parser.add_argument("--emotion", metavar="WORD", help="only moments with this feeling word")
    parser.add_argument("--person", metavar="NAME", help="only moments with this person")


def _day(text: str | None, moment_now: datetime, *, end: bool = False) -> datetime | None:
    """A day (2026-03-02, yesterday, mon, or the day of any time `--at` takes) as the start
    of it, or of the next; local midnight, whatever the clocks do."""
    if not text:
        return None
    from datetime import datetime, time, timedelta

    from earned import times

    day = times.day(text, now=moment_now)
    if day is None:
        day = parse_at(text, moment_now, future=True).astimezone().date()
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0)).astimezone()


def cmd_list(args: argparse.Namespace) -> int:
    from earned import episodes
    from earned.store import activations

    if not 1 <= args.n <= MAX_SHOWN:
        raise EarnedError(f"-n is a number from 1 to {MAX_SHOWN}.", exit_code=2)
    moment_now = now()
    where = episodes.check_filter(
        since=_day(args.since, moment_now),
        until=_day(args.until, moment_now, end=True),
        tag=args.tag,
        emotion=args.emotion,
        person=args.person,
        contains=args.contains,
    )
    with unlocked(args) as (_prof, store, _key), store.session() as session:
        found, more = activations.history(session=session, where=where, limit=args.n)
    if not found:
        print("No moment matches that." if where.active else "Nothing logged yet.")
        return 0
    print(f"{'Moments found' if where.active else 'Your moments'}, newest first:")
    # One width for the whole list: a date in another year carries it ('Mon 02 Mar 2025').
    width = max(len(when(a.onset_at, moment_now)) for a in found)
    for a in found:
        print(_line(a, moment_now, width))
    if more:
        print(f"  … and older ones: -n {min(MAX_SHOWN, args.n * 2)} shows more.")
    print("`earned edit ID` changes one, `earned delete ID` removes one.")
    return 0


LIST = Command(
    "list",
    "list past moments, newest first, with filters and a search",
    "List logged moments newest first: by default the last 20. Narrow them with --from and "
    "--to (days), --tag, --emotion, --person and --contains (words anywhere in what you "
    "wrote). Example: earned list --from 2026-01-01 --contains late",
    cmd_list,
    _list_options,
    reads_only=True,
)


# --- edit ----------------------------------------------------------------------------------


def _edit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the moment's id, or its first characters")
    parser.add_argument("--intensity", metavar="N", help="how strong it was, 0 to 10")
    parser.add_argument("--trigger", metavar="TEXT", help="what set it off ('' clears it)")
    parser.add_argument("--urge", metavar="TEXT", help="what you felt pulled to do")
    parser.add_argument("--did", dest="action", metavar="TEXT", help="what you did")
    parser.add_argument("--person", metavar="NAME", help="who it was with")
    parser.add_argument(
        "--emotion", action="append", metavar="WORD", help="the feeling words (replace them)"
    )
    parser.add_argument("--tag", action="append", metavar="TAG", help="the tags (replace them)")
    parser.add_argument("--at", metavar="TIME", help=f"when it began: {AT_EXAMPLES}")


def cmd_edit(args: argparse.Namespace) -> int:
    from earned.store import activations

    moment_now = now()
    onset = parse_at(args.at, moment_now) if args.at else None
    changes = {
        "trigger": args.trigger,
        "urge": args.urge,
        "action": args.action,
        "person": args.person,
        "emotions": args.emotion,
        "tags": args.tag,
    }
    if onset is None and args.intensity is None and all(v is None for v in changes.values()):
        raise EarnedError(
            "Nothing to change: give at least one of --intensity, --trigger, --urge, --did, "
            "--person, --emotion, --tag or --at.",
            exit_code=2,
        )
    with unlocked(args) as (_prof, store, _key), store.session() as session:
        found = activations.find(session=session, prefix=args.id)
        edited = activations.update_details(
            session=session,
            activation_id=found.id,
            now=moment_now,
            onset=onset,
            intensity=args.intensity,
            **changes,
        )
    print("Saved:")
    print(_line(edited, moment_now))
    return 0


EDIT = Command(
    "edit",
    "change a past moment's details",
    "Change the details of a logged moment, found by its id (the first characters are "
    "enough; `earned list` shows them). Only what you give changes; an empty text ('') "
    "clears a field. Every value is checked before anything is saved.",
    cmd_edit,
    _edit_options,
)


# --- delete --------------------------------------------------------------------------------


def _delete_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the moment's id, or its first characters")
    parser.add_argument(
        "--yes-i-am-sure", action="store_true", help="confirm: the moment cannot be brought back"
    )


def cmd_delete(args: argparse.Namespace) -> int:
    from earned.store import activations

    moment_now = now()
    with unlocked(args) as (_prof, store, _key), store.session() as session:
        found = activations.find(session=session, prefix=args.id)
        if not args.yes_i_am_sure:
            print(_line(found, moment_now))
            raise EarnedError(
                "This deletes that moment for good (its urge timers stay, unlinked). To go "
                "ahead, run it again with --yes-i-am-sure.",
                exit_code=2,
            )
        activations.delete_activation(session=session, activation_id=found.id)
    say(f"Deleted the moment {short(found.id)} from {when(found.onset_at, moment_now)}.")
    return 0


DELETE = Command(
    "delete",
    "delete one past moment",
    "Delete one logged moment, found by its id (the first characters are enough). Asks for "
    "--yes-i-am-sure; `earned delete-everything` removes the whole journal instead.",
    cmd_delete,
    _delete_options,
)

COMMANDS = (LIST, EDIT, DELETE)
