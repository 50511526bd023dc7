"""Introductions' table: the weekly thread, one row per week per workspace.

Recorded before the thread is posted (so a retry posts nothing twice); the thread's channel and
ts are filled in once Slack has it, so replies in it count as introductions. Created by the
initial migration (core's, shared with the other first tables); the members table is core's.
"""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from porch.core.store.table_types import DateTime, metadata

intro_threads = Table(
    "intro_threads",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("week", String(10), primary_key=True),
    Column("channel_id", String(32)),
    Column("thread_ts", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
