"""Alembic environment of the server's own tables: run on a connection handed in by
earned.store.server.migrate, with its version table in the server schema."""

from __future__ import annotations

from alembic import context

from earned.store.schemas import SERVER as SCHEMA
from earned.store.server.models import ServerBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=ServerBase.metadata,
    version_table_schema=SCHEMA,
    include_schemas=True,
)
with context.begin_transaction():
    context.run_migrations()
