"""activity: a covering index for the health report

Revision ID: 0010
Revises: 0009

`porch report` and `/porch health` aggregate a period's activity rows; with every column they
read in one index ordered by (team_id, at), a period is one range scan of the index.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_activity_team_at_cover",
        "activity",
        ["team_id", "at", "kind", "user_id", "channel_id", "thread_ts"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_activity_team_at_cover", table_name="activity")
