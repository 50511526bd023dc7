"""/porch health: managers get the figures, privately; anyone else is refused.

The command is acknowledged at once (reading both periods of a large community takes longer than
Slack waits); the figures follow through the command's response_url, delivered by the worker.
"""

from __future__ import annotations

from porch.sandbox.workspace import SandboxWorkspace


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
    workspace.settle()
    assert workspace.fake.hook_posts() == []
