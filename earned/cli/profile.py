"""The journal itself and its key: `earned init`, `unlock`, `lock`, `passphrase` and
`demo` (a separate profile filled with invented data)."""

from __future__ import annotations

import os
from pathlib import Path

from earned import passphrases
from earned.cli.common import (
    PASSPHRASE_ENV,
    Command,
    checked_passphrase,
    chosen,
    existing,
    new_passphrase,
    now,
    say,
    with_passphrase,
)
from earned.errors import EarnedError
from earned.paths import profile

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

DEMO_PROFILE = "demo"
DEMO_PASSPHRASE = "demo-passphrase"  # noqa: S105 - public on purpose: invented data only
DEMO_SEED = 1
DEMO_MONTHS = 18


# --- init ----------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from earned.store import personal

    prof = chosen(args)
    prof.check_key_file()
    if prof.exists or prof.database.exists():
        raise EarnedError(
            f"A journal already exists in {prof.folder}; nothing was changed. "
            "Use another --profile for a second journal."
        )
    new = new_passphrase(args.passphrase_file, os.environ.get(PASSPHRASE_ENV))
    store, _ = personal.set_up(prof, new)
    store.close()
    print(f"Your journal is ready in {prof.folder}")
    print(f"Passphrase strength: {passphrases.strength_hint(new)}.")
    say(
        "Please keep your passphrase somewhere safe. It cannot be recovered: without it "
        "nobody, not even you, can open this journal again."
    )
    print("Next: `earned assess` for the starting-point questionnaire, or `earned serve`.")
    return 0


INIT = Command(
    "init",
    "create a new encrypted journal",
    "Create a new journal protected by a passphrase you choose. The passphrase cannot be "
    "recovered, so keep it somewhere safe.",
    cmd_init,
)


# --- unlock and lock -----------------------------------------------------------------------


def _unlock_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--minutes",
        type=float,
        default=15.0,
        metavar="N",
        help="how long to stay unlocked (default: %(default)g; at most 720)",
    )


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
    prof = existing(args)
    agent.prepare()  # a folder that is not private fails here, before the passphrase
    # personal.unlock also brings the journal up to date
    store, data_key = with_passphrase(args, lambda given: personal.unlock(prof, given))
    store.close()
    _pid, expires = agent.start(prof, data_key, minutes * 60)
    until = datetime.fromtimestamp(expires).astimezone()
    length = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
    print(f"Unlocked for {length}, until {until:%H:%M}.")
    say(
        "Until then `earned log`, `settle`, `peak`, `open` and `wait` work without your "
        "passphrase. Other programs running as you on this computer could read your journal "
        "meanwhile; `earned lock` locks it again now."
    )
    return 0


UNLOCK = Command(
    "unlock",
    "keep the journal unlocked for a while, for the quick commands",
    "Ask for the passphrase once and keep the journal's key in a small background "
    "process for a limited time, so `earned log`, `settle`, `peak`, `open` and `wait` "
    "do not ask again. Only your user can ask it for the key; `earned lock` ends it "
    "early. See docs/privacy-and-threat-model.md for the trade-off.",
    cmd_unlock,
    _unlock_options,
    reads_only=True,
)


def cmd_lock(args: argparse.Namespace) -> int:
    from earned import agent

    prof = chosen(args)
    if agent.stop(prof):
        print("Locked. The key is gone from memory; quick commands will ask again.")
    else:
        print("It was not unlocked, so there was nothing to lock.")
    return 0


LOCK = Command(
    "lock",
    "lock the journal again now (ends `earned unlock`)",
    "Tell the background process started by `earned unlock` to forget the key and exit. "
    "Quick commands ask for the passphrase again afterwards.",
    cmd_lock,
)


# --- passphrase ----------------------------------------------------------------------------


def _passphrase_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar="PATH",
        help="read the new passphrase from the first line of PATH instead of asking",
    )


def cmd_passphrase(args: argparse.Namespace) -> int:
    from earned.store import personal

    prof = existing(args)
    old = checked_passphrase(args, prof, "Current passphrase: ")  # before asking a new one
    new = new_passphrase(args.new_passphrase_file, None)
    if new == old:
        raise EarnedError("The new passphrase is the same as the current one; nothing changed.")
    personal.change_passphrase(prof, old, new)
    print("Your passphrase is changed; the old one no longer opens this journal.")
    print(f"Strength of the new passphrase: {passphrases.strength_hint(new)}.")
    say("Backups made before now still open with the old passphrase.")
    return 0


PASSPHRASE = Command(
    "passphrase",
    "change your passphrase",
    "Change the passphrase that unlocks this journal: asks for the current one, then the "
    "new one twice. Only the small key file is rewritten.",
    cmd_passphrase,
    _passphrase_options,
)


# --- demo ----------------------------------------------------------------------------------


def _demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="replace an existing demo profile")


def cmd_demo(args: argparse.Namespace) -> int:
    import shutil

    from earned.cli.progress import Bar

    prof = profile(DEMO_PROFILE)  # always the demo profile, whatever --profile says
    if prof.folder.exists():
        if not args.force:
            raise EarnedError(
                f"A demo journal already exists in {prof.folder}; it was left as it is. "
                "Open it with `earned --profile demo serve`, or replace it with "
                "`earned demo --force`."
            )
        shutil.rmtree(prof.folder)
    with Bar("Making the demo", 3) as bar:
        bar.step(f"inventing {DEMO_MONTHS} months")
        data = _demo_data()
        bar.step("setting up the journal")
        # Imported here, inside the step: the full store takes about half a second to load.
        from earned.reports import export
        from earned.store import personal

        try:
            store, _ = personal.set_up(prof, DEMO_PASSPHRASE)
            try:
                bar.step("saving the records")
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


def _demo_data() -> dict[str, Any]:
    """The invented journal, starting far enough back that its story ends today."""
    from datetime import timedelta

    from earned import demo

    start = now() - timedelta(days=int(DEMO_MONTHS * demo.DAYS_PER_MONTH) + 1)
    return demo.generate(DEMO_SEED, start, DEMO_MONTHS)


DEMO = Command(
    "demo",
    "create a demo journal with invented data",
    f"Fill a separate profile named '{DEMO_PROFILE}' with {DEMO_MONTHS} months of invented "
    f"questionnaires and journal entries, to explore the app. Its passphrase is "
    f"'{DEMO_PASSPHRASE}'. Your own journal is not touched (--profile is ignored).",
    cmd_demo,
    _demo_options,
)

COMMANDS = (INIT, UNLOCK, LOCK, PASSPHRASE, DEMO)
