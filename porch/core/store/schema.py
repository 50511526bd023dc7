"""Tables. Every row carries the workspace (team_id) so one database can serve many installs.

The migrations in migrations/versions are the source of truth for the database;
these Table objects mirror them for queries, and a test checks the two agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy import DateTime as _DateTime


class DateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = _DateTime
    cache_ok = True

    def __init__(self, timezone: bool = True) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


metadata = MetaData()

workspaces = Table(
    "workspaces",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("name", String(200)),
    Column("bot_user_id", String(32)),
    Column("installed_at", DateTime(timezone=True), nullable=False),
    # https://team.slack.com/, from auth.test: the base of message links in the tracker.
    Column("url", String(200)),
)

# The durable inbox: every Events API delivery Porch accepted, validated into a typed domain
# event and stored before the ack. The unique key deduplicates Slack's retries in the same
# statement; the inbox processor hands pending rows to the features in batches, marking each
# done in the transaction that records what it caused.
inbox_events = Table(
    "inbox_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("processed_at", DateTime(timezone=True)),
    Column("error", Text),
    UniqueConstraint("team_id", "event_id", name="uq_inbox_team_event"),
    Index("ix_inbox_events_status_id", "status", "id"),
)

# Durable side effects (DMs, thread posts, reactions, App Home views). Recorded in the same
# transaction as the state change that causes them, delivered by the worker, keyed so that
# recording the same effect twice is a no-op.
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("effect_key", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True)),
    Column("result", JSON),
    Column("error", Text),
    UniqueConstraint("team_id", "effect_key", name="uq_effects_team_key"),
)

members = Table(
    "members",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("display_name", String(200)),
    Column("real_name", String(200)),
    Column("tz", String(64)),
    Column("is_guest", Boolean, nullable=False, default=False),
    Column("is_deleted", Boolean, nullable=False, default=False),
    Column("joined_at", DateTime(timezone=True)),
    Column("joined_via", String(32)),
    Column("inviter_id", String(32)),
    Column("welcomed_at", DateTime(timezone=True)),
    Column("welcome_status", String(32)),
    Column("introduced_at", DateTime(timezone=True)),
    Column("intro_tagged_at", DateTime(timezone=True)),
    Column("guidelines_opened_at", DateTime(timezone=True)),
    Column("channels_joined_at", DateTime(timezone=True)),
    Column("first_post_at", DateTime(timezone=True)),
    Column("last_active_at", DateTime(timezone=True)),
    Column("opted_out_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Raw activity, recorded once per message or reaction; the Sheet only ever gets aggregates.
activity = Table(
    "activity",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("message_ts", String(32), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("thread_ts", String(32)),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    # The health report reads a period's rows from this index alone (it covers every column the
    # report needs), so 2 million rows stay a range scan instead of a million table look-ups.
    Index(
        "ix_activity_team_at_cover",
        "team_id",
        "at",
        "kind",
        "user_id",
        "channel_id",
        "thread_ts",
    ),
)

# Channel name -> ID, resolved through the Web API once and cached.
channels = Table(
    "channels",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("name", String(80), primary_key=True),
    Column("channel_id", String(32), nullable=False),
)

# The weekly introductions thread, one per week per workspace.
intro_threads = Table(
    "intro_threads",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("week", String(10), primary_key=True),
    Column("channel_id", String(32)),
    Column("thread_ts", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Rows the tracker should show, by sheet and key. Each change bumps `version`; the sync worker
# writes the latest values and records `synced_version`, so changes coalesce and none is lost.
tracker_rows = Table(
    "tracker_rows",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("sheet", String(32), primary_key=True),
    Column("row_key", String(200), primary_key=True),
    Column("row_values", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("synced_version", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    # Only the rows still to write: finding them (or that there are none) costs nothing however
    # many rows the tracker holds.
    # The newest change to a worksheet's rows, read from the end of the index (Health's cue).
    Index("ix_tracker_rows_sheet_updated", "team_id", "sheet", "updated_at"),
    Index(
        "ix_tracker_rows_pending",
        "team_id",
        "sheet",
        sqlite_where=text("synced_version < version"),
        postgresql_where=text("synced_version < version"),
    ),
)

# Time-limited leases so that only one replica runs a periodic job at a time.
leases = Table(
    "leases",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
)

# Where each tracker row was last confirmed in the Sheet (by workspace, spreadsheet, worksheet
# and key). The sync worker re-reads the Sheet's key column every cycle; this map tells it which
# rows were there before, so a row deleted or overwritten by hand is noticed and written again.
# The local tracker uses it to patch a changed row in place.
tracker_positions = Table(
    "tracker_positions",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("target", String(200), primary_key=True),
    Column("sheet", String(32), primary_key=True),
    Column("row_key", String(200), primary_key=True),
    Column("row_number", Integer, nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
)

# One row per tracker sync cycle that did something (or failed): what it wrote, with how many
# requests, and why it failed. Also tells the worker which target it last wrote to, so moving
# from the local folder to a Google Sheet rewrites every row there. Per workspace.
tracker_syncs = Table(
    "tracker_syncs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False, index=True),
    Column("target", String(200), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),
    Column("rows_written", Integer, nullable=False, default=0),
    Column("write_requests", Integer, nullable=False, default=0),
    Column("read_requests", Integer, nullable=False, default=0),
    Column("error", Text),
)

# What the sync worker remembers between cycles, per workspace, by name: when Health was last
# computed and from which activity, and how the local tracker file looked after Porch wrote it
# (so the next cycle can patch it instead of rewriting it). Losing a row costs one slow cycle.
tracker_state = Table(
    "tracker_state",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("name", String(250), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

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

# Feedback items: one per message (or per /feedback submission), however often it is tagged.
# `item_id` is "<channel>:<ts>" for a message and "cmd:<trigger>" for /feedback.
feedback_items = Table(
    "feedback_items",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("item_id", String(80), primary_key=True),
    Column("channel_id", String(32)),
    Column("message_ts", String(32)),
    Column("author_id", String(32)),
    Column("excerpt", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("area", String(80), nullable=False),
    Column("votes", Integer, nullable=False),
    Column("status", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_feedback_items_team_created", "team_id", "created_at"),
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

# The replies inbox (modmail): a member's DMs to Porch, relayed to the managers' channel as one
# card per conversation, and the managers' answers relayed back. `open_slot` is "open" while the
# conversation is and NULL once it is closed, so the unique key allows one open conversation per
# member (NULLs never collide) however many replicas handle their DMs at once.
inbox_conversations = Table(
    "inbox_conversations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("dm_channel_id", String(32), nullable=False),
    Column("open_slot", String(8)),
    Column("state", String(16), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("card_channel_id", String(32)),
    Column("card_ts", String(32)),
    Column("first_answered_at", DateTime(timezone=True)),
    Column("first_answered_by", String(32)),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", String(32)),
    UniqueConstraint("team_id", "user_id", "open_slot", name="uq_inbox_conversations_open"),
    Index("ix_inbox_conversations_card", "team_id", "card_channel_id", "card_ts"),
)

# Every message of a conversation, keyed by its Slack message, so a redelivered DM or reply is
# recognised and relayed once. direction: "in" (the member's DM), "out" (a reply relayed to the
# member), "internal" (a reply kept among the managers).
inbox_messages = Table(
    "inbox_messages",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("conversation_id", Integer, nullable=False, index=True),
    # The member the conversation is with, on every message (answers too): the member's data.
    Column("member_id", String(32), nullable=False),
    Column("direction", String(16), nullable=False),
    # Both cleared by privacy: the author on their erasure, the text after `inbox_text` days.
    Column("author_id", String(32)),
    Column("text", Text),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)
