"""The response alerts' table (migration 0011, which stays in core: it also creates the
survey's tables)."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from porch.core.store.table_types import DateTime, metadata

# One row per question that waited past thresholds.first_response_hours: the alert posted to the
# managers' channel, and who answered it and when (then the alert is updated, once).
unanswered_alerts = Table(
    "unanswered_alerts",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("message_ts", String(32), primary_key=True),
    Column("asker_id", String(32), nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("alerted_at", DateTime(timezone=True), nullable=False),
    Column("answered_by", String(32)),
    Column("answered_at", DateTime(timezone=True)),
)
