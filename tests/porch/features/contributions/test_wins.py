"""Wins, as conversations: a post in #wins becomes one tracker row, and reactions on it keep
that row current. (Feedback: test_feedback.py.)"""

from __future__ import annotations

from sqlalchemy import select

from porch.core.message_links import item_key
from porch.core.store.schema import tracker_rows
from porch.core.tracker_queue import get_row
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace


def row(workspace: SandboxWorkspace, sheet: str, channel: str, ts: str) -> dict | None:
    key = item_key(workspace.fake.channel_id(channel), ts)
    with workspace.engine.begin() as conn:
        return get_row(conn, team_id=workspace.fake.team_id, sheet=sheet, key=key)


def test_a_win_becomes_one_row_with_a_link_and_counts_its_reactions(workspace: SandboxWorkspace):
    workspace.join("U0CHLOE001", "Chloé")
    workspace.join("U0ANA00001", "Ana")
    ts = workspace.say("U0CHLOE001", "wins", "Shipped my pricing page today!")
    workspace.react("U0ANA00001", "wins", ts, "tada", author="U0CHLOE001", deliveries=3)
    workspace.react("U0ANA00001", "wins", ts, "+1::skin-tone-3", author="U0CHLOE001")
    workspace.react(workspace.manager, "wins", ts, "tada", author="U0CHLOE001")
    workspace.react("U0ANA00001", "wins", ts, "+1::skin-tone-3", author="U0CHLOE001", removed=True)

    win = row(workspace, "Wins", "wins", ts)
    assert win is not None
    assert win["Member"] == "Chloé" and win["Win"] == "Shipped my pricing page today!"
    assert win["Channel"] == "#wins"
    channel_id = workspace.fake.channel_id("wins")
    assert win["Link"] == (
        f"https://porch-sandbox.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    )
    assert win["Reactions"] == 2  # Ana's and Sam's :tada:, Ana's thumbs up taken back


def test_replies_and_other_channels_are_not_items(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    ts = workspace.say("U0ANA00001", "wins", "Launched!")
    reply = workspace.say("U0ANA00001", "wins", "Thanks all", thread_ts=ts)
    elsewhere = workspace.say("U0ANA00001", "general", "Hello")

    assert row(workspace, "Wins", "wins", reply) is None
    assert row(workspace, "Wins", "general", elsewhere) is None


def test_a_redelivered_post_does_not_requeue_its_row(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    ts = workspace.say("U0ANA00001", "wins", "First sale!")

    def version() -> int:
        with workspace.engine.begin() as conn:
            return conn.execute(
                select(tracker_rows.c.version).where(tracker_rows.c.sheet == "Wins")
            ).scalar_one()

    before = version()
    channel_id = workspace.fake.channel_id("wins")
    event = slack.message(user="U0ANA00001", channel=channel_id, text="First sale!", ts=ts)
    workspace.event(event, deliveries=2)
    assert version() == before
