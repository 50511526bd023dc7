"""The spotlight's tables (migration 0007, in migrations/), on the store's metadata."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table, Text

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
