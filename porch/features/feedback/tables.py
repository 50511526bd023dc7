"""The feedback feature's table. Like the core tables it mirrors its migration (migrations/)
and carries the workspace in its key."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

# Feedback items: one per message (or per /feedback submission), however often it is tagged.
# `item_id` is "<channel>:<ts>" for a message and "cmd:<trigger>" for /feedback.
feedback_items = Table(
    "feedback_items",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("item_id", String(80), primary_key=True),
    Column("channel_id", String(32)),
    Column("message_ts", String(32)),
    Column("author_id", String(32)),
    Column("excerpt", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("area", String(80), nullable=False),
    Column("votes", Integer, nullable=False),
    Column("status", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_feedback_items_team_created", "team_id", "created_at"),
)
