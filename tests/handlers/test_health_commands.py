"""/porch health: managers get the figures, privately; anyone else is refused.

The command is acknowledged at once (reading both periods of a large community takes longer than
Slack waits); the figures follow through the command's response_url, delivered by the worker.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from porch.core.store.schema import effects
from porch.sandbox.workspace import SandboxWorkspace


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


def test_a_manager_sees_the_health_summary(workspace: SandboxWorkspace) -> None:
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    question = workspace.say("U0ANA00001", "general", "Where do I post my launch?")
    workspace.say(workspace.manager, "general", "In #wins!", thread_ts=question)

    answer = workspace.command(workspace.manager, "health").json()

    assert answer["response_type"] == "ephemeral"
    assert "Working out the health figures" in summary_text(answer)
    wait_for_the_figures(workspace)
    workspace.settle()
    workspace.settle()
    posts = workspace.fake.hook_posts()
    assert len(posts) == 1  # delivered once, however often the worker runs
    assert posts[0]["user_id"] == workspace.manager
    message = posts[0]["body"]
    assert message["response_type"] == "ephemeral"
    text = summary_text(message)
    assert "Community Health Score" in text
    assert "Time to first response, median" in text
    assert "Active participation" in text


def test_someone_else_is_refused(workspace: SandboxWorkspace) -> None:
    answer = workspace.command("U0ANA00001", "health").json()
    assert "Only community managers" in answer["text"]
    time.sleep(0.5)  # what a lazy listener would have recorded by now
    workspace.settle()
    assert workspace.fake.hook_posts() == []
