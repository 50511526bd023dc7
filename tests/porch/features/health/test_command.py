"""/porch health: managers get the figures, privately; anyone else is refused.

The command is acknowledged at once (reading both periods of a large community takes longer than
Slack waits); the figures follow through the command's response_url, delivered by the worker.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, select

from porch.core.config import Config
from porch.core.interactions import CommandRequest, Private, Verb
from porch.core.store.schema import effects
from porch.features.registry import build_features, templates
from porch.sandbox.workspace import SandboxWorkspace
from tests.porch.features.health.test_weeks import seed
from tests.porch.features.recording import RecordingDelivery

T = TypeVar("T")
NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
HOOK = "https://hooks.slack.test/commands/T1/1"


def wait_for_the_figures(workspace: SandboxWorkspace, *, count: int = 1) -> None:
    """Bolt's lazy listener reads the figures in its own thread after the acknowledgement."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with workspace.engine.connect() as conn:
            recorded = conn.execute(
                select(func.count()).where(effects.c.effect_key.startswith("health:"))
            ).scalar_one()
        if recorded >= count:
            return
        time.sleep(0.02)
    raise AssertionError("the figures were never recorded")


def summary_text(message: dict) -> str:  # type: ignore[type-arg]
    return "\n".join(
        block["text"]["text"] for block in message["blocks"] if block["type"] == "section"
    )


def test_a_manager_sees_the_health_summary_and_no_one_else(workspace: SandboxWorkspace) -> None:
    """The HTTP scenario: signed commands through the real endpoint and Bolt's lazy listener."""
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    question = workspace.say("U0ANA00001", "general", "Where do I post my launch?")
    workspace.say(workspace.manager, "general", "In #wins!", thread_ts=question)

    refused = workspace.command("U0ANA00001", "health").json()
    answer = workspace.command(workspace.manager, "health").json()

    assert "Only community managers" in refused["text"]
    assert answer["response_type"] == "ephemeral"
    assert "Working out the health figures" in summary_text(answer)
    wait_for_the_figures(workspace)
    workspace.settle()
    workspace.settle()
    posts = workspace.fake.hook_posts()
    assert len(posts) == 1  # delivered once, however often the worker runs; Ana got none
    assert posts[0]["user_id"] == workspace.manager
    message = posts[0]["body"]
    assert message["response_type"] == "ephemeral"
    text = summary_text(message)
    assert "Community Health Score" in text
    assert "Time to first response, median" in text
    assert "Active participation" in text


@dataclass
class Store:
    """The store as a request sees it (porch.core.interactions.Store), at a fixed time."""

    engine: Engine

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T:
        with self.engine.begin() as conn:
            return work(conn, NOW)


def health_verb(config: Config) -> tuple[Any, Verb]:
    features = build_features(config=config, templates=templates())
    (verb,) = [verb for verb in features.verbs if verb.name == "health"]
    return features, verb


def command(engine: Engine, *, response_url: str = HOOK) -> CommandRequest:
    body = {"team_id": "T1", "user_id": "U0MANAGER1", "response_url": response_url}
    return CommandRequest(
        team_id="T1",
        user_id="U0MANAGER1",
        trigger_id="1234.5678",
        body=body,
        store=Store(engine),
        command=body,
        args="",
    )


def test_only_managers_and_the_figures_come_after_the_acknowledgement(
    engine: Engine, config: Config
) -> None:
    features, verb = health_verb(config)
    worker = RecordingDelivery(engine=engine, features=features, now=lambda: NOW)
    seed(engine)
    request = command(engine)

    assert verb.managers_only  # the Slack adapter refuses anyone else, now and later
    pending = verb.handle(request)
    assert isinstance(pending, Private)
    assert "for the last 30 days and the 30 before" in str(pending.message.blocks)
    assert worker.deliver() == []  # nothing is read before the acknowledgement
    assert verb.later is not None
    verb.later(request)
    (answer,) = worker.deliver()

    assert (answer.kind, answer.key) == ("respond", "health:1234.5678")
    assert answer.payload["response_url"] == HOOK
    message = answer.payload["message"]
    assert message["response_type"] == "ephemeral"
    text = summary_text(message)
    assert re.search(r"^Members +3 ", text, re.MULTILINE)  # UA, UB, UC (UD left, UE joins later)
    assert "Community Health Score" in text


def test_without_a_response_url_there_is_nowhere_to_answer(engine: Engine, config: Config) -> None:
    features, verb = health_verb(config)
    worker = RecordingDelivery(engine=engine, features=features, now=lambda: NOW)
    assert verb.later is not None
    verb.later(command(engine, response_url=""))
    assert worker.deliver() == []
