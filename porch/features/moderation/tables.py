"""Moderation's tables. Like the core tables they mirror their migration (migrations/) and carry
the workspace in their keys."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from porch.core.store.table_types import DateTime, metadata

# One case per member message brought to the moderators (by a rule or by reports): its card in
# the moderators' channel is keyed by the message too, so a message has one card and one case.
moderation_cases = Table(
    "moderation_cases",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("author_id", String(32), nullable=False),
    # The rule that matched (None: reported only), and what it matched.
    Column("rule", String(200)),
    Column("guideline", Text),
    Column("found", Text),
    # The member's words as last seen (escaped when shown); cleared after the retention period.
    Column("excerpt", Text),
    Column("reports", Integer, nullable=False, default=0),
    # open, deleted (the message is gone), acted (a step was taken)
    Column("state", String(16), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("first_action_at", DateTime(timezone=True)),
    # The manager who marked it fine (no step needed), if one did.
    Column("cleared_by", String(32)),
    # Bumped on every change to the card, naming its update effect.
    Column("revision", Integer, nullable=False, default=0),
    Index("ix_moderation_cases_author", "team_id", "author_id"),
)

# Who reported a message (managers see who; the reported member never does). One row per
# reporter and message, so a second report by the same member is no second report.
moderation_reports = Table(
    "moderation_reports",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("reporter_id", String(32), primary_key=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
)

# The ladder: each step a manager took with a member, who decided and why. `submission` names
# the modal submission, so Slack's retry of it records one step.
moderation_steps = Table(
    "moderation_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("ts", String(32), nullable=False),
    Column("step", String(16), nullable=False),
    # Cleared (NULL) when the manager who decided is erased; the step stays.
    Column("decided_by", String(32)),
    Column("reason", Text),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("submission", String(128), nullable=False),
    UniqueConstraint("team_id", "submission", name="uq_moderation_steps_submission"),
    Index("ix_moderation_steps_member", "team_id", "member_id"),
)
