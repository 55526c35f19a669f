"""Server mode: accounts, sessions, invites, sharing, the audit log, assigned practices.

Revision ID: s0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from earned.store.models import UTCDateTime
from earned.store.schemas import SERVER as SCHEMA

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None


def _account(ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey(f"{SCHEMA}.accounts.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(40), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret", sa.String(200), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("resting_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer(), _account(), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "invites",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.Integer(), _account(), nullable=False, index=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "care_links",
        sa.Column("person_id", sa.Integer(), _account(), primary_key=True),
        sa.Column("clinician_id", sa.Integer(), _account(), primary_key=True, index=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer(), _account(), nullable=False, index=True),
        sa.Column("clinician_id", sa.Integer(), _account("SET NULL"), nullable=True),
        sa.Column("clinician_name", sa.String(80), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("what", sa.String(120), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer(), _account(), nullable=False, index=True),
        sa.Column("clinician_id", sa.Integer(), _account("SET NULL"), nullable=True),
        sa.Column("clinician_name", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("seen", sa.Boolean(), nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in ("assignments", "audit_log", "care_links", "invites", "web_sessions"):
        op.drop_table(table, schema=SCHEMA)
    op.drop_table("accounts", schema=SCHEMA)
