"""Onboarding's buttons, modal and `/porch welcome`, called as the Slack adapter calls them
(typed requests over a real store); who may use them is the adapter's to check
(tests/porch/features/onboarding/test_journeys.py shows the refusal over HTTP)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.interactions import (
    CommandRequest,
    Errors,
    MalformedPayload,
    Modal,
    Private,
    Verb,
    ViewSubmission,
)
from porch.features.onboarding.ids import Action, Input, View
from tests.conftest import config_with
from tests.porch.features.onboarding.community import TEAM, TRIGGER, Community, text_of

MANAGER = "U0MANAGER1"


def submit(community: Community, *, text: str, metadata: str) -> Any:
    view = {
        "private_metadata": metadata,
        "state": {"values": {Input.WELCOME_TEXT: {Input.WELCOME_TEXT: {"value": text}}}},
    }
    request = ViewSubmission(
        team_id=TEAM, user_id=MANAGER, trigger_id="", body={}, store=community, view=view
    )
    return community.interaction("view", View.PERSONALISE_WELCOME).handle(request)


@pytest.fixture
def warm(engine: Engine, config: Config) -> Community:
    community = Community(engine, config_with(config, onboarding={"welcome": "warm"}))
    community.join("U0ANA00001", "Ana")
    [card] = community.deliver()
    assert card.key == "welcome-card:U0ANA00001"
    assert card.payload["channel_name"] == config.channels.moderators
    assert community.member("U0ANA00001").welcome_status == "awaiting manager"
    return community


def test_the_managers_controls_are_declared_managers_only(warm: Community):
    managers_only = {
        i.id
        for kind in ("action", "view")
        for i in warm.features.interactions(kind)
        if i.managers_only  # type: ignore[arg-type]
    }
    assert {Action.WARM_SEND, Action.WARM_PERSONALISE, View.PERSONALISE_WELCOME} <= managers_only
    assert not {Action.OPEN_GUIDELINES, Action.JOIN_CHANNELS, Action.OPT_OUT} & managers_only
    [welcome] = [v for v in warm.features.verbs if v.name == "welcome"]
    assert isinstance(welcome, Verb) and welcome.managers_only


def test_send_welcome_sends_it_once_and_updates_the_card(warm: Community):
    assert warm.click(Action.WARM_SEND, user=MANAGER, value="U0ANA00001") is None
    assert warm.click(Action.WARM_SEND, user=MANAGER, value="U0ANA00001") is None
    delivered = warm.deliver()

    assert [e.key for e in delivered] == ["welcome:U0ANA00001", "welcome-card-done:U0ANA00001"]
    assert delivered[1].payload["of"] == "welcome-card:U0ANA00001"
    assert f"<@{MANAGER}> welcomed <@U0ANA00001>" in text_of(delivered[1])
    assert warm.member("U0ANA00001").welcome_status == "sent"


def test_a_card_naming_no_member_porch_knows_is_a_malformed_payload(warm: Community):
    with pytest.raises(MalformedPayload):
        warm.click(Action.WARM_SEND, user=MANAGER, value="U0NOBODY01")
    with pytest.raises(MalformedPayload):
        warm.click(Action.WARM_PERSONALISE, user=MANAGER, value="not a user")
    with pytest.raises(MalformedPayload):
        submit(warm, text="Hi", metadata=json.dumps({"user_id": "U0NOBODY01"}))
    assert warm.deliver() == []


def test_personalise_opens_the_modal_and_sends_the_managers_words_once(warm: Community):
    modal = warm.click(Action.WARM_PERSONALISE, user=MANAGER, value="U0ANA00001")
    assert isinstance(modal, Modal)
    assert modal.callback_id == View.PERSONALISE_WELCOME
    assert modal.private_metadata == {"user_id": "U0ANA00001"}
    assert modal.view["title"]["text"] == "Personal welcome"
    metadata = json.dumps(modal.private_metadata)

    empty = submit(warm, text="   ", metadata=metadata)
    first = submit(warm, text="Ana! Sam here, so glad you came <!here>.", metadata=metadata)
    again = submit(warm, text="Ana! Sam here, so glad you came <!here>.", metadata=metadata)
    warm.deliver()

    assert isinstance(empty, Errors)
    assert "Write a few words to Ana first" in empty.errors[Input.WELCOME_TEXT]
    assert first is None and again is None
    [welcome] = warm.dms("U0ANA00001")
    assert "Sam here, so glad you came &lt;!here&gt;." in text_of(welcome)


def resend(community: Community, args: str, *, trigger: str = TRIGGER) -> Any:
    request = CommandRequest(
        team_id=TEAM,
        user_id=MANAGER,
        trigger_id=trigger,
        body={},
        store=community,
        command={"command": "/porch", "text": f"welcome {args}"},
        args=args,
    )
    [verb] = [v for v in community.features.verbs if v.name == "welcome"]
    return verb.handle(request)


def test_porch_welcome_resends_once_per_invocation(engine: Engine, config: Config):
    community = Community(engine, config)
    community.join("U0ANA00001", "Ana")
    community.deliver()

    help_text = resend(community, "")
    sent = resend(community, "<@U0ANA00001|ana> <@U0NEW00001>")
    resend(community, "<@U0ANA00001|ana>")  # the same invocation (trigger_id): nothing more
    community.deliver()

    assert isinstance(help_text, Private) and "/porch welcome @member" in str(
        help_text.message.blocks
    )
    assert isinstance(sent, Private) and "The welcome is on its way" in sent.message.text
    assert "queued" not in sent.message.text
    assert len(community.dms("U0ANA00001")) == 2
    # Someone Porch had not recorded is recorded (without a welcome of their own) and welcomed.
    assert len(community.dms("U0NEW00001")) == 1
    assert community.member("U0NEW00001").joined_via == "manager"


def test_a_members_buttons_tick_the_checklist_and_stop_follow_ups(engine: Engine, config: Config):
    community = Community(engine, config)
    community.join("U0ANA00001", "Ana")
    community.deliver()

    for action in (Action.OPEN_GUIDELINES, Action.JOIN_CHANNELS, Action.JOIN_CHANNELS):
        assert community.click(action, user="U0ANA00001", value="join") is None
    assert community.click(Action.OPT_OUT, user="U0ANA00001", value="opt_out") is None
    for link in (Action.OPEN_INTRODUCTIONS, Action.OPEN_GETTING_STARTED):
        assert community.click(link, user="U0ANA00001") is None  # only acknowledged
    invites = [e for e in community.deliver() if e.kind == "invite"]

    member = community.member("U0ANA00001")
    assert member.guidelines_opened_at and member.channels_joined_at and member.opted_out_at
    assert len(invites) == len(config.onboarding.recommended_channels)
