"""The people ledger from the terminal: `earned people` (the ledger), `earned people add`,
`earned people rate` and `earned rupture`.

The same rules as the /people pages (earned.people), through the full store (about half a
second to start). A person is named by their name, or the first letters of it when only
one name starts so.
"""

from __future__ import annotations

from earned.cli.common import AT_EXAMPLES, Command, now, parse_at, plain, say, unlocked, when
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from earned.people import Person, Standing

USAGE = (
    "Use `earned people` to list, `earned people add NAME --role ROLE` to add someone, or "
    "`earned people rate NAME CONSISTENCY AVAILABILITY SAFETY` (each 1 to 5)."
)


def _standing(found: Standing | None) -> str:
    if found is None:
        return "not rated yet"
    there = "consistently there for you" if found.available else "not steady yet, by your ratings"
    return (
        f"{there} (consistency {found.consistency:g}, availability {found.availability:g}, "
        f"emotional safety {found.safety:g})"
    )


def _line(p: Person, found: Standing | None) -> str:
    return f"  {plain(p.name, 30):<30} {p.role_name:<13} {_standing(found)}"


# --- people ---------------------------------------------------------------------------------


def _people_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "words",
        nargs="*",
        metavar="ACTION",
        help="nothing to list; `add NAME`; or `rate NAME CONSISTENCY AVAILABILITY SAFETY`",
    )
    parser.add_argument("--role", metavar="ROLE", help="with add: partner, friend, family, "
                        "colleague, therapist or other (default: other)")  # fmt: skip
    parser.add_argument("--note", metavar="TEXT", help="with add or rate: a note")


def _list(args: argparse.Namespace) -> int:
    from earned import people as rules
    from earned.store import people

    with unlocked(args) as (_prof, store, _key), store.session() as session:
        everyone = people.list_people(session=session)
        standing = people.standings(session=session, people=everyone)
    if not everyone:
        print("No one in your ledger yet. `earned people add NAME --role ROLE` adds someone.")
        return 0
    print("Your people:")
    for p in everyone:
        print(_line(p, standing[p.id]))
    say(
        f"Consistently there for you: the median of your latest {rules.RECENT_RATINGS} ratings "
        f"of consistency and of availability are both {rules.AVAILABLE_AT} or more."
    )
    return 0


def _add(args: argparse.Namespace, name: str) -> int:
    from earned.store import people

    with unlocked(args) as (_prof, store, _key), store.session() as session:
        made = people.add_person(
            session=session, name=name, role=args.role or "other", note=args.note, now=now()
        )
    print(f"In your ledger: {plain(made.name)} ({made.role_name.lower()}).")
    return 0


def _rate(args: argparse.Namespace, name: str, scores: list[str]) -> int:
    from earned import people as rules
    from earned.store import people

    if len(scores) != len(rules.DIMENSIONS):
        raise EarnedError(
            "Give three ratings, each 1 to 5: consistency, availability, emotional safety.",
            exit_code=2,
        )
    with unlocked(args) as (_prof, store, _key), store.session() as session:
        person = people.find_person(session=session, name=name)
        people.rate_person(
            session=session,
            person_id=person.id,
            consistency=scores[0],
            availability=scores[1],
            safety=scores[2],
            note=args.note,
            now=now(),
        )
        found = rules.standing(
            people.ratings_of(session=session, person_id=person.id, limit=rules.RECENT_RATINGS)
        )
    print(f"Saved. {plain(person.name)}: {_standing(found)}.")
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    words = list(args.words)
    if not words:
        return _list(args)
    action, rest = words[0], words[1:]
    if action == "add" and len(rest) == 1:
        return _add(args, rest[0])
    if action == "rate" and rest:
        return _rate(args, rest[0], rest[1:])
    raise EarnedError(USAGE, exit_code=2)


PEOPLE = Command(
    "people",
    "the people ledger: list, add someone, rate how they show up",
    "The people in your life and how each shows up for you. With no action, lists them with "
    "their latest standing. `earned people add Sam --role partner` adds someone; "
    "`earned people rate Sam 4 3 5` rates their consistency, availability and emotional "
    "safety, each 1 (rarely) to 5 (almost every time).",
    cmd_people,
    _people_options,
)


# --- rupture --------------------------------------------------------------------------------


def _rupture_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("person", metavar="PERSON", help="who it was with (their name)")
    parser.add_argument("what", metavar="WHAT", help="what happened, in a few words")
    parser.add_argument(
        "--reached-out",
        metavar="WHO",
        help="who reached out to repair it: me, them, both or not-yet",
    )
    parser.add_argument("--repaired", action="store_true", help="it has been repaired (now)")
    parser.add_argument("--at", metavar="TIME", help=f"when it happened: {AT_EXAMPLES}")
    parser.add_argument("--outcome", metavar="TEXT", help="how the repair went")


def cmd_rupture(args: argparse.Namespace) -> int:
    from earned.store import people

    moment_now = now()
    happened = parse_at(args.at, moment_now) if args.at else None
    with unlocked(args) as (_prof, store, _key), store.session() as session:
        person = people.find_person(session=session, name=args.person)
        made = people.log_rupture(
            session=session,
            person_id=person.id,
            what=args.what,
            happened_at=happened,
            reached_out=args.reached_out,
            repaired_at=moment_now if args.repaired else None,
            outcome=args.outcome,
            now=moment_now,
        )
    state = "repaired" if made.repaired else "not repaired yet; that is fine, some take time"
    say(f"Logged a rupture with {plain(made.person_name)}, {when(made.happened_at, moment_now)}: "
        f"{state}.")  # fmt: skip
    return 0


RUPTURE = Command(
    "rupture",
    "log a rupture with someone in your ledger, and whether it is repaired",
    "Log a rupture (a fight, a cold silence, a hurt left unsaid) with someone in your "
    'ledger: earned rupture Sam "we argued about the trip" --reached-out me --repaired. '
    "Add the repair later on their page in the app.",
    cmd_rupture,
    _rupture_options,
)

COMMANDS = (PEOPLE, RUPTURE)
