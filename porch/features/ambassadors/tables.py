"""The ambassador program's tables (migration 0023, in migrations/), on the store's metadata."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

# Each member's level, recomputed daily: the level they hold (0: none), the counts behind it,
# and since when their counts fall short of it (demoted once that is grace_days old).
ambassador_levels = Table(
    "ambassador_levels",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("reached_at", DateTime(timezone=True), nullable=False),
    Column("short_since", DateTime(timezone=True)),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

# The program: a member who applied, was invited, accepted or declined. `invitations` counts
# the invitations sent (each one's DM is keyed by it, so a second click sends none).
ambassador_members = Table(
    "ambassador_members",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("invitations", Integer, nullable=False, default=0),
    Column("applied_at", DateTime(timezone=True)),
    Column("invited_at", DateTime(timezone=True)),
    Column("invited_by", String(32)),
    Column("answered_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Ritual prompts ambassadors suggest: pending until a manager approves (then the ritual's
# rotation takes it) or declines it. The ID is a hash of who, which ritual and the words, so
# the same submission twice is one row.
ambassador_prompts = Table(
    "ambassador_prompts",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("prompt_id", String(16), primary_key=True),
    Column("user_id", String(32), nullable=False),
    Column("ritual_id", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(32)),
    Column("decided_at", DateTime(timezone=True)),
)
