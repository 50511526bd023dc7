"""rituals: occurrences (the once-guard per ritual and local date), replies, pauses

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ritual_occurrences",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("ritual_id", sa.String(length=64), primary_key=True),
        sa.Column("local_date", sa.String(length=10), primary_key=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("slot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recap_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_ritual_occurrences_thread", "ritual_occurrences", ["team_id", "thread_ts"])
    op.create_table(
        "ritual_replies",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("channel_id", sa.String(length=32), primary_key=True),
        sa.Column("ts", sa.String(length=32), primary_key=True),
        sa.Column("ritual_id", sa.String(length=64), nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_ritual_replies_occurrence", "ritual_replies", ["team_id", "ritual_id", "local_date"]
    )
    op.create_table(
        "ritual_pauses",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("ritual_id", sa.String(length=64), primary_key=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ritual_pauses")
    op.drop_index("ix_ritual_replies_occurrence", table_name="ritual_replies")
    op.drop_table("ritual_replies")
    op.drop_index("ix_ritual_occurrences_thread", table_name="ritual_occurrences")
    op.drop_table("ritual_occurrences")
