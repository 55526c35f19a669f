"""Server mode: the history of consent (when sharing with a clinician began, changed and
stopped), kept after the care link is changed or deleted.

Revision ID: s0002
Revises: s0001
"""

import sqlalchemy as sa
from alembic import op

from earned.store.models import UTCDateTime
from earned.store.schemas import SERVER as SCHEMA

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def _account(ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{SCHEMA}.accounts.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "sharing_events",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer(), _account("CASCADE"), nullable=False),
        sa.Column("clinician_id", sa.Integer(), _account("SET NULL"), nullable=True),
        sa.Column("clinician_name", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_sharing_events_person_at", "sharing_events", ["person_id", "at"], schema=SCHEMA
    )
    # Links made before this history was kept: when each began is known (care_links.since)
    # and would be lost at a stop, so it is written now, with what is shared at the upgrade
    # (changes before it were not kept; the docs say so).
    op.execute(
        f"INSERT INTO {SCHEMA}.sharing_events "  # noqa: S608 - earned's own schema name
        "(person_id, clinician_id, clinician_name, kind, categories, at) "
        "SELECT l.person_id, l.clinician_id, a.display_name, 'began', l.categories, l.since "
        f"FROM {SCHEMA}.care_links l JOIN {SCHEMA}.accounts a ON a.id = l.clinician_id "
        "ORDER BY l.since"
    )


def downgrade() -> None:
    op.drop_index("ix_sharing_events_person_at", table_name="sharing_events", schema=SCHEMA)
    op.drop_table("sharing_events", schema=SCHEMA)
