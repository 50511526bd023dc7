"""buddy_volunteers and buddy_pairings: newcomers paired with a buddy

Revision ID: 0032
Revises: 0031
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "buddy_volunteers",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("user_id", sa.String(length=32), primary_key=True),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "buddy_pairings",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("newcomer_id", sa.String(length=32), primary_key=True),
        sa.Column("buddy_id", sa.String(length=32), nullable=True),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("paired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_in_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("met_newcomer", sa.String(length=16), nullable=True),
        sa.Column("met_buddy", sa.String(length=16), nullable=True),
    )
    op.create_index("ix_buddy_pairings_team_buddy", "buddy_pairings", ["team_id", "buddy_id"])


def downgrade() -> None:
    op.drop_index("ix_buddy_pairings_team_buddy", table_name="buddy_pairings")
    op.drop_table("buddy_pairings")
    op.drop_table("buddy_volunteers")
