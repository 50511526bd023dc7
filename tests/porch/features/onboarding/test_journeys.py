"""Onboarding, as conversations: events in through Porch's HTTP endpoint, messages out in Slack.

The end-to-end journeys and one scenario per button, modal and verb; the rules one by one are
tested on the store alone (test_welcome.py, test_introductions.py, test_follow_ups.py,
test_controls.py)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from porch.core.mrkdwn_html import block_texts
from porch.core.store.schema import effects, members
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING, config_with


def dm_texts(workspace: SandboxWorkspace, user_id: str) -> list[str]:
    return [m["text"] for m in workspace.fake.dm_messages(user_id)]


def member(workspace: SandboxWorkspace, user_id: str):  # type: ignore[no-untyped-def]
    with workspace.engine.begin() as conn:
        return conn.execute(select(members).where(members.c.user_id == user_id)).first()


def buttons(message: dict) -> list[str]:
    return [
        element["text"]["text"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_a_newcomer_gets_one_welcome_dm_with_the_first_steps(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()

    [welcome] = workspace.fake.dm_messages("U0ANA00001")
    assert "Welcome to Indie Makers Circle" in welcome["text"]
    body = " ".join(b["text"]["text"] for b in welcome["blocks"] if b["type"] == "section")
    assert "This is the place where indie founders" in body
    assert buttons(welcome) == [
        "Read the guidelines",
        "Introduce yourself",
        "Join the recommended channels",
    ]
    guidelines = welcome["blocks"][-2]["elements"][0]["url"]
    assert guidelines == "https://makers.example.org/guidelines/"
    assert member(workspace, "U0ANA00001").welcomed_at is not None


def test_the_welcome_dm_counts_the_same_first_steps_as_app_home(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.open_home("U0ANA00001")
    workspace.settle()

    [welcome] = workspace.fake.dm_messages("U0ANA00001")
    body = " ".join(b["text"]["text"] for b in welcome["blocks"] if b["type"] == "section")
    home = workspace.fake.home_view("U0ANA00001")
    checklist = next(b["text"]["text"] for b in home["blocks"] if "first steps" in str(b))
    steps = re.findall(r":white_square:  (.+)", checklist)
    in_words = {3: "Three", 4: "Four", 5: "Five"}[len(steps)]
    assert f"(0 of {len(steps)} done)" in checklist
    assert f"{in_words} small steps make the first week easier" in body
    assert re.findall(r"\*(\d)\.\*", body) == [str(n) for n in range(1, len(steps) + 1)]
    assert "Post your first message" in body  # the step the DM used to leave out


def test_a_join_delivered_three_times_welcomes_once(workspace: SandboxWorkspace):
    user = workspace.add_user("U0BEN00001", "Ben", "Ben Carter")
    responses = workspace.event(slack.team_join(user), deliveries=3)
    workspace.settle()

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len(workspace.fake.dm_messages("U0BEN00001")) == 1
    posts = [
        c for c in workspace.fake.calls("chat.postMessage") if c.params["channel"] == "U0BEN00001"
    ]
    assert len(posts) == 1


def test_an_introduction_in_the_thread_is_recorded_once_and_ticks_the_checklist(
    workspace_factory, config
):
    # Porch starts before Monday's 09:00 thread slot (Berlin), so this week's thread opens.
    workspace = workspace_factory(config, at=MONDAY_MORNING - dt.timedelta(hours=2))
    workspace.at(MONDAY_MORNING)
    workspace.join("U0ANA00001", "Ana")
    workspace.open_home("U0ANA00001")
    workspace.settle()
    thread_ts = workspace.intro_thread_ts()

    ts = workspace.say("U0ANA00001", "introductions", "Hi, I'm Ana!", thread_ts=thread_ts)
    workspace.settle()
    first = member(workspace, "U0ANA00001").introduced_at
    workspace.say("U0ANA00001", "introductions", "And one more thing", thread_ts=thread_ts)
    workspace.settle()

    assert first is not None
    assert member(workspace, "U0ANA00001").introduced_at == first
    assert workspace.fake.reactions(workspace.fake.channel_id("introductions"), ts)
    home = workspace.fake.home_view("U0ANA00001")
    checklist = next(b["text"]["text"] for b in home["blocks"] if "first steps" in str(b))
    assert ":white_check_mark:  Introduce yourself" in checklist
    assert ":white_check_mark:  Post your first message" in checklist
    assert ":white_square:  Read the guidelines" in checklist


def test_a_nudge_goes_once_and_never_after_opting_out(workspace: SandboxWorkspace):
    workspace.join("U0BEN00001", "Ben", tz="Europe/Berlin")
    workspace.join("U0CLO00001", "Chloé", tz="Europe/Berlin")
    workspace.settle()
    workspace.click("U0CLO00001", "porch_followups_opt_out")

    for hours in (72, 73, 80):
        workspace.at(MONDAY_MORNING + dt.timedelta(hours=hours))

    ben = dm_texts(workspace, "U0BEN00001")
    assert len(ben) == 2 and "A quick hello" in ben[1]
    assert len(dm_texts(workspace, "U0CLO00001")) == 1  # only the welcome
    assert member(workspace, "U0CLO00001").opted_out_at is not None


def test_a_dm_that_can_never_be_delivered_is_recorded_not_retried(workspace: SandboxWorkspace):
    user = workspace.add_user("U0GONE0001", "Gone", "Gone")
    workspace.fake.deactivate_user("U0GONE0001")
    workspace.event(slack.team_join({**user, "deleted": False}))
    workspace.settle()
    workspace.settle()

    assert member(workspace, "U0GONE0001").welcome_status.startswith("failed")
    with workspace.engine.begin() as conn:
        [effect] = conn.execute(select(effects).where(effects.c.effect_key == "welcome:U0GONE0001"))
    assert effect.status == "failed" and effect.attempts == 1


def test_warm_welcome_lets_a_manager_send_it_once(workspace_factory, config):
    workspace = workspace_factory(config_with(config, onboarding={"welcome": "warm"}))
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    moderators = workspace.fake.channel_id("community-team")

    def cards() -> list[dict]:
        """The warm-welcome cards (the managers' morning check-in goes there too)."""
        return [
            m
            for m in workspace.fake.messages(moderators)
            if m["metadata"]["event_payload"]["key"].startswith("welcome-card:")
        ]

    [card] = cards()
    assert buttons(card) == ["Send welcome", "Personalise"]
    assert workspace.fake.dm_messages("U0ANA00001") == []

    workspace.click(workspace.manager, "porch_warm_send", value="U0ANA00001")
    workspace.click(workspace.manager, "porch_warm_send", value="U0ANA00001")
    workspace.settle()

    assert len(workspace.fake.dm_messages("U0ANA00001")) == 1
    [card] = cards()
    assert card["text"] == "Welcome sent to Ana"
    assert f"<@{workspace.manager}> welcomed <@U0ANA00001>" in card["blocks"][0]["text"]["text"]


def test_a_manager_can_resend_a_welcome_with_a_command(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()

    denied = workspace.command("U0ANA00001", "welcome <@U0ANA00001|ana>")
    sent = workspace.command(workspace.manager, "welcome <@U0ANA00001|ana>")
    workspace.settle()

    assert "Only community managers" in denied.json()["text"]
    assert "The welcome is on its way to" in sent.json()["text"]
    assert len(workspace.fake.dm_messages("U0ANA00001")) == 2


def test_reconcile_welcomes_who_joined_while_porch_was_down(workspace: SandboxWorkspace):
    workspace.add_user("U0OLD00001", "Olga", "Olga")
    workspace.runtime.reconcile(team_id=workspace.runtime.team_id, welcome=False)
    workspace.add_user("U0FAR00001", "Farid", "Farid")

    counts = workspace.runtime.reconcile(team_id=workspace.runtime.team_id)
    again = workspace.runtime.reconcile(team_id=workspace.runtime.team_id)
    workspace.settle()

    assert counts["welcomed"] == 1
    assert again["welcomed"] == 0
    assert workspace.fake.dm_messages("U0OLD00001") == []
    assert len(workspace.fake.dm_messages("U0FAR00001")) == 1


def test_personalise_opens_a_modal_and_sends_the_managers_own_words_once(workspace_factory, config):
    workspace = workspace_factory(config_with(config, onboarding={"welcome": "warm"}))
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()

    workspace.click(workspace.manager, "porch_warm_personalise", value="U0ANA00001")
    [opened] = workspace.fake.opened_views()
    modal = opened["view"]
    assert modal["title"]["text"] == "Personal welcome"

    def submit(text: str) -> slack.Response:
        return workspace.sender.interactive(
            slack.view_submission(
                team_id=workspace.fake.team_id,
                user_id=workspace.manager,
                callback_id=modal["callback_id"],
                private_metadata=modal["private_metadata"],
                values={"welcome_text": {"welcome_text": text}},
            )
        )

    empty = submit("   ")
    first = submit("Ana! Sam here, so glad you came <!here>.")
    again = submit("Ana! Sam here, so glad you came <!here>.")
    workspace.settle()

    assert empty.json()["response_action"] == "errors"
    assert "Write a few words to Ana first" in empty.json()["errors"]["welcome_text"]
    assert [first.status_code, again.status_code] == [200, 200]
    [welcome] = workspace.fake.dm_messages("U0ANA00001")
    assert "Sam here, so glad you came &lt;!here&gt;." in str(welcome["blocks"])
    assert "Read the guidelines" in buttons(welcome)


def test_a_forged_personalise_submission_from_a_member_sends_nothing(workspace_factory, config):
    workspace = workspace_factory(config_with(config, onboarding={"welcome": "warm"}))
    workspace.join("U0ANA00001", "Ana")
    workspace.add_user("U0MAL00001", "Mal", "Mal")
    workspace.settle()

    # Signed like Slack's own, but sent by a member who never had the modal opened for them.
    forged = workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id="U0MAL00001",
            callback_id="porch_personalise_welcome",
            private_metadata='{"user_id": "U0ANA00001"}',
            values={"welcome_text": {"welcome_text": "Click here for free swag"}},
        )
    )
    workspace.settle()

    assert forged.status_code == 200
    assert forged.json()["response_action"] == "errors"
    assert "Only community managers" in forged.json()["errors"]["welcome_text"]
    assert workspace.fake.dm_messages("U0ANA00001") == []
    with workspace.engine.begin() as conn:
        keys = [row.effect_key for row in conn.execute(select(effects.c.effect_key))]
    assert not [key for key in keys if key.startswith("welcome:")]
    assert member(workspace, "U0ANA00001").welcome_status == "awaiting manager"


def test_the_join_button_invites_to_each_recommended_channel_once(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()

    workspace.click("U0ANA00001", "porch_join_channels")
    workspace.click("U0ANA00001", "porch_join_channels")
    workspace.settle()

    for name in workspace.config.onboarding.recommended_channels:
        assert "U0ANA00001" in workspace.fake.channel_members(workspace.fake.channel_id(name))
    invites = workspace.fake.calls("conversations.invite")
    assert len(invites) == len(workspace.config.onboarding.recommended_channels)
    assert member(workspace, "U0ANA00001").channels_joined_at is not None


def test_opening_the_guidelines_ticks_the_checklist(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.open_home("U0ANA00001")
    workspace.settle()

    workspace.click("U0ANA00001", "porch_open_guidelines")
    workspace.settle()

    home = workspace.fake.home_view("U0ANA00001")
    checklist = next(b["text"]["text"] for b in home["blocks"] if "first steps" in str(b))
    assert ":white_check_mark:  Read the guidelines" in checklist
    assert member(workspace, "U0ANA00001").guidelines_opened_at is not None


def test_app_home_is_published_when_opened_then_kept_current(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    assert workspace.fake.home_view("U0ANA00001") is None, "nobody looked yet: nothing sent"

    workspace.open_home("U0ANA00001")
    workspace.settle()
    assert "0 of 4 done" in str(workspace.fake.home_view("U0ANA00001"))

    workspace.click("U0ANA00001", "porch_open_guidelines")
    workspace.settle()
    assert "1 of 4 done" in str(workspace.fake.home_view("U0ANA00001"))
    assert len(workspace.fake.calls("views.publish")) == 2


def test_a_non_manager_pressing_a_warm_welcome_button_is_refused_privately(
    workspace_factory, config
):
    workspace = workspace_factory(config_with(config, onboarding={"welcome": "warm"}))
    workspace.join("U0ANA00001", "Ana")
    workspace.join("U0BEN00001", "Ben")
    workspace.settle()
    moderators = workspace.fake.channel_id(workspace.config.channels.moderators)
    workspace.fake.add_member(moderators, "U0BEN00001")
    [card] = [
        m
        for m in workspace.fake.messages(moderators)
        if m["metadata"]["event_payload"]["key"] == "welcome-card:U0ANA00001"
    ]

    # Pressed on the card, as Slack sends it: with the channel, the message and a response_url.
    for action_id in ("porch_warm_send", "porch_warm_personalise"):
        response = workspace.sender.interactive(
            slack.block_actions(
                team_id=workspace.fake.team_id,
                user_id="U0BEN00001",
                action_id=action_id,
                value="U0ANA00001",
                channel_id=moderators,
                message=card,
                response_url=workspace.fake.response_url(
                    channel_id=moderators, user_id="U0BEN00001"
                ),
            )
        )
        assert response.status_code == 200
    workspace.settle()

    refusals = workspace.fake.ephemerals(channel_id=moderators, user_id="U0BEN00001")
    assert len(refusals) == 2
    assert all("Only community managers can do that" in r["text"] for r in refusals)
    assert workspace.fake.dm_messages("U0ANA00001") == []
    assert workspace.fake.opened_views() == []
    assert member(workspace, "U0ANA00001").welcome_status == "awaiting manager"


def test_link_buttons_are_only_acknowledged(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.settle()
    before = len(workspace.fake.calls())

    for action_id in ("porch_open_introductions", "porch_open_getting_started"):
        assert workspace.click("U0ANA00001", action_id).status_code == 200
    workspace.settle()

    assert len(workspace.fake.calls()) == before
    assert member(workspace, "U0ANA00001").introduced_at is None


def test_the_quiet_note_counts_the_real_days_and_suggests_rituals_still_ahead(
    workspace: SandboxWorkspace,
):
    """Ana was last seen on Wednesday Nov 4 and Porch next looks on Friday Nov 27 at 15:30 in
    Berlin (14:30 UTC): 23 days, not the 15-day threshold. Friday wins (15:00 Berlin) has just
    passed, although 15:00 UTC is still ahead; Monday goals and the Wednesday poll are next."""
    workspace.join("U0ANA00001", "Ana", tz="Europe/Berlin")
    workspace.clock.set(dt.datetime(2026, 11, 4, 14, 0, tzinfo=dt.UTC))
    workspace.say("U0ANA00001", "general", "Hello all")
    workspace.settle()

    workspace.at(dt.datetime(2026, 11, 27, 14, 30, tzinfo=dt.UTC))

    [note] = [
        " ".join(block_texts(m.get("blocks"), m["text"]))
        for m in workspace.fake.dm_messages("U0ANA00001")
        if "not seen you" in " ".join(block_texts(m.get("blocks"), m["text"]))
    ]
    assert "for 23 days" in note
    assert "Monday goals on Monday 30 November or Midweek question on Wednesday 2 December" in note
    assert "Friday" not in note
