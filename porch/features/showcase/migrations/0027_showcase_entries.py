"""showcase_entries: member content submitted with consent, its review and publication

Revision ID: 0027
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "showcase_entries",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source_channel", sa.String(length=32), nullable=True),
        sa.Column("source_ts", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewer_id", sa.String(length=32), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "entry_id"),
    )
    op.create_index("ix_showcase_entries_team_status", "showcase_entries", ["team_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_showcase_entries_team_status", table_name="showcase_entries")
    op.drop_table("showcase_entries")
