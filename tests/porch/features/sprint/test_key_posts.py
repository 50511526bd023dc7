"""Key-post response time, as conversations: the first comments on a ritual's prompt and on a
post a manager marked as key are watched; one left waiting past the configured minutes of
community hours alerts the managers once; the scorecard shows the week's hit rate."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from porch.features.sprint.ids import Shortcut
from porch.features.sprint.tables import sprint_key_comments
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import config_with

UTC = dt.UTC
ANA, BEN, CHLOE, DANA, ELI = "U0ANA00001", "U0BEN00001", "U0CHLOE001", "U0DANA0001", "U0ELI00001"


def alerts(workspace: SandboxWorkspace) -> list[str]:
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [m["text"] for m in workspace.fake.messages(channel) if "key post" in m["text"]]


def at(workspace: SandboxWorkspace, day: int, hour: int, minute: int = 0) -> None:
    """November `day`, at hour:minute UTC (Berlin is an hour ahead)."""
    workspace.at(dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC))
    workspace.settle()


def test_key_posts_first_comments_are_answered_in_time_or_alert_once(workspace_factory, config):
    # Three comments watched per key post; the example's community hours: 09:00-18:00 weekdays.
    config = config_with(config, sprint={"key_post_comments": 3})
    workspace = workspace_factory(config)
    for user, name in ((ANA, "Ana"), (BEN, "Ben"), (CHLOE, "Chloé"), (DANA, "Dana"), (ELI, "Eli")):
        workspace.join(user, name)
    manager = workspace.manager

    at(workspace, 4, 11, 5)  # Wednesday 12:05 in Berlin: the midweek question is posted
    home = workspace.fake.channel_id("general")
    [poll] = [
        m
        for m in workspace.fake.messages(home)
        if m["user"] == workspace.fake.bot_user_id and "blocking you" in m["text"]
    ]
    at(workspace, 4, 11, 10)
    workspace.say(ANA, "general", "Pricing.", thread_ts=poll["ts"])  # due 13:10 Berlin
    at(workspace, 4, 12, 0)
    workspace.say(manager, "general", "Ana, try three tiers.", thread_ts=poll["ts"])  # in time
    at(workspace, 4, 12, 30)
    workspace.say(BEN, "general", "Hiring.", thread_ts=poll["ts"])  # due 14:30 Berlin
    at(workspace, 4, 13, 29)
    assert alerts(workspace) == []
    at(workspace, 4, 13, 31)
    at(workspace, 4, 14, 0)
    [late] = alerts(workspace)
    assert "A comment on a key post in #general is waiting" in late

    at(workspace, 4, 16, 30)  # 17:30 in Berlin: half an hour today, half an hour tomorrow
    workspace.say(CHLOE, "general", "Time.", thread_ts=poll["ts"])
    workspace.say(DANA, "general", "Me too.", thread_ts=poll["ts"])  # a fourth: not watched
    at(workspace, 5, 8, 29)  # Thursday 09:29 in Berlin
    assert len(alerts(workspace)) == 1
    at(workspace, 5, 8, 31)
    assert len(alerts(workspace)) == 2

    # Thursday: Eli's post, which a manager marks as key; Ana comments, the manager answers.
    at(workspace, 5, 9, 0)
    post_ts = workspace.say(ELI, "general", "Launching my beta next week, feedback welcome")
    [message] = [m for m in workspace.fake.messages(home) if m["ts"] == post_ts]
    refused = workspace.sender.interactive(
        slack.message_shortcut(
            team_id=workspace.fake.team_id,
            user_id=ANA,
            callback_id=Shortcut.SPRINT_KEY_POST,
            channel_id=home,
            message=message,
        )
    )
    assert refused.status_code == 200
    response = workspace.sender.interactive(
        slack.message_shortcut(
            team_id=workspace.fake.team_id,
            user_id=manager,
            callback_id=Shortcut.SPRINT_KEY_POST,
            channel_id=home,
            message=message,
        )
    )
    assert response.status_code == 200
    assert "Marked as a key post" in json.dumps(workspace.fake.opened_views()[-1]["view"])
    at(workspace, 5, 9, 10)
    workspace.say(ANA, "general", "Count me in!", thread_ts=post_ts)
    at(workspace, 5, 9, 40)
    workspace.say(manager, "general", "Thanks Ana, sending it Monday.", thread_ts=post_ts)

    with workspace.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(sprint_key_comments)) == 4

    at(workspace, 9, 8, 5)  # Monday 09:05 in Berlin: the scorecard of week 45
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    [card] = [m for m in workspace.fake.messages(channel) if "Weekly scorecard" in m["text"]]
    # Ana's two comments were answered in time; Ben's and Chloé's were not.
    assert "Key posts answered in time*: 2 of 4 first comments (50%)" in json.dumps(
        card["blocks"], ensure_ascii=False
    )
    assert len(alerts(workspace)) == 2
