"""Core beliefs from the terminal: `earned belief` lists them (latest strength, whether a
re-rating is due), `earned belief add "..." --strength N --every DAYS` writes one down with
its first rating, `earned belief rate BELIEF N [--alternative N]` re-rates one.

The same rules as the app's pages (earned.beliefs) through the full store. The evidence,
the alternative and the origin are longer writing, for the app's belief page.
"""

from __future__ import annotations

from earned.cli.common import FROM_STDIN, Command, now, plain, say, short, unlocked, words_from
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from earned.store import Store

ACTIONS = ("add", "rate")
USAGE = (
    'Use `earned belief` to list, `earned belief add "THE BELIEF" --strength N [--every DAYS]` '
    "to write one down, or `earned belief rate BELIEF N [--alternative N]` to re-rate one."
)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=ACTIONS,
        metavar="ACTION",
        help="add (write a belief down) or rate (re-rate one); nothing lists them",
    )
    parser.add_argument(
        "given",
        nargs="*",
        metavar="WORDS",
        help=f'for add: the belief in quotes ("{FROM_STDIN}" reads it from the terminal); '
        "for rate: the belief's id (its first characters are enough) and how true it feels",
    )
    parser.add_argument("--strength", metavar="N", help="for add: how true it feels now, 0 to 100")
    parser.add_argument(
        "--every",
        metavar="DAYS",
        help="for add: invite a re-rating every DAYS days (1 to 365; leave out for none)",
    )
    parser.add_argument(
        "--alternative",
        metavar="N",
        help="for rate: how true the kinder belief feels, 0 to 100 (optional)",
    )
    parser.add_argument("--note", metavar="TEXT", help="for rate: a few words beside the rating")


def _care_if_needed(store: Store, *texts: str | None) -> None:
    from earned import safety
    from earned.cli import care

    if safety.detect_any(texts) is not None:
        care.print_for_store(store)


def _list(args: argparse.Namespace, moment_now: datetime) -> int:
    from earned import beliefs
    from earned.store import beliefs as belief_store

    with unlocked(args) as (_prof, store, _key), store.session() as session:
        shown, more = belief_store.list_beliefs(session=session, now=moment_now)
    if not shown:
        print('No beliefs written yet. `earned belief add "..." --strength N` writes one down.')
        return 0
    print("Your core beliefs, most recently changed first:")
    for item in shown:
        latest = item.latest
        if latest is None:
            said = "not rated yet"
        else:
            day = latest.rated_at.astimezone().strftime("%-d %b %Y")
            said = f"{latest.strength} of 100, {beliefs.strength_words(latest.strength)} · {day}"
        if item.due:
            said += " · a re-rating is due, whenever you're ready"
        print(f"  {short(item.belief.id)}  {plain(item.belief.belief, 70)}")
        say(said, "            ")
    if more:
        print(f"  … and {beliefs.PAGE}+ more; the app's beliefs page lists them all.")
    print("`earned belief rate ID N` re-rates one.")
    return 0


def _add(args: argparse.Namespace, moment_now: datetime) -> int:
    from earned import beliefs
    from earned.store import beliefs as belief_store

    if len(args.given) != 1 or args.strength is None:
        raise EarnedError(USAGE, exit_code=2)
    text = words_from(args.given[0], "The belief: ")
    details = beliefs.check_details(belief=text, rerate_days=args.every or "")
    with unlocked(args) as (_prof, store, _key):
        with store.session() as session:
            made = belief_store.add_belief(
                session=session, details=details, strength=args.strength, now=moment_now
            )
        _care_if_needed(store, text)
    schedule = (
        f" You'll be invited to re-rate it every {made.rerate_days} days."
        if made.rerate_days
        else ""
    )
    say(f"Saved as {short(made.id)}, at {beliefs.check_strength(args.strength)} of 100.{schedule}")
    return 0


def _rate(args: argparse.Namespace, moment_now: datetime) -> int:
    from earned import beliefs
    from earned.store import beliefs as belief_store

    if len(args.given) != 2:
        raise EarnedError(USAGE, exit_code=2)
    prefix, strength = args.given
    with unlocked(args) as (_prof, store, _key):
        with store.session() as session:
            found = belief_store.find(session=session, prefix=prefix)
            belief_store.rate(
                session=session,
                belief_id=found.id,
                strength=strength,
                alternative_strength=args.alternative,
                note=args.note,
                now=moment_now,
            )
            rated = belief_store.ratings(session=session, belief_id=found.id)
        _care_if_needed(store, args.note)
    print(f"Rated: {plain(found.belief, 70)}")
    change = beliefs.change_words(beliefs.series(rated))
    say(change or "Thank you for checking in with it.", "  ")
    return 0


def cmd_belief(args: argparse.Namespace) -> int:
    moment_now = now()
    if args.action is None:
        if args.given or args.strength or args.every or args.alternative or args.note:
            raise EarnedError(USAGE, exit_code=2)
        return _list(args, moment_now)
    if args.action == "add":
        if args.alternative is not None or args.note is not None:
            raise EarnedError(USAGE, exit_code=2)
        return _add(args, moment_now)
    if args.strength is not None or args.every is not None:
        raise EarnedError(USAGE, exit_code=2)
    return _rate(args, moment_now)


BELIEF = Command(
    "belief",
    "list, write down and re-rate core beliefs",
    "Core beliefs and how true they feel (0 to 100), re-rated over weeks. With no ACTION, "
    "list them with their latest rating and whether a re-rating is due. "
    'Examples: earned belief add "I am too much for people." --strength 80 --every 14; '
    "earned belief rate 3f2a9c1e 65 --alternative 40. The evidence for and against, the "
    "kinder belief and where it may have come from are on the app's belief page.",
    cmd_belief,
    _options,
)

COMMANDS = (BELIEF,)
