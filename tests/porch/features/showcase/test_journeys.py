"""The showcase as conversations through the sandbox (signed requests in, Slack calls out):
a member submits their work with consent (the shortcut, /porch share, or the suggestion a
hashtag brings), the managers review it in the review channel, approved work is posted once
with credit, and the author can withdraw it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select

from porch.core.mrkdwn_html import block_texts
from porch.core.tracker_queue import get_row
from porch.features.showcase import entries
from porch.features.showcase.ids import Action, Input, Shortcut, View
from porch.features.showcase.tables import showcase_entries
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace

DANA, ANA = "U0DANA0001", "U0ANA00001"
LINK = "https://dana.example.org/teardown"


def words(message: dict[str, Any]) -> str:
    return " ".join(block_texts(message.get("blocks"), message["text"]))


def joined(workspace: SandboxWorkspace) -> None:
    workspace.join(DANA, "Dana")
    workspace.join(ANA, "Ana")
    workspace.settle()


def share(workspace: SandboxWorkspace, user_id: str, args: str = "") -> dict[str, Any]:
    """`/porch share`: the modal it opens."""
    before = len(workspace.fake.opened_views())
    workspace.command(user_id, f"share {args}".strip())
    opened = workspace.fake.opened_views()
    assert len(opened) == before + 1
    return opened[-1]["view"]


def submit(
    workspace: SandboxWorkspace,
    user_id: str,
    view: dict[str, Any],
    *,
    title: str = "How I cut onboarding to two fields",
    link: str = LINK,
    description: str = "A teardown.\n\nWhat we cut, and what it did.",
    consent: bool = True,
    view_id: str = "V0SUBMIT01",
    deliveries: int = 1,
) -> dict[str, Any]:
    """Submit the modal (Slack sends the same view ID on a retry); Porch's answer, as JSON."""
    values = {
        Input.SHOWCASE_TITLE: {Input.SHOWCASE_TITLE: title},
        Input.SHOWCASE_LINK: {Input.SHOWCASE_LINK: link},
        Input.SHOWCASE_DESCRIPTION: {Input.SHOWCASE_DESCRIPTION: description},
        Input.SHOWCASE_CONSENT: {
            Input.SHOWCASE_CONSENT: {
                "type": "checkboxes",
                "selected_options": [{"value": "yes"}] if consent else [],
            }
        },
    }
    answer: dict[str, Any] = {}
    for _ in range(deliveries):
        response = workspace.sender.interactive(
            slack.view_submission(
                team_id=workspace.fake.team_id,
                user_id=user_id,
                callback_id=view["callback_id"],
                private_metadata=view["private_metadata"],
                values={str(k): {str(a): v for a, v in s.items()} for k, s in values.items()},
                view_id=view_id,
            )
        )
        assert response.status_code == 200, response.text
        answer = json.loads(response.body) if response.body else {}
    workspace.settle()
    return answer


def review_cards(workspace: SandboxWorkspace) -> list[dict[str, Any]]:
    review = workspace.fake.channel_id(workspace.config.channels.showcase)
    return [m for m in workspace.fake.messages(review) if m["user"] == workspace.fake.bot_user_id]


def featured(workspace: SandboxWorkspace) -> list[dict[str, Any]]:
    public = workspace.fake.channel_id(workspace.config.channels.wins)
    return [
        m
        for m in workspace.fake.messages(public)
        if m["user"] == workspace.fake.bot_user_id and "made by" in words(m)
    ]


def press(workspace: SandboxWorkspace, user_id: str, action: Action, card: dict[str, Any]) -> None:
    [button] = [
        e
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action
    ]
    workspace.click_message(
        user_id,
        action,
        channel=workspace.config.channels.showcase,
        ts=card["ts"],
        value=button["value"],
    )
    workspace.settle()


def the_entry(workspace: SandboxWorkspace) -> entries.Entry:
    with workspace.engine.begin() as conn:
        [entry_id] = conn.execute(select(showcase_entries.c.entry_id)).scalars().all()
        found = entries.get(conn, team_id=workspace.fake.team_id, entry_id=entry_id)
    assert found is not None
    return found


def told(workspace: SandboxWorkspace, user_id: str, needle: str) -> list[dict[str, Any]]:
    return [m for m in workspace.fake.dm_messages(user_id) if needle in words(m)]


def test_share_submits_with_consent_once_and_a_manager_approves_it_once(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    view = share(workspace, DANA, LINK)
    assert view["callback_id"] == View.SUBMIT_SHOWCASE
    [link_input] = [b for b in view["blocks"] if b.get("block_id") == Input.SHOWCASE_LINK]
    assert link_input["element"]["initial_value"] == LINK
    assert submit(workspace, DANA, view, deliveries=2) == {}  # the modal closes
    [card] = review_cards(workspace)
    assert "How I cut onboarding" in words(card) and f"<@{DANA}>" in words(card)
    assert len(told(workspace, DANA, "with the community team")) == 1
    entry = the_entry(workspace)
    assert entry.status == entries.PENDING and entry.consented_at is not None
    with workspace.engine.begin() as conn:
        row = get_row(conn, team_id=workspace.fake.team_id, sheet="Content", key=entry.entry_id)
    assert row["Status"] == "Pending review" and row["Link"] == LINK

    press(workspace, workspace.manager, Action.SHOWCASE_APPROVE, card)
    press(workspace, workspace.manager, Action.SHOWCASE_APPROVE, card)  # a double click
    entry = the_entry(workspace)
    assert (entry.status, entry.reviewer_id) == (entries.APPROVED, workspace.manager)
    [post] = featured(workspace)
    assert f"<@{DANA}>" in words(post) and LINK in words(post)
    assert len(told(workspace, DANA, "is in the showcase")) == 1
    [card] = review_cards(workspace)
    assert f"Approved by <@{workspace.manager}>" in words(card)
    assert not [b for b in card["blocks"] if b["type"] == "actions"]
    with workspace.engine.begin() as conn:
        row = get_row(conn, team_id=workspace.fake.team_id, sheet="Content", key=entry.entry_id)
    assert row["Status"] == "Approved" and row["Featured"]


def test_bad_input_is_answered_under_the_inputs_and_nothing_is_kept(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    view = share(workspace, DANA)
    answer = submit(workspace, DANA, view, link="", consent=False)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {Input.SHOWCASE_LINK, Input.SHOWCASE_CONSENT}
    assert "Add a link" in answer["errors"][Input.SHOWCASE_LINK]
    answer = submit(workspace, DANA, view, link="my blog post")
    assert "isn't a web link" in answer["errors"][Input.SHOWCASE_LINK]
    answer = submit(workspace, DANA, view, link="javascript:alert(1)")
    assert answer["response_action"] == "errors"
    with workspace.engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(showcase_entries)).scalar() == 0
    assert review_cards(workspace) == []


def test_a_non_manager_cannot_approve(workspace: SandboxWorkspace):
    joined(workspace)
    submit(workspace, DANA, share(workspace, DANA))
    [card] = review_cards(workspace)
    press(workspace, ANA, Action.SHOWCASE_APPROVE, card)
    assert "Only community managers can do that" in str(workspace.fake.ephemerals(user_id=ANA))
    assert the_entry(workspace).status == entries.PENDING
    assert featured(workspace) == []


def test_request_changes_and_reject_tell_the_author_once(workspace: SandboxWorkspace):
    joined(workspace)
    submit(workspace, DANA, share(workspace, DANA))
    [card] = review_cards(workspace)
    press(workspace, workspace.manager, Action.SHOWCASE_CHANGES, card)
    assert len(told(workspace, DANA, "would like a few changes")) == 1
    press(workspace, workspace.manager, Action.SHOWCASE_REJECT, card)
    assert len(told(workspace, DANA, "decided not to feature it")) == 1
    assert the_entry(workspace).status == entries.REJECTED
    assert featured(workspace) == []


def test_the_author_withdraws_and_approving_it_then_gets_a_clear_answer(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    submit(workspace, DANA, share(workspace, DANA))
    [card] = review_cards(workspace)
    press(workspace, workspace.manager, Action.SHOWCASE_APPROVE, card)
    [dm] = told(workspace, DANA, "is in the showcase")
    [withdraw] = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert withdraw["action_id"] == Action.SHOWCASE_WITHDRAW
    workspace.click(ANA, Action.SHOWCASE_WITHDRAW, value=withdraw["value"])  # not hers
    workspace.settle()
    assert the_entry(workspace).status == entries.APPROVED
    workspace.click(DANA, Action.SHOWCASE_WITHDRAW, value=withdraw["value"])
    workspace.settle()
    assert the_entry(workspace).status == entries.WITHDRAWN
    [post] = [
        m
        for m in workspace.fake.messages(workspace.fake.channel_id(workspace.config.channels.wins))
        if m["user"] == workspace.fake.bot_user_id and "showcase" in words(m).lower()
    ]
    assert "withdrawn by its author" in words(post) and LINK not in words(post)
    [card] = review_cards(workspace)
    assert "Withdrawn by its author" in words(card) and "by <@" + workspace.manager not in words(
        card
    )


def test_approving_a_withdrawn_submission_is_refused_clearly(workspace: SandboxWorkspace):
    joined(workspace)
    submit(workspace, DANA, share(workspace, DANA))
    [card] = review_cards(workspace)
    entry = the_entry(workspace)
    workspace.click(DANA, Action.SHOWCASE_WITHDRAW, value=entry.entry_id)
    workspace.settle()
    press(workspace, workspace.manager, Action.SHOWCASE_APPROVE, card)
    answers = str(workspace.fake.ephemerals(user_id=workspace.manager))
    assert "withdrew" in answers and "Nothing was published" in answers
    assert featured(workspace) == []


def test_a_member_who_left_is_not_featured(workspace: SandboxWorkspace):
    joined(workspace)
    submit(workspace, DANA, share(workspace, DANA))
    [card] = review_cards(workspace)
    workspace.fake.deactivate_user(DANA)
    workspace.event(slack.user_change(workspace.fake.user(DANA)))
    workspace.settle()
    press(workspace, workspace.manager, Action.SHOWCASE_APPROVE, card)
    assert "has left the workspace" in str(workspace.fake.ephemerals(user_id=workspace.manager))
    assert the_entry(workspace).status == entries.PENDING
    assert featured(workspace) == []


def test_the_showcase_post_survives_a_crash_mid_way(workspace: SandboxWorkspace):
    joined(workspace)
    submit(workspace, DANA, share(workspace, DANA))
    [card] = review_cards(workspace)
    workspace.fake.crash_after_next("chat.postMessage")
    press(workspace, workspace.manager, Action.SHOWCASE_APPROVE, card)
    for _ in range(4):
        workspace.clock.advance(dt.timedelta(seconds=30))
        workspace.settle()
    assert len(featured(workspace)) == 1


def test_the_shortcut_is_for_the_author_and_a_hashtag_brings_one_suggestion(
    workspace: SandboxWorkspace,
):
    joined(workspace)
    general = workspace.fake.channel_id("general")
    workspace.fake.add_member(general, DANA)
    text = f"Wrote up our onboarding teardown <{LINK}> #Showcase"
    ts = workspace.fake.add_message(general, user=DANA, text=text)
    workspace.event(slack.message(user=DANA, channel=general, text=text, ts=ts), deliveries=2)
    workspace.settle()
    [suggestion] = workspace.fake.ephemerals(user_id=DANA)
    assert "Submit to showcase" in json.dumps(suggestion)
    [message] = [m for m in workspace.fake.messages(general) if m["ts"] == ts]

    def shortcut(user_id: str) -> dict[str, Any]:
        workspace.sender.interactive(
            slack.message_shortcut(
                team_id=workspace.fake.team_id,
                user_id=user_id,
                callback_id=Shortcut.SUBMIT_SHOWCASE,
                channel_id=general,
                message=message,
            )
        )
        return workspace.fake.opened_views()[-1]["view"]

    assert "Only the person who wrote" in json.dumps(shortcut(ANA)["blocks"])
    view = shortcut(DANA)
    [link_input] = [b for b in view["blocks"] if b.get("block_id") == Input.SHOWCASE_LINK]
    assert link_input["element"]["initial_value"] == LINK
    with workspace.engine.begin() as conn:  # nothing kept before the member says yes
        assert conn.execute(select(func.count()).select_from(showcase_entries)).scalar() == 0
    submit(workspace, DANA, view)
    entry = the_entry(workspace)
    assert (entry.source_channel, entry.source_ts) == (general, ts)


def test_app_home_lists_the_members_submissions_with_withdraw(workspace: SandboxWorkspace):
    joined(workspace)
    submit(workspace, DANA, share(workspace, DANA))
    workspace.open_home(DANA)
    workspace.settle()
    home = workspace.fake.home_view(DANA)
    assert "Your showcase submissions" in json.dumps(home)
    assert Action.SHOWCASE_WITHDRAW in json.dumps(home)


def test_the_suggestions_button_opens_the_form_naming_the_message(workspace: SandboxWorkspace):
    joined(workspace)
    general = workspace.fake.channel_id("general")
    workspace.fake.add_member(general, DANA)
    ts = workspace.say(DANA, "general", "New landing page is up #showcase")
    workspace.settle()
    [suggestion] = workspace.fake.ephemerals(user_id=DANA)
    [button] = [e for b in suggestion["blocks"] if b["type"] == "actions" for e in b["elements"]]
    workspace.click(DANA, Action.SHOWCASE_SUGGESTED, value=button["value"])
    view = workspace.fake.opened_views()[-1]["view"]
    assert view["callback_id"] == View.SUBMIT_SHOWCASE
    assert json.loads(view["private_metadata"]) == {"source": f"{general} {ts}"}
    workspace.say(DANA, "general", "No tag here, or in #showcasey")
    workspace.settle()
    assert len(workspace.fake.ephemerals(user_id=DANA)) == 1
