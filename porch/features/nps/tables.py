"""The survey's tables (migration 0011, which stays in core: it also creates the response
alerts' table)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

# The quarterly NPS survey: one row per member per quarter ("2026-Q4"), recorded when the DM is
# queued; the score (0-10) and an optional comment when they answer. Reports show aggregates.
nps_responses = Table(
    "nps_responses",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("quarter", String(8), primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("score", Integer),
    Column("answered_at", DateTime(timezone=True)),
    Column("comment", Text),
)

# Members who asked for no more surveys (separate from the follow-ups opt-out).
nps_opt_outs = Table(
    "nps_opt_outs",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("opted_out_at", DateTime(timezone=True), nullable=False),
)
