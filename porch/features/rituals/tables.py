"""The rituals' tables (migration 0006, in migrations/), on the store's metadata."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

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
