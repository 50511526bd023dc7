"""The buddies' tables: who offered (or declined) to be a buddy, and each newcomer's pairing.
Like the core tables they mirror their migration (migrations/) and carry the workspace."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, String, Table

from porch.core.store.table_types import DateTime, metadata

# A member's own choice; members other features offer (ambassadors) are buddies unless they
# said no here.
buddy_volunteers = Table(
    "buddy_volunteers",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("available", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# One pairing per newcomer (its key makes a second one impossible). `met_newcomer` and
# `met_buddy`: each one's answer to the check-in ("met", "not yet"), None until they answer.
buddy_pairings = Table(
    "buddy_pairings",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("newcomer_id", String(32), primary_key=True),
    Column("buddy_id", String(32)),
    Column("interests", JSON, nullable=False),
    Column("paired_at", DateTime(timezone=True), nullable=False),
    Column("check_in_due", DateTime(timezone=True), nullable=False),
    Column("checked_in_at", DateTime(timezone=True)),
    Column("met_newcomer", String(16)),
    Column("met_buddy", String(16)),
    Index("ix_buddy_pairings_team_buddy", "team_id", "buddy_id"),
)
