"""Session prep from the terminal: `earned prep` lists the notes, `earned prep new` writes
one (ticking moments and patterns by number), `earned prep show N` prints one as plain
text to paste or print.

Through the full store (about half a second to start), with the same rules as the app's
pages (earned.session_prep): the same window of candidates, the same limits, the words of
picked records copied, the crisis lines after worrying words. Nothing is shared.
"""

from __future__ import annotations

import sys

from earned.cli.common import Command, has_terminal, now, parse_at, plain, say, unlocked, words_from
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import datetime, tzinfo

    from earned.session_prep import Candidate, Note
    from earned.store import Store

ACTIONS = ("list", "new", "show")
MAX_SHOWN = 200  # -n at most: a terminal list; `earned export` has every note


def _safe(text: str) -> str:
    """User text for a terminal: line breaks kept, other control characters made spaces."""
    return "\n".join(
        "".join(c if c.isprintable() else " " for c in line) for line in text.split("\n")
    )


def _zone(store: Store) -> tzinfo:
    """The person's zone (the one the web pages use), read from the journal's settings."""
    from earned import zones
    from earned.store import settings

    with store.session() as session:
        return zones.zone_of(settings.get_setting(session=session, key=zones.SETTING))


def _title(note: Note, zone: tzinfo) -> str:
    from earned import session_prep

    if note.session_at is not None:
        return f"For the session on {session_prep.session_words(note.session_at, zone)}"
    return f"Written {note.created_at.astimezone(zone):%a %d %b %Y}"


# --- the command -------------------------------------------------------------------------------


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=ACTIONS,
        help="list (the default): your notes, newest first; new: write one; show N: print one",
    )
    parser.add_argument(
        "number", nargs="?", metavar="N", help="for show: the note's number in `earned prep`"
    )
    parser.add_argument(
        "-n", type=int, default=20, metavar="N", help="list: how many to show (default 20)"
    )
    parser.add_argument(
        "--since-last",
        metavar="TEXT",
        help="new: what came up since last time ('-' reads it from standard input)",
    )
    parser.add_argument(
        "--bring", metavar="TEXT", help="new: what you want to bring ('-' reads it)"
    )
    parser.add_argument(
        "--pick",
        metavar="1,3",
        help="new: the numbers of the moments and patterns to bring, as listed (none: ask on "
        "a terminal, else pick nothing)",
    )
    parser.add_argument(
        "--session",
        metavar="TIME",
        help="new: when the session is, e.g. 'mon 17:00' or '2026-03-10 17:30'",
    )
    parser.add_argument(
        "--token", metavar="TOKEN", help="new: a repeat guard: the same token saves one note"
    )


def cmd_prep(args: argparse.Namespace) -> int:
    if args.action == "show":
        return _show(args)
    if args.number is not None:
        raise EarnedError(f"`earned prep {args.action}` takes no number.", exit_code=2)
    if args.action == "new":
        return _new(args)
    return _list(args)


# --- list --------------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    from earned.store import session_notes

    if not 1 <= args.n <= MAX_SHOWN:
        raise EarnedError(f"-n is a number from 1 to {MAX_SHOWN}.", exit_code=2)
    with unlocked(args) as (_prof, store, _key):
        zone = _zone(store)
        with store.session() as session:
            notes, more = session_notes.notes_page(session=session, limit=args.n)
    if not notes:
        print("No session notes yet. `earned prep new` starts one.")
        return 0
    print("Your session notes, newest first:")
    for number, note in enumerate(notes, start=1):
        bits = [_title(note, zone)]
        words = note.to_bring or note.since_last
        if words:
            bits.append(plain(words.split("\n", 1)[0], 50))
        if note.picked:
            bits.append(f"{len(note.picked)} picked")
        print(f"  {number:>3}  " + " · ".join(bits))
    if more:
        print(f"  … and older ones: -n {min(MAX_SHOWN, args.n * 2)} shows more.")
    print("`earned prep show N` prints one.")
    return 0


# --- show --------------------------------------------------------------------------------------


def note_text(note: Note, zone: tzinfo) -> str:
    """A note as plain text, to paste into an email or print: every word of it."""
    from earned import session_prep

    lines = [_title(note, zone), f"Written {note.created_at.astimezone(zone):%a %d %b %Y, %H:%M}"]
    for heading, text in (
        ("What came up since last time", note.since_last),
        ("What I want to bring", note.to_bring),
    ):
        lines += ["", heading]
        lines += (
            [f"  {line}" for line in _safe(text).split("\n")] if text else ["  (nothing written)"]
        )
    lines += ["", "What I picked to bring"]
    if not note.picked:
        lines.append("  (nothing picked)")
    for kind, name in session_prep.KINDS.items():
        items = [p for p in note.picked if p.kind == kind]
        if items:
            lines.append(f"  {name}")
            lines += [f"  - {_safe(p.text)}" for p in items]
    return "\n".join(lines)


def _show(args: argparse.Namespace) -> int:
    from earned.store import session_notes

    raw = (args.number or "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SHOWN:
        raise EarnedError(
            "Which note? Give its number in `earned prep`, e.g. `earned prep show 1` for the "
            "newest.",
            exit_code=2,
        )
    with unlocked(args) as (_prof, store, _key):
        zone = _zone(store)
        with store.session() as session:
            notes, _more = session_notes.notes_page(session=session, limit=int(raw))
    if len(notes) < int(raw):
        raise EarnedError(f"There is no note number {raw}; `earned prep` lists them.", exit_code=2)
    print(note_text(notes[int(raw) - 1], zone))
    return 0


# --- new ---------------------------------------------------------------------------------------


def _numbers(raw: str, most: int) -> list[int]:
    """'1,3' or '1 3' as the chosen numbers (each from 1 to `most`), none twice."""
    out: list[int] = []
    for part in raw.replace(",", " ").split():
        if not part.isdigit() or not 1 <= int(part) <= most:
            listed = f"from 1 to {most}" if most else "none: there is nothing to pick"
            raise EarnedError(
                f"{part!r} is not one of the numbers listed ({listed}). Nothing was saved.",
                exit_code=2,
            )
        if int(part) not in out:
            out.append(int(part))
    return out


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        return ""


def _offer(found: dict[str, list[Candidate]], since: datetime, zone: tzinfo) -> list[Candidate]:
    """The candidates, numbered on the terminal in the order a page offers them."""
    from earned import session_prep

    offered = [c for group in found.values() for c in group]
    say(f"Since {since.astimezone(zone):%a %d %b, %H:%M}, you might bring:")
    if not offered:
        print("  (no moments or recurring patterns in this stretch; a line of your own is plenty)")
    number = 0
    for kind, group in found.items():
        if not group:
            continue
        print(f"  {session_prep.KINDS.get(kind, kind)}")
        for c in group:
            number += 1
            print(f"  {number:>3}  {plain(c.text, 110)}")
    return offered


def _new(args: argparse.Namespace) -> int:
    from earned import safety, session_prep
    from earned.cli import care
    from earned.store import session_notes

    moment_now = now()
    session_at = parse_at(args.session, moment_now, future=True) if args.session else None
    since_last = words_from(args.since_last, "What came up since last time: ")
    to_bring = words_from(args.bring, "What you want to bring: ")
    with unlocked(args) as (_prof, store, _key):
        zone = _zone(store)
        with store.session() as session:
            last = session_notes.last_note_at(session=session)
            since = session_prep.window_start(last, moment_now)
            found = session_notes.candidates(
                session=session, since=since, now=moment_now, zone=zone
            )
        offered = _offer(found, since, zone)
        asking = args.pick is None and has_terminal() and sys.stdin.isatty()
        raw = args.pick or ""
        if asking and offered:
            raw = _ask("Numbers to bring (e.g. 1,3), or Enter for none: ")
        chosen = _numbers(raw, len(offered))
        picked = session_prep.pick(offered, [offered[n - 1].key for n in chosen])
        if asking and since_last is None:
            since_last = _ask("What came up since last time (Enter to skip): ")
        if asking and to_bring is None:
            to_bring = _ask("What you want to bring (Enter to skip): ")
        with store.session() as session:
            note = session_notes.add_note(
                session=session,
                now=moment_now,
                since_last=since_last,
                to_bring=to_bring,
                picked=picked,
                session_at=session_at,
                client_token=args.token,
            )
        print()
        say("Saved. `earned prep show 1` prints it again.")
        print()
        print(note_text(note, zone))
        if safety.detect_any([since_last, to_bring]) is not None:
            care.print_for_store(store)
    return 0


PREP = Command(
    "prep",
    "prepare for a therapy session: notes, and what to bring",
    "Session prep notes. `earned prep` lists them, newest first; `earned prep new` writes one: "
    "it lists your moments since the last note (or the last two weeks) and your recurring "
    "patterns, numbered, and you pick by number (--pick 1,3, or at the prompt on a "
    "terminal), with --since-last and --bring for your own words and --session for when it "
    "is. `earned prep show N` prints note N as plain text to paste or print. Nothing is "
    "shared with anyone.",
    cmd_prep,
    _options,
)

COMMANDS = (PREP,)
