"""The 30-day sprint, as conversations: a manager starts it (App Home, or `porch sprint start`),
the managers' channel gets each week's asks, what is done and what is late, Porch ticks what it
can check (rituals run, recaps posted) and a manager ticks the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, select

from porch.core.store.schema import effects
from porch.features.sprint.ids import Action
from porch.features.sprint.tables import sprint_ticks
from porch.runtime.cli import main
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack
from porch.sandbox.workspace import SandboxWorkspace
from tests.porch.runtime.test_cli import fake, slack_env

__all__ = ["fake"]
UTC = dt.UTC


def week_messages(workspace: SandboxWorkspace) -> list[str]:
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [
        "\n".join(b["text"]["text"] for b in m["blocks"] if b["type"] == "section")
        for m in workspace.fake.messages(channel)
        if m["text"].startswith("Sprint week")
    ]


def tick(workspace: SandboxWorkspace, user: str, task: str) -> None:
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id=user,
            action_id=Action.SPRINT_TICK,
            action_type="static_select",
            selected_option={"text": {"type": "plain_text", "text": task}, "value": task},
        )
    )
    assert response.status_code == 200


def test_a_sprint_from_app_home_week_by_week(workspace_factory, config):
    workspace = workspace_factory(config)  # Monday 2 November, 10:00 in Berlin
    manager = workspace.manager
    workspace.open_home(manager)
    workspace.settle()
    assert "Start a 30-day sprint today" in str(workspace.fake.home_view(manager))

    workspace.click("U0MEMBER01", Action.SPRINT_START, value="today")  # not a manager
    workspace.settle()
    assert week_messages(workspace) == []
    workspace.click(manager, Action.SPRINT_START, value="today")
    workspace.click(manager, Action.SPRINT_START, value="today")  # a double click
    workspace.settle()

    [first] = week_messages(workspace)
    assert "30-day sprint, week 1 of 4: set the foundations* (2026-11-02 to 2026-11-29)" in first
    # The example community.yml: a promise and rules, the welcome on, three rituals, 4 prompts.
    assert (
        ":white_check_mark: Write the community promise and the guidelines _(Porch checked)_"
        in first
    )
    assert ":white_check_mark: Turn the welcome on _(Porch checked)_" in first
    assert ":white_check_mark: Schedule two weekly rituals _(Porch checked)_" in first
    assert ":white_circle: Write at least ten prompts" in first
    assert ":white_circle: Publish the community site" in first
    assert "Done so far:* 3 of 12 tasks. Nothing is late." in first

    tick(workspace, manager, "site")
    tick(workspace, "U0MEMBER01", "prompts")  # refused: not a manager
    workspace.settle()
    home = str(workspace.fake.home_view(manager))
    assert ":white_check_mark: Publish the community site (`porch site build`)\\n" in home

    # Two weeks of rituals: Monday goals, the midweek poll and Friday wins each run twice, and
    # Friday wins' recap goes out each Saturday morning.
    for day in range(1, 16):
        workspace.at(dt.datetime(2026, 11, 2, 17, tzinfo=UTC) + dt.timedelta(days=day))
    second, third = week_messages(workspace)[1:]
    assert "week 2 of 4: get members taking part" in second
    assert ":warning: Write at least ten prompts _(late)_" in second
    assert "Done so far:* 4 of 12" in second
    assert "week 3 of 4" in third
    assert ":white_check_mark: Run two rituals twice each _(Porch checked)_" in third
    assert ":white_check_mark: Post two recaps _(Porch checked)_" in third
    assert ":warning: Feature members (a recap, a shout-out, the spotlight) _(late)_" in third
    assert "Done so far:* 6 of 12" in third

    with workspace.engine.connect() as conn:
        ticks = conn.execute(select(sprint_ticks.c.task, sprint_ticks.c.ticked_by)).all()
    assert ticks == [("site", manager)]


def test_porch_sprint_start_with_a_date(fake: FakeSlack, tmp_path: Path):
    env = slack_env(fake, tmp_path)
    assert CliRunner().invoke(main, ["members", "import"], env=env).exit_code == 0
    command = ["sprint", "start", "--date", "2026-11-09"]
    first = CliRunner().invoke(main, command, env=env)
    assert first.exit_code == 0, first.output
    assert "Sprint started: 2026-11-09 to 2026-12-06." in first.output
    again = CliRunner().invoke(main, command, env=env)
    assert again.exit_code == 2 and "already started" in again.output
    bad = CliRunner().invoke(main, ["sprint", "start", "--date", "9 Nov"], env=env)
    assert bad.exit_code == 2 and "is not YYYY-MM-DD" in bad.output

    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        keys = conn.scalars(
            select(effects.c.effect_key).where(effects.c.effect_key.like("sprint-%"))
        )
        # Today (the real clock) is past the sprint's four weeks or before it: no week message
        # unless the date makes today one of its weeks.
        assert all(key.startswith("sprint-week:2026-11-09:") for key in keys)
    engine.dispose()
