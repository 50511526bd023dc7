"""Buttons: routed by action_id to the feature's function as a typed request; manager-only
buttons refuse everyone else privately, once per click, without calling the feature."""

from __future__ import annotations

from sqlalchemy import select

from porch.core.config import Config
from porch.core.interactions import ActionRequest, Modal, Private
from porch.core.store.schema import effects
from porch.core.templating import Message
from tests.handlers.conftest import MEMBER, TEAM, Surface

DONE = Message(
    text="Done", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "Done"}}]
)


def private_answers(surface: Surface) -> list[dict]:
    with surface.engine.begin() as conn:
        rows = conn.execute(select(effects.c.effect_key, effects.c.kind, effects.c.payload))
        return [dict(row._mapping) for row in rows if row.effect_key.startswith("private:")]


def test_a_press_reaches_the_feature_as_a_typed_request(surface: Surface):
    response = surface.press(MEMBER, "probe_press")

    assert (response.status, response.body) == (200, "")
    [request] = surface.asked("press")
    assert isinstance(request, ActionRequest)
    assert (request.team_id, request.user_id, request.value) == (TEAM, MEMBER, "v1")
    assert private_answers(surface) == []


def test_a_manager_only_button_refuses_anyone_else_privately(surface: Surface):
    response = surface.press(MEMBER, "probe_approve")

    assert response.status == 200
    assert surface.asked("approve") == []
    [answer] = private_answers(surface)
    assert answer["kind"] == "respond"
    message = answer["payload"]["message"]
    assert message["response_type"] == "ephemeral" and message["replace_original"] is False
    assert "Only community managers can do that" in message["text"]

    surface.press(surface.manager, "probe_approve")
    assert [r.user_id for r in surface.asked("approve")] == [surface.manager]


def test_a_usergroup_member_is_a_manager(surface_for, config: Config):
    managers = config.managers.model_copy(update={"usergroup": "S0MANAGERS"})
    surface = surface_for(config.model_copy(update={"managers": managers}))
    surface.fake.add_usergroup("S0MANAGERS", ["U0LEE00001"])
    surface.press("U0LEE00001", "probe_approve")
    assert [r.user_id for r in surface.asked("approve")] == ["U0LEE00001"]


def test_a_modal_reply_is_opened_within_the_trigger(surface: Surface):
    surface.probe.replies["press"] = Modal(
        view={"type": "modal", "title": {"type": "plain_text", "text": "Probe"}, "blocks": []},
        callback_id="probe_modal",
        private_metadata={"item": "42"},
    )
    surface.press(MEMBER, "probe_press")

    [opened] = surface.fake.opened_views()
    assert opened["view"]["callback_id"] == "probe_modal"
    assert opened["view"]["private_metadata"] == '{"item": "42"}'


def test_a_private_reply_can_replace_the_pressed_message(surface: Surface):
    surface.probe.replies["press"] = Private(
        Message(
            text="Done", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "Done"}}]
        ),
        replace_original=True,
    )
    surface.press(MEMBER, "probe_press")

    [answer] = private_answers(surface)
    assert answer["payload"]["message"]["replace_original"] is True
    assert "response_type" not in answer["payload"]["message"]


def test_a_press_without_a_user_is_a_400(surface: Surface):
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {},
        "actions": [{"action_id": "probe_press", "type": "button"}],
        "trigger_id": "1.2.abc",
    }
    response = surface.interactive(payload)

    assert response.status == 400
    assert surface.asked("press") == []
