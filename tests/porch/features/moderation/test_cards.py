"""Moderation's cards, as conversations: a rule matches a member's message (delivered twice),
an edit is checked again, a deletion shows on the card, two members report one message, and a
message both keyword alerts and a rule match gets one card."""

from __future__ import annotations

import json

from porch.core.config import Config
from porch.features.moderation.config import ModerationRule
from tests.porch.features.moderation.conversation import (
    ANA,
    BEN,
    CAL,
    PITCH,
    cards,
    delete,
    edit,
    last_modal,
    members,
    moderating,
    report,
    text_of,
)


def test_a_rule_brings_the_message_to_the_moderators_once(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    channel = workspace.fake.channel_id("general")
    ts = workspace.fake.add_message(channel, user=ANA, text="Big crypto giveaway <!channel>")
    from porch.sandbox import slack_requests as slack

    event = slack.message(user=ANA, channel=channel, text="Big crypto giveaway <!channel>", ts=ts)
    workspace.event(event, deliveries=2)  # Slack redelivers
    workspace.settle()
    [card] = cards(workspace)
    shown = text_of(card)
    assert "Crypto pitch" in shown and "No unsolicited pitches" in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown  # pings nobody
    assert "No earlier cases" in shown
    assert "Suggested next step: *Remind*" in shown
    workspace.say(ANA, "general", "Thanks for the feedback on my landing page")
    workspace.settle()
    assert len(cards(workspace)) == 1


def test_a_pattern_matches_and_an_edit_updates_the_card(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    ts = workspace.say(ANA, "general", "Happy to help with your launch")
    workspace.settle()
    assert cards(workspace) == []

    edit(workspace, ANA, "general", ts, "Join us at t.me/pumpgroup", times=2)
    workspace.settle()
    [card] = cards(workspace)
    assert "t.me/pumpgroup" in text_of(card)

    edit(workspace, ANA, "general", ts, "Happy to help with your launch, sorry")
    workspace.settle()
    [card] = cards(workspace)
    shown = text_of(card)
    assert "(edited)" in shown and "No rule matches it any more" in shown
    assert "sorry" in shown


def test_a_deleted_message_says_so_on_its_card(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config, PITCH))
    members(workspace)
    ts = workspace.say(ANA, "general", "crypto giveaway, DM me")
    workspace.settle()
    delete(workspace, "general", ts)
    workspace.settle()
    [card] = cards(workspace)
    assert "(since deleted)" in text_of(card)


def test_two_reports_join_one_card_and_reporters_stay_private(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config))
    members(workspace)
    ts = workspace.say(ANA, "general", "You clearly have no idea what you're doing")
    workspace.settle()
    assert report(workspace, BEN, "general", ts).status_code == 200
    assert "Thank you for telling us" in json.dumps(last_modal(workspace)["blocks"])
    report(workspace, CAL, "general", ts)
    report(workspace, CAL, "general", ts)  # a second time: no second report
    assert "already reported" in json.dumps(last_modal(workspace)["blocks"])
    workspace.settle()
    [card] = cards(workspace)
    shown = text_of(card)
    assert f"<@{BEN}>" in shown and f"<@{CAL}>" in shown and "(2;" in shown
    # The reported member hears nothing of it; the reporters get no message but the modal.
    assert not any(BEN in json.dumps(m) for m in workspace.fake.dm_messages(ANA))
    assert workspace.fake.ephemerals(user_id=ANA) == []


def test_a_message_both_a_watched_word_and_a_rule_match_gets_one_card(
    workspace_factory, config: Config
):
    workspace = workspace_factory(moderating(config, PITCH, words=("giveaway",)))
    members(workspace)
    workspace.say(ANA, "general", "Massive crypto giveaway tonight")
    workspace.say(BEN, "general", "Our giveaway of stickers starts Friday")
    workspace.settle()
    first, second = cards(workspace)
    assert "Crypto pitch" in text_of(first)  # moderation's card, not a second alert
    assert "mentions “giveaway”" in text_of(second)  # a watched word alone: the alert


def test_a_report_of_an_alerted_message_joins_the_alert(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config, words=("giveaway",)))
    members(workspace)
    ts = workspace.say(ANA, "general", "Sticker giveaway, send me your address")
    workspace.settle()
    report(workspace, BEN, "general", ts)
    workspace.settle()
    [card] = cards(workspace)
    assert "Reported by" in text_of(card) and "Remind" in text_of(card)


def test_a_catastrophic_pattern_gives_up_in_time(workspace_factory, config: Config):
    import time

    slow = ModerationRule(
        name="Runaway", guideline="Be generous with specifics", patterns=[r"(a+)+$"]
    )
    workspace = workspace_factory(moderating(config, slow, PITCH, limit_ms=300))
    members(workspace)
    started = time.monotonic()
    workspace.say(ANA, "general", "a" * 64 + "!")
    workspace.settle()
    assert time.monotonic() - started < 10  # 2**64 steps would take longer than the universe
    assert cards(workspace) == []
    workspace.say(ANA, "general", "aaa")  # the child is started again: the pattern still works
    workspace.settle()
    [card] = cards(workspace)
    assert "Runaway" in text_of(card)


def test_an_edit_of_a_reported_message_updates_its_card(workspace_factory, config: Config):
    workspace = workspace_factory(moderating(config))
    members(workspace)
    ts = workspace.say(ANA, "general", "That idea is stupid")
    report(workspace, BEN, "general", ts)
    workspace.settle()
    edit(workspace, ANA, "general", ts, "I'm not convinced by that idea")
    workspace.settle()
    [card] = cards(workspace)
    shown = text_of(card)
    assert "(edited)" in shown and "not convinced" in shown and "Reported by" in shown
    assert "No rule matches" not in shown  # it came up by a report, not a rule
