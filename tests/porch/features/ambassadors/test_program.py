"""The program, as conversations through the sandbox workspace: a member applies, a manager
invites (a member may not), the member accepts and joins the ambassadors' channel; each step
delivered twice is done once; a member who left, a full program and a stranger's click get a
clear answer."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from porch.core.config import Config
from porch.core.store.schema import members
from porch.features.ambassadors.ids import Action
from porch.features.ambassadors.tables import ambassador_members
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.porch.features.ambassadors.community import ANA, BEN, program


@pytest.fixture
def workspace(workspace_factory, config: Config) -> SandboxWorkspace:
    workspace = workspace_factory(program(config))
    workspace.join(ANA, "Ana")
    workspace.join(BEN, "Ben")
    workspace.settle()
    return workspace


def in_channel(workspace: SandboxWorkspace, name: str) -> list[dict]:
    return workspace.fake.messages(workspace.fake.channel_id(name))


def dms(workspace: SandboxWorkspace, user_id: str, words: str) -> list[dict]:
    return [
        m
        for m in workspace.fake.messages(workspace.fake.dm_channel(user_id))
        if words in str(m["blocks"])
    ]


def state(engine: Engine, user_id: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(ambassador_members.c.state).where(ambassador_members.c.user_id == user_id)
        ).scalar()


def press(
    workspace: SandboxWorkspace, user_id: str, action_id: str, message: dict, value: str
) -> None:
    """A click on a button in a message (a card, a DM), as Slack sends it: with the channel,
    the message and a response_url bound to them."""
    channel_id = message["channel"]
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id=user_id,
            action_id=action_id,
            value=value,
            channel_id=channel_id,
            message=message,
            response_url=workspace.fake.response_url(
                channel_id=channel_id, user_id=user_id, message_ts=message["ts"]
            ),
        )
    )
    assert response.status_code == 200, response.text


def answers(workspace: SandboxWorkspace, user_id: str) -> str:
    return str(workspace.fake.ephemerals(user_id=user_id))


def card_of(workspace: SandboxWorkspace, words: str) -> dict:
    managers = workspace.config.channels.moderators
    return [m for m in in_channel(workspace, managers) if words in str(m["blocks"])][-1]


def said(response) -> str:
    body = response.json()
    return str(body.get("blocks") or body.get("text"))


def apply(workspace: SandboxWorkspace, user_id: str) -> dict:
    """The member types /porch ambassador; their card in the managers' channel."""
    workspace.command(user_id, "ambassador")
    workspace.settle()
    return card_of(workspace, f"<@{user_id}> applied")


def invitation(workspace: SandboxWorkspace, user_id: str) -> dict:
    [dm] = dms(workspace, user_id, "Accept")
    return dm


def test_apply_invite_accept_each_once(workspace: SandboxWorkspace, engine: Engine):
    first = workspace.command(ANA, "ambassador")
    again = workspace.command(ANA, "ambassador")
    workspace.settle()
    assert "Your application is with the community team" in said(first)
    assert "already with the community team" in said(again)
    card = card_of(workspace, f"<@{ANA}> applied")
    assert Action.AMBASSADOR_INVITE in str(card["blocks"])

    for _ in range(2):  # a double click
        press(workspace, workspace.manager, Action.AMBASSADOR_INVITE, card, ANA)
    workspace.settle()
    dm = invitation(workspace, ANA)  # exactly one
    assert "/ambassadors/" in str(dm["blocks"])
    assert state(engine, ANA) == "invited"
    assert "Invitation sent" in answers(workspace, workspace.manager)
    assert "invited already" in answers(workspace, workspace.manager)

    press(workspace, BEN, Action.AMBASSADOR_ACCEPT, dm, "1")  # not Ben's invitation
    for _ in range(2):
        press(workspace, ANA, Action.AMBASSADOR_ACCEPT, dm, "1")
    workspace.settle()
    assert state(engine, ANA) == "accepted" and state(engine, BEN) is None
    assert "isn't yours to answer" in answers(workspace, BEN)
    ambassadors = workspace.fake.channel_id(workspace.config.channels.ambassadors)
    assert ANA in workspace.fake.channel_members(ambassadors)
    assert BEN not in workspace.fake.channel_members(ambassadors)
    assert len(workspace.fake.calls("conversations.invite")) == 1
    [told] = [
        m
        for m in in_channel(workspace, workspace.config.channels.moderators)
        if "accepted and is being added" in str(m["blocks"])
    ]
    assert "1 of 10 ambassadors" in str(told["blocks"])


def test_only_managers_invite(workspace: SandboxWorkspace):
    card = apply(workspace, ANA)
    press(workspace, BEN, Action.AMBASSADOR_INVITE, card, ANA)
    workspace.settle()
    assert "Only community managers can do that" in answers(workspace, BEN)
    assert dms(workspace, ANA, "Accept") == []


def test_a_member_who_left_is_not_invited(workspace: SandboxWorkspace, engine: Engine):
    card = apply(workspace, BEN)
    with engine.begin() as conn:
        conn.execute(members.update().where(members.c.user_id == BEN).values(is_deleted=True))
    press(workspace, workspace.manager, Action.AMBASSADOR_INVITE, card, BEN)
    workspace.settle()
    assert dms(workspace, BEN, "Accept") == []
    assert "has left the workspace, so nothing was sent" in answers(workspace, workspace.manager)


def test_a_full_program_refuses_the_invitation(workspace_factory, config: Config, engine: Engine):
    workspace = workspace_factory(program(config, max_ambassadors=1))
    chloe = "U0CLO00001"
    for user, name in ((ANA, "Ana"), (BEN, "Ben"), (chloe, "Chloé")):
        workspace.join(user, name)
    for user in (ANA, BEN):
        press(workspace, workspace.manager, Action.AMBASSADOR_INVITE, apply(workspace, user), user)
    workspace.settle()
    press(workspace, ANA, Action.AMBASSADOR_ACCEPT, invitation(workspace, ANA), "1")
    workspace.settle()
    press(workspace, BEN, Action.AMBASSADOR_ACCEPT, invitation(workspace, BEN), "1")
    workspace.settle()
    assert state(engine, ANA) == "accepted" and state(engine, BEN) == "invited"
    assert "filled up before you answered" in answers(workspace, BEN)

    press(workspace, workspace.manager, Action.AMBASSADOR_INVITE, apply(workspace, chloe), chloe)
    workspace.settle()
    assert "The program is full" in answers(workspace, workspace.manager)
    assert dms(workspace, chloe, "Accept") == []


def test_decline_is_recorded_and_the_managers_told(workspace: SandboxWorkspace, engine: Engine):
    press(workspace, workspace.manager, Action.AMBASSADOR_INVITE, apply(workspace, BEN), BEN)
    workspace.settle()
    press(workspace, BEN, Action.AMBASSADOR_DECLINE, invitation(workspace, BEN), "1")
    workspace.settle()
    assert state(engine, BEN) == "declined"
    assert card_of(workspace, "declined the invitation")
    ambassadors = workspace.fake.channel_id(workspace.config.channels.ambassadors)
    assert BEN not in workspace.fake.channel_members(ambassadors)


def test_app_home_lists_candidates_for_managers_and_the_prompt_button_for_ambassadors(
    workspace: SandboxWorkspace,
):
    apply(workspace, ANA)
    workspace.open_home(workspace.manager)
    workspace.settle()
    home = str(workspace.fake.home_view(workspace.manager)["blocks"])
    assert "*Ambassador program*: 0 of 10 ambassadors." in home
    assert f"<@{ANA}>* (member, applied)" in home
    assert Action.AMBASSADOR_INVITE in home

    press(
        workspace, workspace.manager, Action.AMBASSADOR_INVITE, card_of(workspace, "applied"), ANA
    )
    workspace.settle()
    press(workspace, ANA, Action.AMBASSADOR_ACCEPT, invitation(workspace, ANA), "1")
    workspace.settle()
    refreshed = str(workspace.fake.home_view(workspace.manager)["blocks"])  # not reopened
    assert "*Ambassador program*: 1 of 10 ambassadors." in refreshed
    workspace.open_home(ANA)
    workspace.settle()
    mine = str(workspace.fake.home_view(ANA)["blocks"])
    assert "You're an ambassador" in mine and Action.AMBASSADOR_SUGGEST_PROMPT in mine
    workspace.open_home(BEN)
    workspace.settle()
    assert "Ambassador program" not in str(workspace.fake.home_view(BEN)["blocks"])


def test_invite_from_app_home_answers_in_a_modal(workspace: SandboxWorkspace, engine: Engine):
    with engine.begin() as conn:
        conn.execute(members.update().where(members.c.user_id == BEN).values(is_deleted=True))
    workspace.click(workspace.manager, Action.AMBASSADOR_INVITE, value=BEN)  # no channel
    workspace.click(workspace.manager, Action.AMBASSADOR_INVITE, value=ANA)
    workspace.settle()
    left, sent = workspace.fake.opened_views()
    assert "has left the workspace" in str(left["view"]["blocks"])
    assert "Invitation sent" in str(sent["view"]["blocks"])
    assert len(dms(workspace, ANA, "Accept")) == 1
