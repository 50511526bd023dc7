"""/porch rituals and /porch ritual skip ID, as a manager (and a member) would type them."""

from __future__ import annotations

import datetime as dt

from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING


def test_rituals_lists_the_next_occurrences_and_their_state(workspace: SandboxWorkspace):
    workspace.at(MONDAY_MORNING)
    answer = workspace.command(workspace.manager, "rituals").json()
    text = str(answer["blocks"])
    assert "*Monday goals* `monday-goals`, every Monday at 09:30" in text
    assert "Mon 09 Nov 09:30: scheduled" in text
    assert "Last: 2026-11-02, posted, 0 replies" in text
    assert "Fri 06 Nov 15:00: scheduled" in text
    assert answer["response_type"] == "ephemeral"

    denied = workspace.command("U0ANA00001", "rituals").json()
    assert "Only community managers" in denied["text"]


def test_skip_leaves_out_the_next_occurrence_only(workspace: SandboxWorkspace):
    answer = workspace.command(workspace.manager, "ritual skip friday-wins").json()
    assert "Friday wins* on Friday 06 November will not be posted" in str(answer["blocks"])
    again = workspace.command(workspace.manager, "ritual skip friday-wins").json()
    assert "was already recorded" in str(again["blocks"])
    assert "Fri 06 Nov 15:00: skipped" in str(
        workspace.command(workspace.manager, "rituals").json()["blocks"]
    )

    friday = dt.datetime(2026, 11, 6, 14, 1, tzinfo=dt.UTC)
    workspace.at(friday)
    workspace.at(friday + dt.timedelta(weeks=1))
    wins = workspace.fake.channel_id("wins")
    posted = [
        m
        for m in workspace.fake.messages(wins)
        if m["user"] == workspace.fake.bot_user_id and m["text"].startswith("Friday wins")
    ]
    assert len(posted) == 1  # the week after, not the skipped one


def test_skip_with_an_unknown_id_lists_the_ids(workspace: SandboxWorkspace):
    answer = workspace.command(workspace.manager, "ritual skip fryday").json()
    text = str(answer["blocks"])
    assert "(not `skip fryday`)" in text
    assert "`monday-goals`, `wednesday-poll`, `friday-wins`" in text
