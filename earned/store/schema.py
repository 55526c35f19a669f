"""The schema revisions this version of earned knows, without importing Alembic.

The quick CLI path (earned.store.quick) checks `alembic_version` against HEAD before
writing with plain SQL; anything older is migrated through the full store first.
tests/test_cli_quick.py keeps these equal to the Alembic migration chain, so adding a
migration without updating this file fails the suite.
"""

from __future__ import annotations

REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]
