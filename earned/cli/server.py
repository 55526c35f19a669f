"""`earned server …`: looking after a server (issue 14) from its own machine.

Accounts are made here, not on a web page: whoever runs the server decides who may
sign in. A forgotten password is reset here too (no e-mail is involved, ever).

    earned server add NAME --role person|clinician [--display-name TEXT]
    earned server password NAME      a new password; ends the account's rest and sessions
    earned server two-step-off NAME  for a person who lost their authenticator phone
    earned server list
    earned server remove NAME        the account and, for a person, their whole journal
    earned server new-key --key-file PATH       the key ring that seals journal words
    earned server rotate-key --key-file PATH    a new key, every journal re-sealed under it

The database comes from --database or $EARNED_DATABASE_URL; the new password from
--password-file or $EARNED_NEW_PASSWORD, else it is typed twice.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from earned.cli.common import DATABASE_ENV, Command, database_url, new_password
from earned.errors import EarnedError

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from earned.store.server import Server

PASSWORD_ENV = "EARNED_NEW_PASSWORD"  # noqa: S105 - the name of a variable, not a password
ACTIONS = ("add", "password", "two-step-off", "list", "remove")


def database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help=f"the server's PostgreSQL database (default: ${DATABASE_ENV})",
    )


def _options(parser: argparse.ArgumentParser) -> None:
    from earned.cli import server_keys

    actions = parser.add_subparsers(
        dest="action",
        metavar="ACTION",
        title="actions",
        help="add, password, two-step-off, list, remove, new-key or rotate-key",
    )
    actions.required = True
    helps = {
        "add": "add a person or a clinician (asks for the password twice)",
        "password": "a new password; ends the account's rest and its sessions",
        "two-step-off": "turn two-step sign-in off, for someone who lost their phone",
        "list": "list the accounts",
        "remove": "remove an account (a person's whole journal too)",
    }
    for action in ACTIONS:
        one = actions.add_parser(action, help=helps[action], description=helps[action])
        if action != "list":
            one.add_argument("name", metavar="NAME", help="the account's user name")
        if action == "add":
            one.add_argument(
                "--role", choices=("person", "clinician"), default="person", help="who it is for"
            )
            one.add_argument("--display-name", metavar="TEXT", help="the name others see")
        if action in ("add", "password"):
            one.add_argument(
                "--password-file",
                type=Path,
                metavar="FILE",
                help=f"read the new password from FILE (or ${PASSWORD_ENV})",
            )
        database_option(one)
        one.set_defaults(handler=cmd_accounts)
    server_keys.add_actions(actions)


def _open(args: argparse.Namespace) -> Server:
    from earned.store.server import Server

    return Server.open(database_url(args.database), pool_size=2)


def cmd_server(args: argparse.Namespace) -> int:
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


def cmd_accounts(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from earned import accounts
    from earned.store.server import accounts as account_store
    from earned.store.server import logins, sharing

    server = _open(args)
    try:
        if args.action == "list":
            with server.session() as s:
                found = account_store.listed(session=s)
            for a in found:
                extras = " two-step" if a.has_totp else ""
                left = accounts.resting(a, datetime.now(UTC))
                extras += " resting" if left is not None else ""
                print(f"{a.name:<{accounts.NAME_MAX}}  {a.role:<9}  {a.display_name}{extras}")
            if not found:
                print("No accounts yet. Add one with: earned server add NAME --role person")
            return 0
        name = accounts.check_name(str(args.name))
        if args.action == "add":
            password = new_password(args.password_file, os.environ.get(PASSWORD_ENV), name)
            with server.session() as s:
                made = account_store.create(
                    session=s,
                    name=name,
                    role=args.role,
                    password=password,
                    display_name=args.display_name,
                    now=datetime.now(UTC),
                )
            if made.is_person:
                server.create_journal(made.id)
            print(f"Added {made.name} ({accounts.ROLE_WORDS[made.role]}). They can sign in now.")
            return 0
        with server.session() as s:
            found_account = account_store.by_name(session=s, name=name)
        if found_account is None:
            raise EarnedError(f"There is no account called {name}.", exit_code=2)
        if args.action == "password":
            password = new_password(args.password_file, os.environ.get(PASSWORD_ENV), name)
            with server.session() as s:
                account_store.set_password(
                    session=s, account_id=found_account.id, password=password
                )
            print(f"New password set for {name}; their other sessions are signed out.")
        elif args.action == "two-step-off":
            with server.session() as s:
                account_store.turn_off_totp(session=s, account_id=found_account.id)
                logins.end_all(session=s, account_id=found_account.id)
            print(f"Two-step sign-in is off for {name}; they sign in with their password.")
        elif args.action == "remove":
            if found_account.is_person:
                server.remove_person(found_account.id)
            else:
                with server.session() as s:
                    # Each person they shared with keeps when it stopped (consent history).
                    sharing.stop_all_of(
                        session=s, clinician_id=found_account.id, now=datetime.now(UTC)
                    )
                    account_store.remove(session=s, account_id=found_account.id)
            print(f"Removed {name}" + (" and their journal." if found_account.is_person else "."))
        return 0
    finally:
        server.close()
        sys.stdout.flush()


SERVER = Command(
    "server",
    "look after a server: accounts, passwords, the key ring (server mode)",
    "An earned server (server mode, PostgreSQL): add people and clinicians, set a new "
    "password for someone who forgot theirs, turn two-step sign-in off for someone who "
    "lost their phone, list and remove accounts (removing a person removes their whole "
    "journal); make the key ring that seals what people write (new-key) and rotate it "
    "(rotate-key).",
    cmd_server,
    _options,
)

COMMANDS = (SERVER,)
