"""The roadmap from the terminal: `earned roadmap` (the steps, where you have been spending
your care lately, one small next thing) and `earned recommit` (how the recent weeks
compare with your usual, and beginning again with one chosen practice).

Both go through the full store, with the same rules and words as the pages
(earned.roadmap, earned.recommit, content/roadmap.toml).
"""

from __future__ import annotations

from earned.cli.common import Command, now, plain, say, unlocked

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def cmd_roadmap(args: argparse.Namespace) -> int:
    from earned import roadmap
    from earned.store import roadmap as gather

    moment = now()
    with unlocked(args) as (_prof, store, _key), store.session() as session:
        activity = gather.activity(session=session, now=moment)
        signals = gather.signals(
            session=session, now=moment, moments_lately=activity["notice"].lately
        )
    words = roadmap.words()
    say(words["intro"])
    print()
    width = max(len(s.label) for s in roadmap.steps())
    for step in roadmap.steps():
        done = activity[step.key]
        week = f", {done.week} this week" if done.week else ""
        print(f"  {step.label:<{width}}  {step.title}: {words['states'][done.state].lower()}{week}")
    print()
    suggestion = roadmap.suggest(signals)
    say(f"{words['suggestion_heading']}: {suggestion.title}.", strong=True)
    say(suggestion.why, "  ")
    say(f"In the app: {suggestion.href}", "  ")
    return 0


ROADMAP = Command(
    "roadmap",
    "the steps, what you practised lately, and one small next thing",
    "Show the starting point and the ten steps of the roadmap, which of them you have "
    "been working with lately (and how many records each has this week), and one small "
    "next practice chosen from your own records.",
    cmd_roadmap,
    reads_only=True,
)


# --- recommit ---------------------------------------------------------------------------------


def _recommit_options(parser: argparse.ArgumentParser) -> None:
    from earned import recommit

    parser.add_argument(
        "--practice",
        metavar="KEY",
        help="begin again with this practice: "
        + ", ".join(sorted(recommit.practices()))
        + " (without it, only show how the weeks compare)",
    )
    parser.add_argument("--noticed", metavar="TEXT", help="what was happening in these weeks")
    parser.add_argument("--note", metavar="TEXT", help="a note to yourself")
    parser.add_argument("--token", metavar="TOKEN", help="a repeat with the same token saves once")


def cmd_recommit(args: argparse.Namespace) -> int:
    from earned import recommit, safety
    from earned.cli import care
    from earned.store import recommits

    words = recommit.words()
    moment = now()
    with unlocked(args) as (_prof, store, _key):
        with store.session() as session:
            finding = recommits.finding(session=session, now=moment)
            runs = recommits.long_runs(session=session, now=moment)
        for para in words["normal"]:
            say(para)
        print()
        if not finding.enough:
            say(words["not_enough"])
        elif finding.slips:
            for slip in finding.slips:
                say(recommit.describe(slip), "  ")
        else:
            say(words["none_detected"])
        sentences = [s for run in runs if (s := run.sentence())]
        if sentences:
            print()
            say(f"{words['long_run']}:", strong=True)
            for sentence in sentences:
                say(sentence, "  ")
        print()
        if args.practice is None:
            say(words["choose_prompt"])
            for key, practice in recommit.practices().items():
                print(f"  {key:<11} {practice['label']}")
            say("Begin with one: earned recommit --practice KEY [--noticed TEXT]")
            return 0
        with store.session() as session:
            made = recommits.make(
                session=session,
                practice=args.practice,
                noticed=args.noticed,
                note=args.note,
                now=moment,
                client_token=args.token,
            )
        say(f"{words['saved']} ({plain(made.label, 60)})")
        if safety.detect_any((args.noticed, args.note)) is not None:
            care.print_for_store(store)
    return 0


RECOMMIT = Command(
    "recommit",
    "after a harder stretch: compare recent weeks with your usual, and begin again",
    "Compare the last four weeks with your own usual (how strong moments felt, how long "
    "they took to settle, how long you held an urge), with the long run beside it. With "
    "--practice, record beginning again with one small practice. Example: earned recommit "
    "--practice breathe --noticed 'a move and little sleep'",
    cmd_recommit,
    _recommit_options,
)

COMMANDS = (ROADMAP, RECOMMIT)
