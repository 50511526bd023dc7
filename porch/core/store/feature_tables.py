"""The features' tables (rituals, spotlight, alerts, survey, privacy).

Like the core tables in schema.py, they mirror the migrations, carry the workspace in their keys,
and are re-exported by schema.py, so queries import every table from one place.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
)

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

# One row per ritual occurrence (ritual, local date), inserted before the prompt is posted: the
# unique key is the once-guard among restarts and replicas. `state` is queued (recorded, not yet
# delivered), posted, skipped (missed or skipped by a manager), paused or failed.
ritual_occurrences = Table(
    "ritual_occurrences",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("ritual_id", String(64), primary_key=True),
    Column("local_date", String(10), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("slot_at", DateTime(timezone=True), nullable=False),
    Column("prompt", Text),
    Column("channel_id", String(32)),
    Column("thread_ts", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("recap_at", DateTime(timezone=True)),
    Index("ix_ritual_occurrences_thread", "team_id", "thread_ts"),
)

# One row per reply in a ritual's thread: who and when (text only for goals and wins, which the
# recap quotes).
ritual_replies = Table(
    "ritual_replies",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("ritual_id", String(64), nullable=False),
    Column("local_date", String(10), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("text", Text),
    Index("ix_ritual_replies_occurrence", "team_id", "ritual_id", "local_date"),
)

# Rituals a manager paused (`porch ritual pause`): no occurrence is posted until resumed.
ritual_pauses = Table(
    "ritual_pauses",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("ritual_id", String(64), primary_key=True),
    Column("paused_at", DateTime(timezone=True), nullable=False),
)

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
