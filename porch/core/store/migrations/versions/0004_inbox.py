"""inbox: every accepted Slack event, stored before the ack and processed afterwards

It replaces the `events` dedupe table: the inbox's unique key does that job now.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("team_id", "event_id", name="uq_inbox_team_event"),
    )
    op.create_index("ix_inbox_events_status_id", "inbox_events", ["status", "id"])
    op.drop_table("events")


def downgrade() -> None:
    op.create_table(
        "events",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("event_id", sa.String(length=64), primary_key=True),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_index("ix_inbox_events_status_id", table_name="inbox_events")
    op.drop_table("inbox_events")
