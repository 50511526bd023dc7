"""sprints and sprint_ticks: the 30-day sprint and the tasks managers ticked by hand

Revision ID: 0040
Revises: 0039
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sprints",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("started_on", sa.String(length=10), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
    )
    op.create_table(
        "sprint_ticks",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("started_on", sa.String(length=10), primary_key=True),
        sa.Column("task", sa.String(length=32), primary_key=True),
        sa.Column("ticked_by", sa.String(length=32), nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sprint_ticks")
    op.drop_table("sprints")
