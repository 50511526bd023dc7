"""/porch health: managers get the figures, privately; anyone else is refused."""

from __future__ import annotations

from porch.sandbox.workspace import SandboxWorkspace


def test_a_manager_sees_the_health_summary(workspace: SandboxWorkspace) -> None:
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    question = workspace.say("U0ANA00001", "general", "Where do I post my launch?")
    workspace.say(workspace.manager, "general", "In #wins!", thread_ts=question)

    answer = workspace.command(workspace.manager, "health").json()

    assert answer["response_type"] == "ephemeral"
    text = "\n".join(
        block["text"]["text"] for block in answer["blocks"] if block["type"] == "section"
    )
    assert "Community Health Score" in text
    assert "Time to first response, median" in text
    assert "Active participation" in text


def test_someone_else_is_refused(workspace: SandboxWorkspace) -> None:
    answer = workspace.command("U0ANA00001", "health").json()
    assert "Only community managers" in answer["text"]
