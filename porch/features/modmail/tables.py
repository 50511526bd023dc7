"""The replies inbox's tables. Like the core tables they mirror their migration (migrations/)
and carry the workspace in their keys."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from porch.core.store.table_types import DateTime, metadata

# The replies inbox (modmail): a member's DMs to Porch, relayed to the managers' channel as one
# card per conversation, and the managers' answers relayed back. `open_slot` is "open" while the
# conversation is and NULL once it is closed, so the unique key allows one open conversation per
# member (NULLs never collide) however many replicas handle their DMs at once.
inbox_conversations = Table(
    "inbox_conversations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("dm_channel_id", String(32), nullable=False),
    Column("open_slot", String(8)),
    Column("state", String(16), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("card_channel_id", String(32)),
    Column("card_ts", String(32)),
    Column("first_answered_at", DateTime(timezone=True)),
    Column("first_answered_by", String(32)),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", String(32)),
    UniqueConstraint("team_id", "user_id", "open_slot", name="uq_inbox_conversations_open"),
    Index("ix_inbox_conversations_card", "team_id", "card_channel_id", "card_ts"),
)

# Every message of a conversation, keyed by its Slack message, so a redelivered DM or reply is
# recognised and relayed once. direction: "in" (the member's DM), "out" (a reply relayed to the
# member), "internal" (a reply kept among the managers).
inbox_messages = Table(
    "inbox_messages",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("conversation_id", Integer, nullable=False, index=True),
    # The member the conversation is with, on every message (answers too): the member's data.
    Column("member_id", String(32), nullable=False),
    Column("direction", String(16), nullable=False),
    # Both cleared by privacy: the author on their erasure, the text after `inbox_text` days.
    Column("author_id", String(32)),
    Column("text", Text),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)
