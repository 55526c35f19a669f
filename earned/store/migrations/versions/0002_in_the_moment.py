"""In the moment: activations, urge-delay timers, practices, self-soothing tools.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from earned.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("client_token", sa.String(64), nullable=True, unique=True),
        sa.Column("onset_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("intensity", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("emotions", sa.JSON(), nullable=False),
        sa.Column("urge", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("person", sa.String(120), nullable=True),
        sa.Column("named_in_moment", sa.Boolean(), nullable=True),
        sa.Column("pattern", sa.JSON(), nullable=True),
        sa.Column("peak_at", UTCDateTime(), nullable=True),
        sa.Column("peak_intensity", sa.Integer(), nullable=True),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "urge_delays",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("client_token", sa.String(64), nullable=True, unique=True),
        sa.Column("urge", sa.Text(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column(
            "activation_id",
            sa.String(32),
            sa.ForeignKey("activations.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_table(
        "practices",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("client_token", sa.String(64), nullable=True, unique=True),
        sa.Column("kind", sa.String(32), nullable=False, index=True),
        sa.Column("started_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "tools",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "tool_uses",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("client_token", sa.String(64), nullable=True, unique=True),
        sa.Column(
            "tool_id",
            sa.String(32),
            sa.ForeignKey("tools.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("used_at", UTCDateTime(), nullable=False),
        sa.Column("before", sa.Integer(), nullable=False),
        sa.Column("after", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("tool_uses", "tools", "practices", "urge_delays", "activations"):
        op.drop_table(table)
