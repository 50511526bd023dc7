"""The tables of Porch's privacy infrastructure (forget-me marks and keys), which the core and
several features use; every feature's own tables are in its package (tables.py).

Like the core tables in schema.py, they mirror the migrations, carry the workspace in their keys,
and are re-exported by schema.py, so queries import every table from one place.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    String,
    Table,
)

from porch.core.store.table_types import DateTime, metadata

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
