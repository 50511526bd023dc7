"""replies inbox: conversations with members and their messages

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_conversations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("dm_channel_id", sa.String(length=32), nullable=False),
        sa.Column("open_slot", sa.String(length=8), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("card_channel_id", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("first_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_answered_by", sa.String(length=32), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "user_id", "open_slot", name="uq_inbox_conversations_open"),
    )
    op.create_index(
        "ix_inbox_conversations_card",
        "inbox_conversations",
        ["team_id", "card_channel_id", "card_ts"],
        unique=False,
    )
    op.create_table(
        "inbox_messages",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "ts"),
    )
    op.create_index(
        op.f("ix_inbox_messages_conversation_id"),
        "inbox_messages",
        ["conversation_id"],
        unique=False,
    )
    op.create_index(op.f("ix_inbox_messages_at"), "inbox_messages", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_inbox_messages_at"), table_name="inbox_messages")
    op.drop_index(op.f("ix_inbox_messages_conversation_id"), table_name="inbox_messages")
    op.drop_table("inbox_messages")
    op.drop_index("ix_inbox_conversations_card", table_name="inbox_conversations")
    op.drop_table("inbox_conversations")
