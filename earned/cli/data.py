"""Your data out and in: `earned export`, `import`, `backup` and `delete-everything`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from earned.cli.common import (
    Command,
    checked_passphrase,
    chosen,
    passphrase,
    say,
    typed_at_prompt,
    unlocked,
)
from earned.cli.progress import Bar
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from earned.paths import Profile
    from earned.store.backups import Listed


def _write_private(path: Path, payload: bytes) -> None:
    """Write an export readable by this user only: exports are not encrypted."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
    except OSError as exc:
        raise EarnedError(f"Cannot write {path}: {exc.strerror}. Nothing was written.") from None


# --- export --------------------------------------------------------------------------------


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("json", "csv", "md", "fhir"),
        default="json",
        help="json (default, re-importable), csv (a zip of tables), md (readable) or fhir "
        "(completed questionnaires as a FHIR R4 Bundle, for a clinician's system)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="write to PATH instead of standard output (csv defaults to "
        "earned-export.zip in the current folder)",
    )


def cmd_export(args: argparse.Namespace) -> int:
    from earned.reports import export, files

    output: Path | None = args.output
    if args.format == "csv" and output is None:
        output = Path.cwd() / "earned-export.zip"
        if output.exists():
            raise EarnedError(
                f"{output} already exists, so nothing was written. "
                "Choose where the zip goes with --output PATH."
            )
    with Bar("Exporting", 3) as bar:
        with unlocked(args, bar) as (_, store, _key), store.session() as session:
            bar.step("reading the journal")
            data = export.snapshot(session=session)
        bar.step(f"writing {args.format.upper()}")
        payload = files.export_file(data, args.format).body  # the same bytes the web serves
    if output is None:
        sys.stdout.write(payload.decode("utf-8"))
        sys.stdout.flush()
        return 0
    _write_private(output, payload)
    print(f"Wrote {output}")
    print("This file is not encrypted; keep it somewhere private.")
    return 0


EXPORT = Command(
    "export",
    "export everything as JSON, CSV or Markdown, or questionnaires as FHIR",
    "Export all your questionnaires and journal entries. JSON can be imported again; CSV "
    "is a zip of tables; Markdown is for reading; FHIR holds only your completed "
    "questionnaires and their scores, for a clinician's system. The export is not encrypted.",
    cmd_export,
    _export_options,
    reads_only=True,
)


# --- import --------------------------------------------------------------------------------


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="PATH", help="the JSON export file to import")


def cmd_import(args: argparse.Namespace) -> int:
    from earned.reports import export, summary

    path: Path = args.path
    try:
        if path.stat().st_size > export.MAX_IMPORT_BYTES:
            raise EarnedError("That file is larger than any earned export could be; not imported.")
        raw = path.read_bytes()
    except OSError as exc:
        raise EarnedError(f"Cannot read {path}: {exc.strerror}. Nothing was imported.") from None
    with Bar("Importing", 3) as bar:
        bar.step("checking the file")
        # Checked before asking for the passphrase, so a wrong file fails at once.
        data = export.parse_json(raw)
        with unlocked(args, bar) as (_, store, _key), store.session() as session:
            bar.step("adding the records")
            counts = export.restore(session=session, data=data)
    print(summary.import_summary(counts))
    return 0


IMPORT = Command(
    "import",
    "import a JSON export into this journal",
    "Add the records of a JSON export made by `earned export`. Records already present "
    "are skipped; if the file is damaged or conflicts with your journal, nothing is "
    "imported.",
    cmd_import,
    _import_options,
)


# --- backup --------------------------------------------------------------------------------


def _backup_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="folder for the backup (default: the backups folder in earned's data folder)",
    )


def cmd_backup(args: argparse.Namespace) -> int:
    from earned.store import backups

    with Bar("Backing up", 2) as bar, unlocked(args, bar) as (prof, _store, data_key):
        bar.step("writing the backup")
        target = backups.write(prof, data_key, args.dest or backups.folder(prof))
    print(f"Backup written: {target}")
    say(
        "It is still encrypted and opens with the passphrase you have now. Keep a copy "
        "somewhere other than this computer."
    )
    return 0


BACKUP = Command(
    "backup",
    "write an encrypted backup of the journal",
    "Write a consistent copy of the journal and its key file as one .tar file. The backup "
    "stays encrypted and opens with your current passphrase.",
    cmd_backup,
    _backup_options,
)


# --- delete-everything ---------------------------------------------------------------------


def _delete_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--yes-i-am-sure",
        action="store_true",
        help="confirm that you want everything in this profile deleted for good",
    )


def cmd_delete_everything(args: argparse.Namespace) -> int:
    from earned.store import backups, deletion

    prof = chosen(args)
    if not args.yes_i_am_sure:
        raise EarnedError(
            f"This permanently deletes every entry and result in the profile '{prof.name}'. "
            "To go ahead, run it again with --yes-i-am-sure.",
            exit_code=2,
        )
    # The same steps as the web's Settings: passphrase, key agent stopped, folder removed.
    # At a prompt the passphrase is checked here first, so a mistyped one can be typed
    # again (delete_profile checks it once more: one more key derivation).
    asked = (lambda: checked_passphrase(args, prof)) if typed_at_prompt(args) else None
    deletion.delete_profile(prof, passphrase=asked or (lambda: passphrase(args)))
    print(f"Deleted the profile '{prof.name}' and everything in it ({prof.folder}).")
    kept = [b for b in backups.listed(prof) if not b.automatic]
    if kept:
        which = "The backup" if len(kept) == 1 else f"The {len(kept)} backups"
        print(
            f"{which} you made with `earned backup` in {backups.folder(prof)} "
            f"{'is' if len(kept) == 1 else 'are'} yours and not touched."
        )
    return 0


DELETE_EVERYTHING = Command(
    "delete-everything",
    "permanently delete this profile's journal",
    "Permanently delete the chosen profile's folder: journal, key file and settings. "
    "Asks for the passphrase first. Automatic backups go too; backups you made with "
    "`earned backup` are kept separately and are not touched. "
    "You can also delete the folder by hand at any time.",
    cmd_delete_everything,
    _delete_options,
)


def _restore_options(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "backup", type=Path, metavar="BACKUP", nargs="?", help="a .tar `earned backup` wrote"
    )
    which.add_argument(
        "--latest", action="store_true", help="the newest backup of this profile in the data folder"
    )


def cmd_restore(args: argparse.Namespace) -> int:
    from contextlib import suppress

    from earned import agent
    from earned.store import backups

    prof = chosen(args)
    found = backups.listed(prof)
    backup: Path | None = args.backup
    if backup is None and not args.latest:
        return _list_backups(prof, found)
    if backup is None:
        if not found:
            raise EarnedError(
                f"There are no backups of '{prof.name}' in {backups.folder(prof)}. If you keep "
                "one elsewhere, give its path: earned restore PATH",
                exit_code=2,
            )
        backup = found[0].path
    # The backup's own passphrase: the one the journal had when the backup was made.
    kept = backups.restore(prof, backup, passphrase(args, "Passphrase of the backup: "))
    with suppress(EarnedError):
        agent.stop(prof)  # an unlocked key for the journal that was there has no use now
    print(f"Restored {backup} into {prof.folder}; it opens and every page checks out.")
    if kept is not None:
        say(
            f"The journal that was there is kept in {kept}. Remove that folder once you are "
            "sure you do not need it."
        )
    say("It opens with the passphrase the backup was made with.")
    return 0


def _list_backups(prof: Profile, found: list[Listed]) -> int:
    from earned.store import backups

    if not found:
        print(f"There are no backups of '{prof.name}' in {backups.folder(prof)} yet.")
        say("earned makes one on its own the first time you unlock each day.")
        return 0
    print(f"Backups of '{prof.name}', newest first:")
    for b in found:
        print(
            f"  {b.made:%Y-%m-%d %H:%M} UTC  {backups.size_words(b.size):>8}  {b.origin}  {b.path}"
        )
    say("To put one back: earned restore PATH (or --latest for the newest).")
    return 0


RESTORE = Command(
    "restore",
    "put a backup back in place of the journal",
    "Check a backup made by `earned backup` (its passphrase, every page of the journal) and "
    "only then put it in place. The journal that was there is kept beside it, not deleted.",
    cmd_restore,
    _restore_options,
)

COMMANDS = (EXPORT, IMPORT, BACKUP, RESTORE, DELETE_EVERYTHING)
