"""The showcase's table (migration 0027, in migrations/), on the store's metadata."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

# Member content, one row per submission: given with the author's consent (`consented_at`),
# reviewed by a manager (`reviewer_id`), published while `status` is "approved".
showcase_entries = Table(
    "showcase_entries",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("entry_id", String(40), primary_key=True),
    Column("author_id", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("source_channel", String(32)),
    Column("source_ts", String(32)),
    Column("status", String(16), nullable=False),
    Column("reviewer_id", String(32)),
    Column("consented_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("published_at", DateTime(timezone=True)),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_showcase_entries_team_status", "team_id", "status"),
)
