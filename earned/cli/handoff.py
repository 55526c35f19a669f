"""`earned handoff`: the therapist hand-off PDF from the terminal, the same document as
POST /handoff (earned/reports/handoff.py), through the full store.

Every section by default; --sections picks some. From the terminal there is no list to
untick, so the moments' own words stay out unless --written asks for them, and every
other kept piece of writing is included: the web page is the place to leave single
items out. The file is written readable by its owner only, and never over another file.
"""

from __future__ import annotations

import os

from earned.cli.common import Command, now, say, unlocked
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from datetime import tzinfo

    from earned.store import Store


def _zone(store: Store) -> tzinfo:
    from earned import zones
    from earned.store import settings

    with store.session() as session:
        return zones.zone_of(settings.get_setting(session=session, key=zones.SETTING))


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (default: 4 weeks ago)"
    )
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day (default: today)")
    parser.add_argument(
        "--sections",
        metavar="A,B",
        help="which sections, comma-separated: results, moments, practices, ladder, beliefs, "
        "prep, note (default: all)",
    )
    parser.add_argument("--initials", action="store_true", help="show names as initials")
    parser.add_argument(
        "--written", action="store_true", help="include what you wrote about moments"
    )
    parser.add_argument("--note", metavar="TEXT", help="anything else, for the note section")
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="where to write the PDF (default: a dated name, here)",
    )


def cmd_handoff(args: argparse.Namespace) -> int:
    from pathlib import Path

    from earned import handoff as rules
    from earned import safety
    from earned.cli import care
    from earned.reports import handoff as report
    from earned.store import handoff as gathering

    moment = now()
    sections: tuple[str, ...] = rules.SECTIONS
    if args.sections is not None:
        sections = rules.check_sections(s.strip() for s in args.sections.split(",") if s.strip())
    note = rules.check_note(args.note)
    with unlocked(args) as (_prof, store, _key):
        zone = _zone(store)
        today = moment.astimezone(zone).date()
        first, last = rules.default_period(today)
        start, end = rules.check_period(
            args.start or first.isoformat(), args.end or last.isoformat(), today
        )
        out = Path(args.output) if args.output else Path(report.filename(start, end))
        if out.exists():
            raise EarnedError(f"{out} is already there; choose another --output.")
        choice = rules.Choice(
            start=start,
            end=end,
            sections=sections,
            initials=args.initials,
            written=args.written,
            note=note,
        )
        with store.session() as session:
            g = gathering.gather(session=session, start=start, end=end, zone=zone)
        body = report.make(g, choice, today=today)
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise EarnedError(f"Could not write {out}: {error.strerror}.") from None
        with os.fdopen(fd, "wb") as file:
            file.write(body)
        say(f"Wrote {out} ({report.period_words(start, end)}). {rules.words()['unencrypted']}")
        if safety.detect_any((note,)) is not None:
            care.print_for_store(store)
    return 0


HANDOFF = Command(
    "handoff",
    "a PDF summary of chosen dates to bring to your therapist",
    "Make a PDF of the dates you choose: questionnaire results with reliable change, a "
    "summary of moments, practices, the ladder, core beliefs, session-prep notes and a note "
    "of your own. Not a diagnosis. Example: earned handoff --from 2026-03-01 --to 2026-03-28 "
    "--sections results,moments --initials --output summary.pdf",
    cmd_handoff,
    _options,
    reads_only=True,
)

COMMANDS = (HANDOFF,)
