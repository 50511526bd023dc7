"""The join questions' table: one row per member who answered (or skipped) them. Like the core
tables it mirrors its migration (migrations/) and carries the workspace in its key."""

from __future__ import annotations

from sqlalchemy import JSON, Column, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

# `answers`: question id -> the answers' texts; `paths`: the ids of the paths they put the
# member on; `steps_done`: the path checklist steps ticked ("<path id>:<n>").
join_answers = Table(
    "join_answers",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("answers", JSON, nullable=False),
    Column("free_text", Text),
    Column("paths", JSON, nullable=False),
    Column("steps_done", JSON, nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Column("skipped_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
