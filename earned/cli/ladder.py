"""`earned ladder`: the exposure ladder from the terminal, through the full store.

    earned ladder                           the rungs, easiest first, with their evidence
                                            and where to go next
    earned ladder add "step" --difficulty N a rung of your own
    earned ladder try RUNG --predicted 60 --actual 30 --went-well
                                            a try, both halves in one line
    earned ladder try RUNG --predicted 60   only the guess, now ...
    earned ladder done RUNG --actual 30 --went-well
                                            ... and how it went, later
    earned ladder try RUNG --timer ID --actual 20
                                            count a finished urge timer on its rung

RUNG is the rung's number in the list or the start of its id. The rules (limits, the
order, evidence, the suggestion, which timer matches which rung) are earned.ladder's.
"""

from __future__ import annotations

from earned.cli.common import Command, now, plain, say, short, unlocked, when
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from earned.ladder import Attempt, Rung
    from earned.store import Store

RUNG_HELP = "the rung: its number in `earned ladder`, or the first characters of its id"


def _went_well_options(parser: argparse.ArgumentParser) -> None:
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--went-well",
        dest="went_well",
        action="store_const",
        const=True,
        help="it went reasonably well (not perfect; just not what the fear predicted)",
    )
    how.add_argument(
        "--harder",
        dest="went_well",
        action="store_const",
        const=False,
        help="it was harder than that this time (kept as data; evidence only grows)",
    )


def _options(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(
        dest="action",
        metavar="ACTION",
        title="actions",
        help="add, try or done; none lists the ladder",
    )
    add = actions.add_parser(
        "add", help="add a rung of your own", description="Add a rung of your own to the ladder."
    )
    add.add_argument("title", metavar="STEP", help="the step, in a few concrete words")
    add.add_argument(
        "--difficulty",
        required=True,
        metavar="N",
        help="how hard you expect it to be, 0 (easy) to 100 (the hardest you can imagine)",
    )
    add.add_argument(
        "--urge",
        metavar="TEXT",
        help="the urge it asks you to wait out, in your urge timer's words (optional)",
    )
    tried = actions.add_parser(
        "try",
        help="note a try: the guess, and how it went if it is done",
        description="Note a try of a rung. With --actual and --went-well or --harder, both "
        "halves are saved at once; with --predicted alone, only the guess, and `earned "
        "ladder done` notes how it went later. With --timer, a finished urge timer is "
        "counted as a try of this rung.",
    )
    tried.add_argument("rung", metavar="RUNG", help=RUNG_HELP)
    tried.add_argument(
        "--predicted", metavar="N", help="how hard you expect it to be, 0 to 100, before"
    )
    tried.add_argument("--actual", metavar="N", help="how hard it was, really, 0 to 100")
    _went_well_options(tried)
    tried.add_argument("--fear", metavar="TEXT", help="what you fear might happen (optional)")
    tried.add_argument("--happened", metavar="TEXT", help="what happened (optional)")
    tried.add_argument("--with", dest="person", metavar="NAME", help="with whom (optional)")
    tried.add_argument(
        "--timer", metavar="ID", help="count this finished urge timer as the try (its id)"
    )
    tried.add_argument(
        "--token",
        metavar="TOKEN",
        help="a repeat guard: the same token again saves nothing new (for scripts)",
    )
    done = actions.add_parser(
        "done",
        help="note how a planned try went",
        description="Note how the latest planned try of a rung went.",
    )
    done.add_argument("rung", metavar="RUNG", help=RUNG_HELP)
    done.add_argument(
        "--actual", required=True, metavar="N", help="how hard it was, really, 0 to 100"
    )
    _went_well_options(done)
    done.add_argument("--happened", metavar="TEXT", help="what happened (optional)")


# --- showing the ladder --------------------------------------------------------------------


def _list(store: Store) -> int:
    from earned import ladder as rules
    from earned.store import ladder

    with store.session() as s:
        view = ladder.ladder(session=s)
        waiting = {r.id: ladder.latest_open(session=s, rung_id=r.id) for r in view.rungs}
        timers = {r.id: len(ladder.matching_timers(session=s, rung_id=r.id)) for r in view.rungs}
    if not view.rungs:
        say(rules.words()["cli_empty"])
        print('Add one with: earned ladder add "ask for a lift" --difficulty 30')
        return 0
    print("Your ladder, easiest first:")
    width = len(str(len(view.rungs)))
    for n, r in enumerate(view.rungs, start=1):
        said = rules.evidence_words(view.evidence.get(r.id, 0), view.tries.get(r.id, 0))
        mark = "  ← next" if view.climb.next is not None and view.climb.next.id == r.id else ""
        print(f"  {n:>{width}}  {short(r.id)}  {r.difficulty:>3}  {plain(r.title, 60)}{mark}")
        print(f"  {'':>{width}}  {'':8}       {said}")
    print()
    say(rules.climb_words(view.climb))
    for n, r in enumerate(view.rungs, start=1):
        if waiting[r.id] is not None:
            print(f"Rung {n} has a try planned: earned ladder done {n} --actual N --went-well")
        if timers[r.id]:
            count = timers[r.id]
            timer_words = "urge timer matches" if count == 1 else "urge timers match"
            print(
                f"{count} finished {timer_words} rung {n}: earned ladder try {n} --timer ID "
                "--actual N (the web page lists them)"
            )
    pick = next((n for n, r in enumerate(view.rungs, start=1) if r == view.climb.next), 1)
    print(f"Note a try: earned ladder try {pick} --predicted 60 --actual 30 --went-well")
    return 0


def _said(attempt: Attempt, rung: Rung, moment_now: object) -> str:
    from datetime import datetime

    from earned.ladder import DISTRESS_MAX

    assert isinstance(moment_now, datetime)
    if attempt.done_at is None:
        return (
            f"Planned a try of “{plain(rung.title, 60)}” {when(attempt.planned_at, moment_now)}, "
            f"expecting {attempt.predicted} out of {DISTRESS_MAX}."
        )
    how = "it went reasonably well" if attempt.went_well else "it was harder than hoped"
    return (
        f"Noted a try of “{plain(rung.title, 60)}”: expected {attempt.predicted}, was "
        f"{attempt.actual}; {how}."
    )


def _care(store: Store, *texts: str | None) -> None:
    from earned import safety
    from earned.cli import care

    if safety.detect_any(texts) is not None:
        care.print_for_store(store)


# --- the commands ----------------------------------------------------------------------------


def _add(args: argparse.Namespace, store: Store) -> int:
    from earned.store import ladder

    with store.session() as s:
        made = ladder.add_rung(
            session=s, title=args.title, difficulty=args.difficulty, urge=args.urge, now=now()
        )
        listed = ladder.rungs(session=s)
    number = next(n for n, r in enumerate(listed, start=1) if r.id == made.id)
    print(f"Rung {number} ({short(made.id)}): {plain(made.title, 70)}, expected {made.difficulty}.")
    print(f"Before you try it: earned ladder try {number} --predicted N")
    _care(store, args.title, args.urge)
    return 0


def _try(args: argparse.Namespace, store: Store) -> int:
    from earned import ladder as rules
    from earned.store import ladder

    moment_now = now()
    if args.timer is not None:
        return _count_timer(args, store)
    if args.predicted is None:
        raise EarnedError(
            "How hard do you expect it to be? Give --predicted N (0 to 100).", exit_code=2
        )
    both = args.actual is not None or args.went_well is not None or args.happened is not None
    after = None
    if both:
        if args.actual is None or args.went_well is None:
            raise EarnedError(
                "To note how it went, give both --actual N and --went-well or --harder; "
                "with --predicted alone the guess is saved for now.",
                exit_code=2,
            )
        after = rules.check_after(args.actual, args.happened, args.went_well)
    with store.session() as s:
        rung = ladder.find_rung(session=s, ref=args.rung)
        made = ladder.try_attempt(
            session=s,
            rung_id=rung.id,
            predicted=args.predicted,
            feared=args.fear,
            person_name=args.person,
            after=after,
            now=moment_now,
            client_token=args.token,
        )
        have = ladder.evidence(session=s).get(rung.id, 0)
    say(_said(made, rung, moment_now))
    if made.done_at is None:
        print(f"Afterwards: earned ladder done {args.rung} --actual N --went-well (or --harder)")
    else:
        print(rules.evidence_words(have, 1) + ".")
    _care(store, args.fear, args.happened, args.person)
    return 0


def _count_timer(args: argparse.Namespace, store: Store) -> int:
    from earned import ladder as rules
    from earned.store import ladder
    from earned.store.quick import check_prefix
    from earned.store.urge_timers import list_urges

    if args.actual is None:
        raise EarnedError("How hard was it, really? Give --actual N (0 to 100).", exit_code=2)
    prefix = check_prefix(args.timer)
    moment_now = now()
    with store.session() as s:
        rung = ladder.find_rung(session=s, ref=args.rung)
        found = [u for u in list_urges(session=s, finished_only=True) if u.id.startswith(prefix)]
        if len(found) != 1:
            raise EarnedError(
                f"No single finished urge timer has an id starting with {prefix}; the rung's "
                "page in the app lists the ones that match."
            )
        made = ladder.count_timer(
            session=s,
            rung_id=rung.id,
            urge_delay_id=found[0].id,
            predicted=rung.difficulty if args.predicted is None else args.predicted,
            actual=args.actual,
            went_well=args.went_well,
            now=moment_now,
            client_token=args.token,
        )
        have = ladder.evidence(session=s).get(rung.id, 0)
    say(_said(made, rung, moment_now))
    print(rules.evidence_words(have, 1) + ".")
    return 0


def _done(args: argparse.Namespace, store: Store) -> int:
    from earned import ladder as rules
    from earned.store import ladder

    if args.went_well is None:
        raise EarnedError("Did it go reasonably well? Add --went-well or --harder.", exit_code=2)
    moment_now = now()
    with store.session() as s:
        rung = ladder.find_rung(session=s, ref=args.rung)
        waiting = ladder.latest_open(session=s, rung_id=rung.id)
        if waiting is None:
            raise EarnedError(
                f"Rung {args.rung} has no planned try waiting. To note one in a single line: "
                f"earned ladder try {args.rung} --predicted N --actual N --went-well"
            )
        made = ladder.record_after(
            session=s,
            attempt_id=waiting.id,
            actual=args.actual,
            happened=args.happened,
            went_well=args.went_well,
            now=moment_now,
        )
        have = ladder.evidence(session=s).get(rung.id, 0)
    say(_said(made, rung, moment_now))
    print(rules.evidence_words(have, 1) + ".")
    _care(store, args.happened)
    return 0


def cmd_ladder(args: argparse.Namespace) -> int:
    handlers = {None: None, "add": _add, "try": _try, "done": _done}
    handler = handlers[args.action]
    with unlocked(args) as (_prof, store, _key):
        if handler is None:
            return _list(store)
        return handler(args, store)


LADDER = Command(
    "ladder",
    "your exposure ladder: small steps, a guess before and a note after",
    "Without an action, list your rungs easiest first with how often each went reasonably "
    "well, and where to go next. Actions: add (a rung of your own), try (a try in one "
    "line, or only the guess), done (how a planned try went). Example: earned ladder try 1 "
    "--predicted 60 --actual 30 --went-well",
    cmd_ladder,
    _options,
)

COMMANDS = (LADDER,)
