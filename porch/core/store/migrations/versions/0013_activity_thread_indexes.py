"""activity: partial covering indexes joining thread replies to their posts

Revision ID: 0013
Revises: 0012

The health report joins each reply of a period to the post it answers. Top-level posts ordered
by time (then by post) let the report read a period's posts as one range scan, already in the
order its per-post grouping wants; replies ordered by thread find a post's replies with one
seek. Each index holds only its kind of row (a quarter and a third of the table), so an
activity insert writes at most one of them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TOP_LEVEL = sa.text("kind IN ('message', 'question')")
REPLY = sa.text("kind = 'reply'")


def upgrade() -> None:
    op.create_index(
        "ix_activity_posts_at_cover",
        "activity",
        ["team_id", "at", "channel_id", "message_ts", "kind", "user_id"],
        unique=False,
        sqlite_where=TOP_LEVEL,
        postgresql_where=TOP_LEVEL,
    )
    op.create_index(
        "ix_activity_replies_thread_cover",
        "activity",
        ["team_id", "channel_id", "thread_ts", "at", "user_id", "kind"],
        unique=False,
        sqlite_where=REPLY,
        postgresql_where=REPLY,
    )


def downgrade() -> None:
    op.drop_index("ix_activity_replies_thread_cover", table_name="activity")
    op.drop_index("ix_activity_posts_at_cover", table_name="activity")
