"""Replies in, recap out: who took part (newcomers first) and three featured replies, posted
once in the thread and once in the channel; a wins ritual's featured replies become Wins rows.
The wins journey and Slack's retried replies go through the sandbox; the empty recap does not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from porch.core.message_links import item_key
from porch.core.store.schema import members
from porch.core.tracker_queue import get_row
from porch.features.rituals.tables import ritual_replies
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING
from tests.porch.features.rituals.test_schedule import Schedule, with_rituals

FRIDAY_WINS = dt.datetime(2026, 11, 6, 14, 0, 30, tzinfo=dt.UTC)  # 15:00:30 in Berlin
SATURDAY_MORNING = dt.datetime(2026, 11, 7, 8, 0, 30, tzinfo=dt.UTC)  # 18 h later


def bot_messages(workspace: SandboxWorkspace, channel: str) -> list[dict]:
    channel_id = workspace.fake.channel_id(channel)
    return [
        m for m in workspace.fake.messages(channel_id) if m["user"] == workspace.fake.bot_user_id
    ]


def regular(workspace: SandboxWorkspace, user_id: str, name: str) -> None:
    """A member who joined in the spring: not a newcomer any more."""
    workspace.join(user_id, name)
    with workspace.engine.begin() as conn:
        conn.execute(
            update(members)
            .where(members.c.user_id == user_id)
            .values(joined_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
        )


def test_replies_in_the_wins_thread_become_a_recap_with_featured_wins(
    workspace: SandboxWorkspace,
):
    regular(workspace, "U0BO000001", "Bo")
    regular(workspace, "U0CY000001", "Cy")
    regular(workspace, "U0DEE00001", "Dee")
    workspace.at(FRIDAY_WINS - dt.timedelta(days=3))
    workspace.join("U0ANA00001", "Ana")
    workspace.at(FRIDAY_WINS)
    thread = next(m for m in bot_messages(workspace, "wins") if m["text"].startswith("Friday wins"))
    ts = thread["ts"]

    bo = workspace.say("U0BO000001", "wins", "Shipped v2 of the <!channel> app", thread_ts=ts)
    workspace.say("U0BO000001", "wins", "And the docs", thread_ts=ts)
    cy = workspace.say("U0CY000001", "wins", "Fixed the login bug", thread_ts=ts)
    workspace.say("U0DEE00001", "wins", "Wrote a blog post", thread_ts=ts)
    ana = workspace.say("U0ANA00001", "wins", "My first sale!", thread_ts=ts)
    for fan in ("U0CY000001", "U0DEE00001", "U0ANA00001"):
        workspace.react(fan, "wins", bo, "tada", author="U0BO000001")
    workspace.react("U0BO000001", "wins", cy, "tada", author="U0CY000001")

    with workspace.engine.begin() as conn:
        replies = conn.execute(select(ritual_replies.c.user_id, ritual_replies.c.text)).all()
    assert len(replies) == 5
    assert ("U0ANA00001", "My first sale!") in replies  # a wins ritual keeps the text

    workspace.at(SATURDAY_MORNING - dt.timedelta(minutes=5))
    assert len(workspace.fake.thread(workspace.fake.channel_id("wins"), ts)) == 6  # no recap yet
    workspace.at(SATURDAY_MORNING)
    workspace.at(SATURDAY_MORNING + dt.timedelta(hours=1))

    in_thread = [
        m
        for m in workspace.fake.thread(workspace.fake.channel_id("wins"), ts)
        if m["user"] == workspace.fake.bot_user_id and m["ts"] != ts
    ]
    assert len(in_thread) == 1
    recap = str(in_thread[0]["blocks"])
    assert "4 members took part, 1 of them new here" in recap
    # The newcomer's first win first, then the most reactions; Dee's is not featured.
    assert (
        recap.index("<@U0ANA00001>") < recap.index("<@U0BO000001>") < recap.index("<@U0CY000001>")
    )
    assert "U0DEE00001" not in recap
    assert "&lt;!channel&gt;" in recap and "<!channel>" not in recap

    in_channel = [
        m
        for m in bot_messages(workspace, "wins")
        if m.get("thread_ts") is None and "recap" in m["text"]
    ]
    assert len(in_channel) == 1
    assert "see the thread" in str(in_channel[0]["blocks"])

    channel_id = workspace.fake.channel_id("wins")
    with workspace.engine.begin() as conn:
        team = workspace.fake.team_id
        wins = [
            get_row(conn, team_id=team, sheet="Wins", key=item_key(channel_id, t))
            for t in (ana, bo, cy)
        ]
        row = get_row(conn, team_id=team, sheet="Rituals", key="ritual:friday-wins:2026-11-06")
    assert [w["Member"] for w in wins] == ["Ana", "Bo", "Cy"]
    assert wins[1]["Reactions"] == 3
    assert row is not None
    assert (row["Replies"], row["Participants"], row["Newcomers"]) == (5, 4, 1)
    assert row["Link"].endswith(f"p{ts.replace('.', '')}")


def test_a_goals_recap_without_replies_says_so_in_the_thread_only(engine, config):
    ritual = {
        "id": "monday-goals",
        "name": "Monday goals",
        "weekday": "monday",
        "time": "09:30",
        "channel": "home",
        "prompt": "What will you ship?",
        "kind": "goals",
        "recap_after_hours": 8,
    }
    schedule = Schedule(engine, with_rituals(config, ritual))
    schedule.at(MONDAY_MORNING)
    schedule.at(MONDAY_MORNING + dt.timedelta(hours=7, minutes=29))  # 8 h after 09:30, less 1 min
    assert not [e for e in schedule.worker.delivered if e.key.startswith("ritual-recap:")]
    schedule.at(MONDAY_MORNING + dt.timedelta(hours=8))
    schedule.at(MONDAY_MORNING + dt.timedelta(hours=9))

    [recap] = [e for e in schedule.worker.delivered if e.key.startswith("ritual-recap:")]
    assert recap.payload["thread_of"] == "ritual:monday-goals:2026-11-02"
    assert "nobody replied" in str(recap.payload["blocks"])


def test_a_reply_is_recorded_once_and_other_kinds_keep_no_text(workspace: SandboxWorkspace):
    from porch.sandbox import slack_requests as slack

    workspace.join("U0ANA00001", "Ana")
    wednesday = dt.datetime(2026, 11, 4, 11, 0, 30, tzinfo=dt.UTC)  # 12:00:30 in Berlin
    workspace.at(wednesday)
    general = workspace.fake.channel_id("general")
    thread = next(
        m["ts"]
        for m in bot_messages(workspace, "general")
        if m["text"].startswith("Midweek question")
    )
    text = "Hiring, mostly"
    ts = workspace.fake.add_message(general, user="U0ANA00001", text=text, thread_ts=thread)
    event = slack.message(user="U0ANA00001", channel=general, text=text, ts=ts, thread_ts=thread)
    workspace.event(event, deliveries=3)  # Slack's retries

    with workspace.engine.begin() as conn:
        rows = conn.execute(select(ritual_replies.c.user_id, ritual_replies.c.text)).all()
    assert [tuple(r) for r in rows] == [("U0ANA00001", None)]  # a poll: counted, not quoted
