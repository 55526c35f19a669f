"""`earned server new-key | rotate-key` (actions of earned/cli/server.py): the server key
ring that seals journal words in server mode (earned/store/fields.py, store/reseal.py).

    earned server new-key --key-file PATH
    earned server rotate-key --key-file PATH --database URL [--resume] [--retire-old]

rotate-key writes the ring with a new current key first (the old keys kept, so every
value still opens), then re-seals every person's journal (each under its own owner, as
Store.session names it) under it, batch by batch, each
batch committed on its own. Killed half-way, `--resume` finishes under the same current
key instead of adding another. `--retire-old` then drops the older keys, but only when
no value in the database still uses them; servers still running with the old ring seal
new words under the old key until restarted with the new one, so restart them first.
"""

from __future__ import annotations

from pathlib import Path

from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any


def _key_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key-file",
        type=Path,
        required=True,
        metavar="PATH",
        help="the server key ring (JSON, readable by its owner only: mode 0600)",
    )


def add_actions(actions: Any) -> None:
    """The new-key and rotate-key actions, on `earned server`'s subparsers."""
    new = actions.add_parser(
        "new-key",
        help="make the first key ring (an existing file is left as it is)",
        description="Make a new server key ring with one key, written to --key-file with "
        "mode 0600. Keep it apart from the database and back it up: without it, the words "
        "it sealed cannot be read.",
    )
    _key_file(new)
    new.set_defaults(handler=new_key)
    rotate = actions.add_parser(
        "rotate-key",
        help="add a new current key and re-seal every journal under it",
        description="Add a new current key to the ring (older keys kept for reading), then "
        "re-seal every sealed value of every person's journal in --database under it, in "
        "batches each committed on its own. Restart the servers with the new ring before "
        "--retire-old.",
    )
    _key_file(rotate)
    rotate.add_argument(
        "--database",
        metavar="URL",
        help="the server's database (default: $EARNED_DATABASE_URL)",
    )
    rotate.add_argument(
        "--resume",
        action="store_true",
        help="add no key: finish re-sealing under the current one (after a stopped run)",
    )
    rotate.add_argument(
        "--retire-old",
        action="store_true",
        help="then remove the older keys from the ring, if no value uses them any more",
    )
    rotate.add_argument(
        "--batch",
        type=int,
        default=None,
        metavar="ROWS",
        help="values re-sealed per transaction (default 500)",
    )
    rotate.set_defaults(handler=rotate_key)


def new_key(args: argparse.Namespace) -> int:
    from earned.store import fields

    ring = fields.create_file(args.key_file)
    print(f"Made the server key ring {args.key_file} with key {ring.current} (mode 0600).")
    print("Back it up apart from the database: without it, sealed words cannot be read.")
    return 0


def rotate_key(args: argparse.Namespace) -> int:
    from earned.cli.common import database_url
    from earned.store import fields, reseal
    from earned.store.server import Server

    rows = reseal.BATCH_ROWS if args.batch is None else args.batch
    if rows < 1:
        raise EarnedError("--batch must be a whole number of rows, 1 or more.", exit_code=2)
    ring = fields.read_file(args.key_file)
    # Before a key is added: a wrong address adds none.
    server = Server.open(database_url(args.database), pool_size=2)
    try:
        if not args.resume:
            ring = ring.with_new_key()
            fields.write_file(args.key_file, ring)  # before any value is sealed under it
            kept = ", ".join(ring.old_ids())
            print(f"Added key {ring.current} as the current one; kept {kept} for reading.")
        left = unknown = plain = total = 0
        with fields.installed(ring):
            journals = server.journal_schemas()
            for schema in journals:
                store = server.journal(int(schema.removeprefix("journal_")))
                # Each journal under its own owner (Store.session names it).
                total += reseal.reseal(store.session, rows=rows).total
                if args.retire_old:
                    with store.session() as session:
                        found = reseal.usage(session, ring)
                    left += found.under(ring.old_ids())
                    unknown += found.unknown
                    plain += found.plain
        print(f"Re-sealed {total} values in {len(journals)} journals under key {ring.current}.")
    finally:
        server.close()
    if not args.retire_old:
        return 0
    if left:
        raise EarnedError(
            f"The older keys were kept: {left} values still use them (a server still "
            "running with the old ring seals under its old key). Restart the servers with "
            "the new ring, then run `earned server rotate-key --resume --retire-old`."
        )
    if unknown or plain:
        print(
            f"Note: {unknown} values use keys not in the ring (they cannot be read) "
            f"and {plain} are not sealed."
        )
    old = ring.old_ids()
    fields.write_file(args.key_file, ring.only_current())
    print(f"Retired {', '.join(old) if old else 'no keys'}; the ring holds {ring.current} only.")
    return 0
