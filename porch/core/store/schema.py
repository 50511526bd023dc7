"""Tables. Every row carries the workspace (team_id) so one database can serve many installs.

The migrations in migrations/versions are the source of truth for the database;
these Table objects mirror them for queries, and a test checks the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import (
    DateTime as NaiveDateTime,
)

from porch.core.store.feature_tables import (  # noqa: F401 (re-exported)
    forgotten_members,
    privacy_keys,
)
from porch.core.store.table_types import DateTime, metadata

workspaces = Table(
    "workspaces",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("name", String(200)),
    Column("bot_user_id", String(32)),
    Column("installed_at", DateTime(timezone=True), nullable=False),
    # https://team.slack.com/, from auth.test: the base of message links in the tracker.
    Column("url", String(200)),
    # Set when the app was uninstalled (or its bot token revoked) there: the scheduler skips
    # the workspace and its pending effects are cancelled. Cleared by a new install.
    Column("uninstalled_at", DateTime(timezone=True)),
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
    # The report joins a period's replies to their posts: posts in time order (the order its
    # per-post grouping reads them in), replies found by thread. Partial, so that an insert
    # writes at most one of the two (migration 0013).
    Index(
        "ix_activity_posts_at_cover",
        "team_id",
        "at",
        "channel_id",
        "message_ts",
        "kind",
        "user_id",
        sqlite_where=text("kind IN ('message', 'question')"),
        postgresql_where=text("kind IN ('message', 'question')"),
    ),
    Index(
        "ix_activity_replies_thread_cover",
        "team_id",
        "channel_id",
        "thread_ts",
        "at",
        "user_id",
        "kind",
        sqlite_where=text("kind = 'reply'"),
        postgresql_where=text("kind = 'reply'"),
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


# Many workspaces (porch/runtime/installations.py): slack_sdk's SQLAlchemy installation and
# OAuth state stores, in their own table shapes (slack_sdk reads and writes these columns, with
# naive UTC timestamps), except that the token columns are wide enough for the encrypted tokens
# Porch keeps there instead of the tokens themselves.
slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(1000)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(1000)),
    Column("bot_token_expires_at", NaiveDateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(1000)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(1000)),
    Column("user_token_expires_at", NaiveDateTime),
    Column("incoming_webhook_url", String(1000)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False, default=False),
    Column("token_type", String(32)),
    Column("installed_at", NaiveDateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(1000)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(1000)),
    Column("bot_token_expires_at", NaiveDateTime),
    Column("is_enterprise_install", Boolean, nullable=False, default=False),
    Column("installed_at", NaiveDateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", NaiveDateTime, nullable=False),
)
