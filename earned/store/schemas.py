"""PostgreSQL schema names in server mode: the server's own, and one per person's journal.

Stands alone (imports nothing of earned) so that a Store can scope its transactions
without importing the server package, which imports the Store.
"""

from __future__ import annotations

import re

SERVER = "earned_server"
_JOURNAL = re.compile(r"journal_[0-9]+\Z")


def journal_schema(account_id: int) -> str:
    return f"journal_{int(account_id)}"


def is_journal(name: str) -> bool:
    return bool(_JOURNAL.match(name))


def quoted(schema: str) -> str:
    """A schema name earned makes, checked, for SQL that cannot take it as a parameter."""
    if not (is_journal(schema) or schema == SERVER):
        raise ValueError("not a schema earned makes")
    return f'"{schema}"'
