"""The practice program (roadmap steps 3 and 5-10): people and how they show up, ruptures
and repairs, the exposure ladder and its attempts, the parts map, core beliefs and their
ratings, session-prep notes, links from the origin story to today, recommitments; and on
activations and questionnaires, the person (and the part) they concern.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from earned.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(32), primary_key=True)


def _token() -> sa.Column[str]:
    return sa.Column("client_token", sa.String(64), nullable=True, unique=True)


def _ref(name: str, table: str, *, cascade: bool = False, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.String(32),
        sa.ForeignKey(f"{table}.id", ondelete="CASCADE" if cascade else "SET NULL"),
        nullable=nullable,
        index=True,
    )


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable id column referring to `target`, ON DELETE SET NULL, added in place."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its REFERENCES clause in place; Alembic's add_column
        # would ask for a constraint change, which SQLite does only by copying the table.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(32) "
            f"REFERENCES {target} (id) ON DELETE SET NULL"
        )
        return
    op.add_column(table, sa.Column(column, sa.String(32), nullable=True))
    op.create_foreign_key(
        f"fk_{table}_{column}", table, target, [column], ["id"], ondelete="SET NULL"
    )


def upgrade() -> None:
    op.create_table(
        "people",
        _id(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "person_ratings",
        _id(),
        _token(),
        _ref("person_id", "people", cascade=True, nullable=False),
        sa.Column("rated_at", UTCDateTime(), nullable=False),
        sa.Column("consistency", sa.Integer(), nullable=False),
        sa.Column("availability", sa.Integer(), nullable=False),
        sa.Column("safety", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "ruptures",
        _id(),
        _token(),
        _ref("person_id", "people"),
        sa.Column("person_name", sa.String(120), nullable=False),
        sa.Column("happened_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("reached_out", sa.String(16), nullable=True),
        sa.Column("repaired_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "ladder_rungs",
        _id(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("pattern", sa.String(16), nullable=False),
        sa.Column("template", sa.String(64), nullable=True),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("urge", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "ladder_attempts",
        _id(),
        _token(),
        _ref("rung_id", "ladder_rungs", cascade=True, nullable=False),
        sa.Column("planned_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("predicted", sa.Integer(), nullable=False),
        sa.Column("feared", sa.Text(), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("actual", sa.Integer(), nullable=True),
        sa.Column("happened", sa.Text(), nullable=True),
        sa.Column("went_well", sa.Boolean(), nullable=True),
        _ref("person_id", "people"),
        sa.Column("person_name", sa.String(120), nullable=True),
        _ref("urge_delay_id", "urge_delays"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "parts",
        _id(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("protects", sa.Text(), nullable=True),
        sa.Column("fears", sa.Text(), nullable=True),
        sa.Column("needs", sa.Text(), nullable=True),
        sa.Column("relations", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "beliefs",
        _id(),
        sa.Column("belief", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=True),
        _ref("origin_entry_id", "entries"),
        sa.Column("evidence_for", sa.Text(), nullable=True),
        sa.Column("evidence_against", sa.Text(), nullable=True),
        sa.Column("alternative", sa.Text(), nullable=True),
        sa.Column("rerate_days", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "belief_ratings",
        _id(),
        _token(),
        _ref("belief_id", "beliefs", cascade=True, nullable=False),
        sa.Column("rated_at", UTCDateTime(), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("alternative_strength", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "session_notes",
        _id(),
        _token(),
        sa.Column("session_at", UTCDateTime(), nullable=True),
        sa.Column("since_last", sa.Text(), nullable=True),
        sa.Column("to_bring", sa.Text(), nullable=True),
        sa.Column("picked", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "origin_links",
        _id(),
        _ref("entry_id", "entries", cascade=True, nullable=False),
        sa.Column("passage", sa.Text(), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "recommits",
        _id(),
        _token(),
        sa.Column("made_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("noticed", sa.Text(), nullable=True),
        sa.Column("practice", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    # Added in place (ALTER TABLE ... ADD COLUMN ... REFERENCES), never by batch mode's
    # copy-and-rename: on SQLite, with foreign keys on, dropping the old copy of a parent
    # table deletes through ON DELETE CASCADE (every questionnaire's answers) and SET NULL
    # (each urge timer's moment). tests/store/test_upgrades.py keeps every row.
    _add_reference("activations", "person_id", "people")
    _add_reference("activations", "part_id", "parts")
    _add_reference("assessments", "person_id", "people")
    op.add_column("assessments", sa.Column("person_name", sa.String(120), nullable=True))
    # A person's or a part's moments are counted and listed by these.
    op.create_index("ix_activations_person_id", "activations", ["person_id"])
    op.create_index("ix_activations_part_id", "activations", ["part_id"])


def downgrade() -> None:
    op.drop_index("ix_activations_part_id", table_name="activations")
    op.drop_index("ix_activations_person_id", table_name="activations")
    # A column's foreign key goes with it (PostgreSQL drops it; batch mode on SQLite leaves
    # it out of the copy).
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("person_name")
        batch.drop_column("person_id")
    with op.batch_alter_table("activations") as batch:
        batch.drop_column("part_id")
        batch.drop_column("person_id")
    for table in (
        "recommits",
        "origin_links",
        "session_notes",
        "belief_ratings",
        "beliefs",
        "parts",
        "ladder_attempts",
        "ladder_rungs",
        "ruptures",
        "person_ratings",
        "people",
    ):
        op.drop_table(table)
