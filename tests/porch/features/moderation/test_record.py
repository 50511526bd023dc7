"""The private record, as conversations: `/porch mod history @member` for managers only, the
case's row in the Moderation worksheet (no message text), and the period's figures."""

from __future__ import annotations

import datetime as dt
import json

from porch.core.config import Config
from porch.core.tracker_queue import get_row
from porch.features.moderation.record import figures
from tests.porch.features.moderation.conversation import (
    ANA,
    BEN,
    PITCH,
    cards,
    members,
    moderating,
    report,
)
from tests.porch.features.moderation.test_ladder import remind


def test_history_is_for_managers_and_the_worksheet_keeps_no_words(
    workspace_factory, config: Config
):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    ts = workspace.say(ANA, "general", "crypto giveaway, secret words")
    workspace.settle()
    report(workspace, BEN, "general", ts)
    workspace.settle()
    [card] = cards(workspace)
    remind(workspace, card, "Pointed to the showcase")

    refused = workspace.command(BEN, f"mod history <@{ANA}>").json()
    assert "Only community managers" in refused["text"]
    answer = json.dumps(workspace.command(workspace.manager, f"mod history <@{ANA}>").json())
    assert "1 case, 1 step" in answer and "Reminder" in answer
    assert "Pointed to the showcase" in answer and "Suggested next step: *Warn*" in answer

    general = workspace.fake.channel_id("general")
    with workspace.engine.begin() as conn:
        row = get_row(
            conn, team_id=workspace.fake.team_id, sheet="Moderation", key=f"{general}:{ts}"
        )
        assert row is not None
        assert row["Rule"] == "Crypto pitch" and row["Reports"] == 1
        assert row["Steps"] == "Reminder" and row["Minutes to first action"] == 0
        assert "secret words" not in json.dumps(row, default=str)
        week = figures(
            conn,
            team_id=workspace.fake.team_id,
            since=workspace.clock.now() - dt.timedelta(days=7),
            until=workspace.clock.now() + dt.timedelta(minutes=1),
        )
    assert (week.cases, week.reports, week.first_action_median_min) == (1, 1, 0)
    assert week.repeat_members == 0


def test_the_weeks_health_row_counts_moderation(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    for text in ("crypto giveaway one", "crypto giveaway two"):
        workspace.say(ANA, "general", text)
    workspace.settle()
    [health] = [f for f in workspace.runtime.porch.features.features if f.name == "health"]
    assert health.before_tracker_sync is not None
    now = workspace.clock.now()
    with workspace.engine.begin() as conn:
        health.before_tracker_sync(conn, workspace.fake.team_id, now, True)
        week = now.astimezone(config.community.tz).strftime("%G-W%V")
        row = get_row(conn, team_id=workspace.fake.team_id, sheet="Health", key=week)
    assert row is not None
    assert (row["Reports"], row["Repeat cases"]) == (0, 1)
    assert row["Minutes to first action"] in (None, "")
