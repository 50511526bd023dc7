"""The sprint's tables (migration 0039, in migrations/), on the store's metadata."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from porch.core.store.table_types import DateTime, metadata

# One weekly scorecard per workspace and ISO week ("2026-W46", the week it reports on),
# inserted before it is posted: the key is the once-guard among restarts and replicas.
# `indicators`: JSON text, [{"key": ..., "values": [W-2, W-1, W]}], counts only (no member);
# `verdict`: the rule's (verdict.py).
sprint_scorecards = Table(
    "sprint_scorecards",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("indicators", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The managers' decision for a week's scorecard: one per week (recorded again, it is replaced).
sprint_decisions = Table(
    "sprint_decisions",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("choice", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("decided_by", String(32), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

# A 30-day sprint, started with `porch sprint start` or from the managers' App Home: four weeks
# from `started_on` (a local date). The newest is the current one. `week`: the sprint week of
# the last weekly message (App Home, which has no clock, shows the plan as of that week).
sprints = Table(
    "sprints",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("started_on", String(10), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("week", Integer, nullable=False),
)

# A sprint task a manager ticked by hand (one Porch cannot check from what it knows).
sprint_ticks = Table(
    "sprint_ticks",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("started_on", String(10), primary_key=True),
    Column("task", String(32), primary_key=True),
    Column("ticked_by", String(32), nullable=False),
    Column("ticked_at", DateTime(timezone=True), nullable=False),
)

# Key posts: ritual posts (found when their first comment comes) and posts a manager marked with
# the "Mark as key post" shortcut. Their first comments are watched for a fast answer.
sprint_key_posts = Table(
    "sprint_key_posts",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("marked_by", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A member's comment on a key post (the first `key_post_comments` of each post): when it came,
# when it is due an answer (community hours), when a manager answered in the thread, and when
# the managers were alerted that it waited too long (once).
sprint_key_comments = Table(
    "sprint_key_comments",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("post_ts", String(32), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Column("alerted_at", DateTime(timezone=True)),
    Index("ix_sprint_key_comments_post", "team_id", "channel_id", "post_ts"),
    Index("ix_sprint_key_comments_due", "team_id", "due_at"),
)
