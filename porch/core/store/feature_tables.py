"""The features' tables (rituals, spotlight, feedback, replies inbox, alerts, survey, privacy).

Like the core tables in schema.py, they mirror the migrations, carry the workspace in their keys,
and are re-exported by schema.py, so queries import every table from one place.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from porch.core.store.table_types import DateTime, metadata

# The monthly spotlight, one per workspace and month ("2026-11"): drafted to the managers,
# then approved (posted once) or skipped. `note` is the managers' edited thank-you words.
spotlights = Table(
    "spotlights",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("note", Text),
    Column("edits", Integer, nullable=False, default=0),
    Column("edited_by", String(32)),
    Column("decided_by", String(32)),
    Column("decided_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The members a spotlight names, with the evidence: counts per signal ({"wins_shared": 2, ...}).
spotlight_picks = Table(
    "spotlight_picks",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("evidence", JSON, nullable=False),
)

# One row per ritual occurrence (ritual, local date), inserted before the prompt is posted: the
# unique key is the once-guard among restarts and replicas. `state` is queued (recorded, not yet
# delivered), posted, skipped (missed or skipped by a manager), paused or failed.
ritual_occurrences = Table(
    "ritual_occurrences",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("ritual_id", String(64), primary_key=True),
    Column("local_date", String(10), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("slot_at", DateTime(timezone=True), nullable=False),
    Column("prompt", Text),
    Column("channel_id", String(32)),
    Column("thread_ts", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("recap_at", DateTime(timezone=True)),
    Index("ix_ritual_occurrences_thread", "team_id", "thread_ts"),
)

# One row per reply in a ritual's thread: who and when (text only for goals and wins, which the
# recap quotes).
ritual_replies = Table(
    "ritual_replies",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("ritual_id", String(64), nullable=False),
    Column("local_date", String(10), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("text", Text),
    Index("ix_ritual_replies_occurrence", "team_id", "ritual_id", "local_date"),
)

# Rituals a manager paused (`porch ritual pause`): no occurrence is posted until resumed.
ritual_pauses = Table(
    "ritual_pauses",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("ritual_id", String(64), primary_key=True),
    Column("paused_at", DateTime(timezone=True), nullable=False),
)

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
# Members erased on request: a keyed hash of their user ID (never the ID itself), so that
# reconciliation and imports do not bring them back.
forgotten_members = Table(
    "forgotten_members",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("member_hash", String(64), primary_key=True),
    Column("forgotten_at", DateTime(timezone=True), nullable=False),
)

# The per-install key of those hashes, when PORCH_PRIVACY_KEY does not provide one.
privacy_keys = Table(
    "privacy_keys",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

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
