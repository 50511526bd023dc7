"""/porch rituals and /porch ritual skip ID: as a manager (and a member) would type them, over
HTTP; then the verbs' answers against a real store, without the sandbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from porch.core.config import Config
from porch.core.interactions import CommandRequest
from porch.features.registry import templates
from porch.features.rituals.commands import RitualCommands
from porch.features.rituals.schedule import Rituals
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING

TEAM = "T0RITUALS1"


def test_rituals_lists_the_next_occurrences_and_their_state(workspace_factory, config):
    # Porch started at 09:00 Berlin, before the Monday goals' 09:30.
    workspace = workspace_factory(config, at=MONDAY_MORNING - dt.timedelta(hours=1))
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


# ---- the verbs' domain, without the sandbox --------------------------------------------------


@dataclass
class Store:
    """The store as a request sees it (porch.core.interactions.Store), at a fixed moment."""

    engine: Engine
    now: dt.datetime

    def transaction(self, work: Callable[[Connection, dt.datetime], Any]) -> Any:
        with self.engine.begin() as conn:
            return work(conn, self.now)


def verb(engine: Engine, config: Config, text: str, *, at: dt.datetime = MONDAY_MORNING) -> str:
    """`/porch <text>` as a manager, answered by the rituals' verb; the answer's text."""
    name, _, args = text.partition(" ")
    commands = RitualCommands(rituals=Rituals(config=config, templates=templates()))
    [found] = [v for v in commands.verbs() if v.name == name]
    assert found.managers_only
    request = CommandRequest(
        team_id=TEAM,
        user_id="U0MANAGER1",
        trigger_id="1.2.abc",
        body={},
        store=Store(engine, at),
        command={},
        args=args,
    )
    return str(found.handle(request).message.blocks)


def test_skip_with_an_unknown_id_lists_the_ids(engine: Engine, config: Config):
    text = verb(engine, config, "ritual skip fryday")
    assert "(not `skip fryday`)" in text
    assert "`monday-goals`, `wednesday-poll`, `friday-wins`" in text
    assert "(not `pause friday-wins`)" in verb(engine, config, "ritual pause friday-wins")


def test_the_overview_shows_paused_and_skipped_occurrences(engine: Engine, config: Config):
    with engine.begin() as conn:
        Rituals.pause(conn, team_id=TEAM, ritual_id="wednesday-poll", now=MONDAY_MORNING)
    assert "will not be posted" in verb(engine, config, "ritual skip friday-wins")
    text = verb(engine, config, "rituals")
    assert "*Midweek question* `wednesday-poll`" in text and "paused" in text
    assert "Wed 04 Nov 12:00: paused" in text
    assert "Fri 06 Nov 15:00: skipped" in text
    assert "Mon 09 Nov 09:30: scheduled" in text
    assert "Last:" not in text  # nothing has happened yet
