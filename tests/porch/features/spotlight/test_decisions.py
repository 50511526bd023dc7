"""The monthly spotlight, as conversations over HTTP: a month of activity, the draft the managers
get on the 1st, and what Approve, Edit and Skip do (and refuse to do for anyone else). The
domain's rules (the moment, one decision) are in test_drafts.py, without the sandbox."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from porch.features.spotlight.ids import Action, Input, View
from porch.features.spotlight.tables import spotlight_picks, spotlights
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace

ANA, BEN, CHLOE, DANA = "U0ANA00001", "U0BEN00001", "U0CHLOE001", "U0DANA0001"
MONTH = "2026-11"
# 1 December, 10:00 in Berlin (the community's timezone): the configured drafting moment.
DRAFT_TIME = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def a_month_of_activity(workspace: SandboxWorkspace) -> None:
    """November in a small community. Expected scores (weights: reply to others 1, reaction
    received 0.5, win shared 3, first answer 2; the manager Sam is never a candidate):

    - Ben: replies to others 2 (Ana's and Dana's questions), first answers 2 (both), reactions
      received 1 (Ana's :+1: on his answer) -> 2 + 4 + 0.5 = 6.5
    - Chloé: replies to others 1 (second to answer Ana), wins 1, reactions received 3 (Ana's,
      Ben's and Sam's :tada:; her own does not count) -> 1 + 3 + 1.5 = 5.5
    - Dana: wins 1 in November (her December win is next month's) -> 3
    - Ana: only replied in her own thread and received nothing -> 0, not a candidate.
    """
    for user_id, name in ((ANA, "Ana"), (BEN, "Ben"), (CHLOE, "Chloé <!channel>"), (DANA, "Dana")):
        workspace.join(user_id, name)
    sam = workspace.manager
    question = workspace.say(ANA, "general", "How do you price a SaaS for tiny teams?")
    answer = workspace.say(BEN, "general", "Per seat, with a free tier.", thread_ts=question)
    workspace.say(CHLOE, "general", "Flat price worked for me.", thread_ts=question)
    workspace.say(ANA, "general", "Thanks both!", thread_ts=question)
    workspace.react(ANA, "general", answer, "+1", author=BEN)

    workspace.at(dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC))
    win = workspace.say(CHLOE, "wins", "Shipped my pricing page!")
    for reactor in (ANA, BEN, sam, CHLOE):
        workspace.react(reactor, "wins", win, "tada", author=CHLOE, deliveries=2)
    workspace.say(sam, "wins", "Congrats!", thread_ts=win)
    workspace.say(DANA, "wins", "First paying customer today.")
    other = workspace.say(DANA, "general", "Anyone tried Paddle for payments?")
    workspace.say(BEN, "general", "Yes, works well in the EU.", thread_ts=other)

    workspace.at(DRAFT_TIME - dt.timedelta(hours=1))  # 1 December, 09:00 Berlin
    workspace.say(DANA, "wins", "Second customer!")


def draft_cards(workspace: SandboxWorkspace) -> list[dict]:
    channel_id = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [
        m
        for m in workspace.fake.messages(channel_id)
        if m["user"] == workspace.fake.bot_user_id and "Spotlight for" in m["text"]
    ]


def public_posts(workspace: SandboxWorkspace) -> list[dict]:
    channel_id = workspace.fake.channel_id(workspace.config.channels.home)
    return [
        m
        for m in workspace.fake.messages(channel_id)
        if m["user"] == workspace.fake.bot_user_id and "Spotlight for" in m["text"]
    ]


def card_text(card: dict) -> str:
    return "\n".join(
        b["text"]["text"] if b["type"] == "section" else b["elements"][0].get("text", "")
        for b in card["blocks"]
        if b["type"] in ("section", "context")
    )


def state(workspace: SandboxWorkspace) -> str:
    with workspace.engine.begin() as conn:
        return conn.scalar(select(spotlights.c.state).where(spotlights.c.month == MONTH))


@pytest.fixture
def drafted(workspace: SandboxWorkspace) -> SandboxWorkspace:
    a_month_of_activity(workspace)
    workspace.at(DRAFT_TIME)
    return workspace


def test_the_top_three_are_drafted_to_the_managers_with_their_evidence(drafted):
    with drafted.engine.begin() as conn:
        picks = conn.execute(select(spotlight_picks).order_by(spotlight_picks.c.rank)).all()
    assert [(p.user_id, p.score) for p in picks] == [(BEN, 6.5), (CHLOE, 5.5), (DANA, 3.0)]
    assert picks[0].evidence == {
        "replies_to_others": 2,
        "reactions_received": 1,
        "wins_shared": 0,
        "first_responses": 2,
    }
    assert picks[1].evidence["reactions_received"] == 3

    [card] = draft_cards(drafted)
    text = card_text(card)
    assert "Spotlight for November 2026: draft" in text
    assert f"*1. <@{BEN}>*: score 6.5. 2 replies to others, 1 reaction received" in text
    assert "<!channel>" not in text
    buttons = [
        e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [Action.SPOTLIGHT_APPROVE, Action.SPOTLIGHT_EDIT, Action.SPOTLIGHT_SKIP]
    assert public_posts(drafted) == []

    drafted.at(DRAFT_TIME + dt.timedelta(days=1))
    assert len(draft_cards(drafted)) == 1  # once per month


def test_an_approved_spotlight_is_posted_once_even_on_a_double_click(drafted):
    drafted.click(drafted.manager, Action.SPOTLIGHT_APPROVE, value=MONTH)
    drafted.click(drafted.manager, Action.SPOTLIGHT_APPROVE, value=MONTH)
    drafted.settle()
    drafted.click(drafted.manager, Action.SPOTLIGHT_APPROVE, value=MONTH)
    drafted.settle()

    [post] = public_posts(drafted)
    text = card_text(post)
    assert f"<@{BEN}>: 2 replies to others, 1 reaction received, 2 first answers" in text
    assert "thank" in text
    [card] = draft_cards(drafted)
    assert f"Approved by <@{drafted.manager}> on 1 December, 10:00" in card_text(card)
    assert not [b for b in card["blocks"] if b["type"] == "actions"]
    assert state(drafted) == "approved"


def test_a_post_that_failed_once_is_still_posted_once(drafted):
    drafted.fake.crash_after_next("chat.postMessage")
    drafted.click(drafted.manager, Action.SPOTLIGHT_APPROVE, value=MONTH)
    drafted.settle()
    drafted.settle()
    assert len(public_posts(drafted)) == 1


def press(workspace: SandboxWorkspace, user_id: str, action_id: str) -> None:
    """A button on the draft card, as Slack sends it: with the channel, the card and a
    response_url (where a private answer goes)."""
    moderators = workspace.fake.channel_id(workspace.config.channels.moderators)
    [card] = draft_cards(workspace)
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id=user_id,
            action_id=action_id,
            value=MONTH,
            channel_id=moderators,
            message=card,
            response_url=workspace.fake.response_url(channel_id=moderators, user_id=user_id),
        )
    )
    assert response.status_code == 200, response.text


def test_a_non_managers_approve_is_refused_privately(drafted):
    press(drafted, ANA, Action.SPOTLIGHT_APPROVE)
    press(drafted, ANA, Action.SPOTLIGHT_SKIP)
    drafted.settle()

    assert public_posts(drafted) == []
    assert state(drafted) == "drafted"
    moderators = drafted.fake.channel_id(drafted.config.channels.moderators)
    refusals = drafted.fake.ephemerals(channel_id=moderators, user_id=ANA)
    assert len(refusals) == 2
    assert all("Only community managers can do that" in r["text"] for r in refusals)
    [card] = draft_cards(drafted)
    assert [b for b in card["blocks"] if b["type"] == "actions"]  # still waiting for a manager


def test_skip_posts_nothing_and_a_later_approve_does_nothing(drafted):
    drafted.click(drafted.manager, Action.SPOTLIGHT_SKIP, value=MONTH)
    drafted.click(drafted.manager, Action.SPOTLIGHT_APPROVE, value=MONTH)
    drafted.settle()

    assert public_posts(drafted) == []
    assert state(drafted) == "skipped"
    [card] = draft_cards(drafted)
    assert f"Skipped by <@{drafted.manager}>" in card_text(card)


def submit_words(workspace: SandboxWorkspace, user_id: str, words: str):
    return workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=user_id,
            callback_id=View.EDIT_SPOTLIGHT,
            values={Input.SPOTLIGHT_NOTE: {Input.SPOTLIGHT_NOTE: words}},
            private_metadata=json.dumps({"month": MONTH}),
        )
    )


def test_edited_words_show_on_the_card_and_in_the_approved_post(drafted):
    drafted.click(drafted.manager, Action.SPOTLIGHT_EDIT, value=MONTH)
    [opened] = drafted.fake.opened_views()
    [field] = [b for b in opened["view"]["blocks"] if b["type"] == "input"]
    assert field["element"]["initial_value"].startswith("Every month a few people")

    words = "Huge thanks <!channel> to these three & everyone who helped."
    response = submit_words(drafted, drafted.manager, words)
    assert response.status_code == 200 and response.text in ("", "null")
    drafted.settle()
    [card] = draft_cards(drafted)
    assert "Huge thanks &lt;!channel&gt; to these three &amp; everyone" in card_text(card)
    assert f"Words last edited by <@{drafted.manager}>" in card_text(card)

    drafted.click(drafted.manager, Action.SPOTLIGHT_APPROVE, value=MONTH)
    drafted.settle()
    [post] = public_posts(drafted)
    assert "Huge thanks &lt;!channel&gt; to these three" in card_text(post)


def test_a_non_manager_cannot_save_words_or_open_the_editor(drafted):
    response = submit_words(drafted, ANA, "My own words")
    assert response.status_code == 200
    assert json.loads(response.text)["response_action"] == "errors"
    drafted.click(ANA, Action.SPOTLIGHT_EDIT, value=MONTH)
    assert drafted.fake.opened_views() == []
    with drafted.engine.begin() as conn:
        assert conn.scalar(select(spotlights.c.note)) is None


def test_words_saved_after_the_decision_are_refused(drafted):
    drafted.click(drafted.manager, Action.SPOTLIGHT_APPROVE, value=MONTH)
    response = submit_words(drafted, drafted.manager, "Too late")
    assert json.loads(response.text)["response_action"] == "errors"


def test_a_month_that_was_never_drafted_is_a_bad_request(drafted):
    response = drafted.sender.interactive(
        slack.block_actions(
            team_id=drafted.fake.team_id,
            user_id=drafted.manager,
            action_id=Action.SPOTLIGHT_APPROVE,
            value="2025-01",
        )
    )
    assert response.status_code == 400


def test_a_refusal_with_nowhere_to_answer_changes_nothing(drafted):
    """A click whose payload names no channel and no response_url (not Slack's shape for a
    message button): refused, with no answer recorded and nothing decided."""
    drafted.click(DANA, Action.SPOTLIGHT_APPROVE, value=MONTH)
    drafted.settle()
    assert drafted.fake.ephemerals() == []
    assert public_posts(drafted) == [] and state(drafted) == "drafted"
