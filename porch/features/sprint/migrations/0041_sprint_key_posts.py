"""sprint_key_posts and sprint_key_comments: key posts and their first comments' answer times

Revision ID: 0041
Revises: 0040
"""

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sprint_key_posts",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("channel_id", sa.String(length=32), primary_key=True),
        sa.Column("ts", sa.String(length=32), primary_key=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("marked_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sprint_key_comments",
        sa.Column("team_id", sa.String(length=32), primary_key=True),
        sa.Column("channel_id", sa.String(length=32), primary_key=True),
        sa.Column("ts", sa.String(length=32), primary_key=True),
        sa.Column("post_ts", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_sprint_key_comments_post",
        "sprint_key_comments",
        ["team_id", "channel_id", "post_ts"],
    )
    op.create_index("ix_sprint_key_comments_due", "sprint_key_comments", ["team_id", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_sprint_key_comments_due", table_name="sprint_key_comments")
    op.drop_index("ix_sprint_key_comments_post", table_name="sprint_key_comments")
    op.drop_table("sprint_key_comments")
    op.drop_table("sprint_key_posts")
