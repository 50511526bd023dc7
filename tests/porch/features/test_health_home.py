"""The managers' App Home shows the latest week of community health; members never see it."""

from __future__ import annotations

import datetime as dt
import json

from porch.sandbox.workspace import SandboxWorkspace

DANA = "U0DANA0001"
ANA = "U0ANA00001"


def home_text(workspace: SandboxWorkspace, user_id: str) -> str:
    workspace.open_home(user_id)
    workspace.settle()
    return json.dumps(workspace.fake.home_view(user_id)["blocks"])


def test_before_the_first_sync_the_section_says_when_figures_come(workspace: SandboxWorkspace):
    assert "the first weekly figures appear after the tracker" in home_text(
        workspace, workspace.manager
    )


def test_managers_see_the_latest_week_next_to_the_week_before(workspace: SandboxWorkspace):
    workspace.join(DANA, "Dana")
    workspace.join(ANA, "Ana")
    first = workspace.say(DANA, "general", "Hello all")
    workspace.react(ANA, "general", first, "wave", author=DANA)
    workspace.clock.advance(dt.timedelta(days=7))
    workspace.say(ANA, "general", "A week later")
    workspace.settle()
    workspace.runtime.scheduler.run_now("tracker-sync")

    home = home_text(workspace, workspace.manager)
    assert "Community health, week 2026-W" in home
    assert "(week before:" in home
    assert "/porch health" in home
    assert "Community health" not in home_text(workspace, DANA)
