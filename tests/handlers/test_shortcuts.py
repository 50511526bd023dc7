"""Message shortcuts: routed by callback_id; a shortcut cannot answer with a message, so a
private answer (a refusal too) opens as a modal."""

from __future__ import annotations

from porch.core.interactions import Private, ShortcutRequest
from porch.core.templating import Message
from porch.sandbox import slack_requests as slack
from tests.handlers.conftest import MEMBER, TEAM, Surface


def use(surface: Surface, user_id: str, callback_id: str):
    channel = surface.fake.channel_id("general")
    ts = surface.fake.add_message(channel, user=MEMBER, text="the search misses old threads")
    [message] = [m for m in surface.fake.messages(channel) if m["ts"] == ts]
    return surface.interactive(
        slack.message_shortcut(
            team_id=TEAM,
            user_id=user_id,
            callback_id=callback_id,
            channel_id=channel,
            message=message,
        )
    )


def test_a_shortcut_reaches_the_feature_with_its_message(surface: Surface):
    assert use(surface, MEMBER, "probe_shortcut").status == 200
    [request] = surface.asked("shortcut")
    assert isinstance(request, ShortcutRequest)
    assert request.message["text"] == "the search misses old threads"
    assert request.channel_id == surface.fake.channel_id("general")


def test_a_private_answer_opens_as_a_modal(surface: Surface):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Not here."}}]
    surface.probe.replies["shortcut"] = Private(Message(text="Not here.", blocks=blocks))
    use(surface, MEMBER, "probe_shortcut")

    [opened] = surface.fake.opened_views()
    assert opened["view"]["blocks"] == blocks


def test_a_manager_only_shortcut_refuses_anyone_else_in_a_modal(surface: Surface):
    use(surface, MEMBER, "probe_triage")

    assert surface.asked("triage") == []
    [opened] = surface.fake.opened_views()
    assert "Only community managers can do that" in str(opened["view"]["blocks"])
