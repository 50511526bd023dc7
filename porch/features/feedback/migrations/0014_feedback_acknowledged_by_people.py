"""feedback_items: acknowledged means a person acted, never Porch's automatic reply

Revision ID: 0014
Revises: 0013

Until this revision an item's acknowledged_at was when Porch's own reply reached its thread (or
when /feedback answered automatically), so every item read as acknowledged within seconds and
the digest's median was 0.0 minutes. It now means a person acted: the first reply in the item's
thread by someone other than its author (activity keeps members' replies, never a bot's), or
the status a manager set (before this revision only a manager's status set closed_at). This
rebuilds it from those, empty when nobody acted, and requeues the Feedback worksheet rows whose
Acknowledged cell changes. Praise that was left open is not touched: which tags are praise is
community.yml's to say, which a migration does not read.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from porch.core.store.table_types import DateTime
from porch.core.worksheets import stamp

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

feedback_items = sa.table(
    "feedback_items",
    sa.column("team_id", sa.String),
    sa.column("item_id", sa.String),
    sa.column("channel_id", sa.String),
    sa.column("message_ts", sa.String),
    sa.column("author_id", sa.String),
    sa.column("status", sa.String),
    sa.column("created_at", DateTime()),
    sa.column("acknowledged_at", DateTime()),
    sa.column("closed_at", DateTime()),
)
activity = sa.table(
    "activity",
    sa.column("team_id", sa.String),
    sa.column("channel_id", sa.String),
    sa.column("thread_ts", sa.String),
    sa.column("kind", sa.String),
    sa.column("user_id", sa.String),
    sa.column("at", DateTime()),
)
tracker_rows = sa.table(
    "tracker_rows",
    sa.column("team_id", sa.String),
    sa.column("sheet", sa.String),
    sa.column("row_key", sa.String),
    sa.column("row_values", sa.JSON),
    sa.column("version", sa.Integer),
    sa.column("updated_at", DateTime()),
)


def upgrade() -> None:
    conn = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    items = conn.execute(
        sa.select(feedback_items).where(feedback_items.c.status != "ignored")
    ).all()
    for item in items:
        acted = [item.closed_at] if item.closed_at is not None else []
        if item.channel_id and item.message_ts:
            replied = sa.select(sa.func.min(activity.c.at)).where(
                activity.c.team_id == item.team_id,
                activity.c.channel_id == item.channel_id,
                activity.c.thread_ts == item.message_ts,
                activity.c.kind == "reply",
                activity.c.at >= item.created_at,
            )
            if item.author_id:
                replied = replied.where(activity.c.user_id != item.author_id)
            first = conn.execute(replied).scalar()
            if first is not None:
                acted.append(first)
        acknowledged = min(acted) if acted else None
        if acknowledged == item.acknowledged_at:
            continue
        conn.execute(
            sa.update(feedback_items)
            .where(
                feedback_items.c.team_id == item.team_id,
                feedback_items.c.item_id == item.item_id,
            )
            .values(acknowledged_at=acknowledged)
        )
        _requeue(conn, item=item, acknowledged=acknowledged, now=now)


def _requeue(
    conn: sa.Connection, *, item: sa.Row, acknowledged: dt.datetime | None, now: dt.datetime
) -> None:
    """The item's Feedback row shows the new Acknowledged cell at the next sync."""
    where = (
        tracker_rows.c.team_id == item.team_id,
        tracker_rows.c.sheet == "Feedback",
        tracker_rows.c.row_key == item.item_id,
    )
    row = conn.execute(sa.select(tracker_rows.c.row_values).where(*where)).first()
    if row is None:
        return
    values = dict(row.row_values)
    values["Acknowledged"] = stamp(acknowledged)
    conn.execute(
        sa.update(tracker_rows)
        .where(*where)
        .values(row_values=values, version=tracker_rows.c.version + 1, updated_at=now)
    )


def downgrade() -> None:
    """Nothing to undo: the automatic reply's time is not worth restoring."""
