"""The inner practices from the terminal (roadmap steps 6 and 9): `earned parts` (the
parts map: list, add) and `earned practise` (log a secure-figure visualisation or a
self-compassion break done away from the screen).

Full store (about half a second to start), the same rules as the pages: earned.parts for
a part, earned.regulation for a practice's length and note. A note or a part's words that
suggest danger bring the crisis lines on stderr, as the pages bring the care panel.
"""

from __future__ import annotations

from earned.cli.common import Command, now, plain, say, unlocked, when
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from earned.store import Store

PRACTISE_KINDS = ("secure-figure", "compassion-break")


def _care_if_needed(store: Store, *texts: str | None) -> None:
    from earned import safety
    from earned.cli import care

    if safety.detect_any(texts) is not None:
        care.print_for_store(store)


# --- parts -------------------------------------------------------------------------------------


def _parts_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", nargs="?", choices=("list", "add"), default="list",
        help="list the parts on your map (the default), or add one",
    )  # fmt: skip
    parser.add_argument("name", nargs="?", metavar="NAME", help="the new part's name (for add)")
    parser.add_argument("--protects", metavar="TEXT", help="what the part protects")
    parser.add_argument("--fears", metavar="TEXT", help="what the part fears")
    parser.add_argument("--needs", metavar="TEXT", help="what the part needs")
    parser.add_argument("--relations", metavar="TEXT", help="how it gets on with your other parts")
    parser.add_argument("--all", action="store_true", help="list the parts put away too (for list)")


def _list_parts(args: argparse.Namespace) -> int:
    from earned import parts as rules
    from earned.store import parts

    with unlocked(args) as (_prof, store, _key), store.session() as session:
        shown = parts.list_parts(session=session)
        away = parts.list_parts(session=session, archived=True) if args.all else []
        counts = parts.loudest_counts(session=session)
    if not shown and not away:
        print("No parts on your map yet. `earned parts add NAME` adds one.")
        return 0
    print("Your parts map:")
    for part in [*shown, *away]:
        state = " (put away)" if part.archived else ""
        loudest = counts.get(part.id, 0)
        times = (
            f" · the loudest in {loudest} moment{'' if loudest == 1 else 's'}" if loudest else ""
        )
        say(f"{plain(part.name, 60)}{state}{times}", "  ", strong=True)
        for key, what in rules.FIELDS.items():
            value = getattr(part, key)
            if value:
                say(f"{what[0].upper()}{what[1:]}: {plain(value, 300)}", "    ")
    return 0


def _add_part(args: argparse.Namespace) -> int:
    from earned.store import parts

    if not args.name:
        raise EarnedError(
            'Give the part a name: earned parts add "the watcher" --fears "being left"',
            exit_code=2,
        )
    fields = {"protects": args.protects, "fears": args.fears, "needs": args.needs}
    fields["relations"] = args.relations
    with unlocked(args) as (_prof, store, _key):
        with store.session() as session:
            made = parts.add_part(session=session, name=args.name, now=now(), **fields)
        say(f"Added “{plain(made.name, 60)}” to your parts map.")
        _care_if_needed(store, args.name, *fields.values())
    return 0


def cmd_parts(args: argparse.Namespace) -> int:
    if args.action == "add":
        return _add_part(args)
    if args.name:
        raise EarnedError("To add a part: earned parts add NAME", exit_code=2)
    return _list_parts(args)


PARTS = Command(
    "parts",
    "your parts map: list the parts, or add one",
    "The parts map (roadmap step 6): the parts of you that take turns at the wheel, each "
    "with what it protects, fears and needs. `earned parts` lists them; `earned parts add "
    "NAME --protects ... --fears ... --needs ...` adds one. Edit them, put them away and "
    "note the loudest part of a moment in the web app (`earned serve`, then /parts).",
    cmd_parts,
    _parts_options,
)


# --- practise ----------------------------------------------------------------------------------


def _practise_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind", choices=PRACTISE_KINDS,
        help="secure-figure (a visualisation of your inner secure figure) or compassion-break",
    )  # fmt: skip
    parser.add_argument(
        "--minutes", type=int, metavar="N",
        help="how long it took (default: 10 for secure-figure, 5 for compassion-break)",
    )  # fmt: skip
    parser.add_argument("--note", metavar="TEXT", help="a note to keep with it (optional)")


def cmd_practise(args: argparse.Namespace) -> int:
    from earned import compassion_break, regulation, secure_figure
    from earned.store import practices

    default = {
        regulation.SECURE_FIGURE: secure_figure.DEFAULT_MINUTES,
        regulation.COMPASSION_BREAK: compassion_break.DEFAULT_MINUTES,
    }[args.kind]
    minutes = default if args.minutes is None else args.minutes
    moment = now()
    with unlocked(args) as (_prof, store, _key):
        with store.session() as session:
            practices.log_practice(
                session=session, kind=args.kind, seconds=minutes * 60, now=moment, note=args.note
            )
        label = regulation.PRACTICE_KINDS[args.kind]
        length = f"{minutes} minute{'' if minutes == 1 else 's'}"
        say(f"Logged: {label}, {length}, {when(moment, moment)}. Thank you for taking that time.")
        _care_if_needed(store, args.note)
    return 0


PRACTISE = Command(
    "practise",
    "log a secure-figure visualisation or a self-compassion break",
    "Log an inner practice done away from the screen: `earned practise secure-figure` (a "
    "visualisation of your inner secure figure) or `earned practise compassion-break`, "
    "with --minutes N and an optional --note. The guided versions, with their words and a "
    "way to stop and ground at any step, are in the web app: /practise/secure-figure and "
    "/practise/compassion-break.",
    cmd_practise,
    _practise_options,
)

COMMANDS = (PARTS, PRACTISE)
