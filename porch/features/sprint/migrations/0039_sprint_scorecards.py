"""sprint_scorecards and sprint_decisions: the weekly scorecard and the managers' decision

Revision ID: 0039
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sprint_scorecards",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("week", sa.String(length=8), primary_key=True),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sprint_decisions",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("week", sa.String(length=8), primary_key=True),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sprint_decisions")
    op.drop_table("sprint_scorecards")
