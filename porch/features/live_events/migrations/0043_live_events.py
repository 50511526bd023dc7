"""events: events (recurring occurrences and one-offs), RSVPs and attendance, thread messages

Revision ID: 0043
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("event_id", sa.String(length=96), primary_key=True),
        sa.Column("series_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("length_minutes", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announce_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("recapped_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_live_events_starts", "live_events", ["team_id", "starts_at"])
    op.create_index("ix_live_events_thread", "live_events", ["team_id", "channel_id", "ts"])
    op.create_table(
        "event_rsvps",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("event_id", sa.String(length=96), primary_key=True),
        sa.Column("user_id", sa.String(length=32), primary_key=True),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendance_by", sa.String(length=32), nullable=True),
    )
    op.create_table(
        "event_messages",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("channel_id", sa.String(length=32), primary_key=True),
        sa.Column("ts", sa.String(length=32), primary_key=True),
        sa.Column("event_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("is_question", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_messages_event", "event_messages", ["team_id", "event_id"])


def downgrade() -> None:
    op.drop_index("ix_event_messages_event", table_name="event_messages")
    op.drop_table("event_messages")
    op.drop_table("event_rsvps")
    op.drop_index("ix_live_events_thread", table_name="live_events")
    op.drop_index("ix_live_events_starts", table_name="live_events")
    op.drop_table("live_events")
