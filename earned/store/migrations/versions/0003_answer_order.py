"""Answer order: the moment each answer was chosen on the page, so a save that arrives late
(a queued request overtaken by the page's own submit) cannot overwrite a later choice.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("seq")
