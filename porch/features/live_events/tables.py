"""The events' tables (migration 0043, in migrations/), on the store's metadata."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

# One row per event: a recurring event's occurrence ("office-hours.2026-12-10", inserted once
# by whichever replica gets there first) or a manager's one-off ("one-3f2a9c1d").
# `version` counts changes (a change is told to those going once per version).
live_events = Table(
    "live_events",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("event_id", String(96), primary_key=True),
    Column("series_id", String(64)),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("place", String(300), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("length_minutes", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_by", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("announce_at", DateTime(timezone=True), nullable=False),
    Column("channel_id", String(32)),
    Column("ts", String(32)),
    Column("recapped_at", DateTime(timezone=True)),
    Index("ix_live_events_starts", "team_id", "starts_at"),
    Index("ix_live_events_thread", "team_id", "channel_id", "ts"),
)

# A member's answer (going, maybe, cant) and whether they attended (checked in during the
# event, or a manager confirmed the Going answers).
event_rsvps = Table(
    "event_rsvps",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("event_id", String(96), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("answer", String(8), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("attended_at", DateTime(timezone=True)),
    Column("attendance_by", String(32)),
)

# Messages in an event's thread (no text: who, when, and whether it asks), for the recap.
event_messages = Table(
    "event_messages",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("event_id", String(96), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("is_question", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_event_messages_event", "team_id", "event_id"),
)
