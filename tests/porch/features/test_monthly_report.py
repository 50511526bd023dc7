"""The monthly health report: saved as HTML once a month ends, posted to the managers once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from porch.core.config import Config
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING, config_with


def test_last_months_report_is_saved_and_posted_once(
    workspace_factory, config: Config, tmp_path: Path
) -> None:
    posting = config_with(config, health={"post_monthly_report": True})
    workspace: SandboxWorkspace = workspace_factory(posting)
    workspace.join("U0ANA00001", "Ana")
    workspace.say("U0ANA00001", config.channels.home, "Anyone tried paid newsletters?")
    workspace.settle()
    local = MONDAY_MORNING.astimezone(config.community.tz)
    month = f"{local:%Y-%m}"
    next_month = (local.replace(day=28) + dt.timedelta(days=5)).replace(day=2, hour=9)

    workspace.at(next_month.astimezone(dt.UTC))
    workspace.at(next_month.astimezone(dt.UTC) + dt.timedelta(hours=3))

    [report] = list((tmp_path / "reports").glob(f"health-*-{month}.html"))
    page = report.read_text(encoding="utf-8")
    assert f"community health, {month}" in page
    assert "Community Health Score" in page and "<table>" in page
    moderators = workspace.fake.channel_id(config.channels.moderators)
    posts = [
        message
        for message in workspace.fake.messages(moderators)
        if message["text"] == f"Community health report for {month}"
    ]
    assert len(posts) == 1
    assert posts[0]["blocks"][0]["type"] == "header"


def test_without_posting_the_report_is_only_saved(
    workspace: SandboxWorkspace, config: Config, tmp_path: Path
) -> None:
    local = MONDAY_MORNING.astimezone(config.community.tz)
    next_month = (local.replace(day=28) + dt.timedelta(days=5)).replace(day=2, hour=9)
    workspace.at(next_month.astimezone(dt.UTC))

    assert list((tmp_path / "reports").glob(f"health-*-{local:%Y-%m}.html"))
    moderators = workspace.fake.channel_id(config.channels.moderators)
    assert not [m for m in workspace.fake.messages(moderators) if "health report" in m["text"]]
