"""The replies inbox against the real store, without Slack: a member's DMs become one card and
its thread, a manager's replies in that thread reach the member (or stay internal), each once.
The effects the feature records are "delivered" by a recording stand-in for the worker."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import Engine, select

from porch.core import channel_directory
from porch.core.config import Config
from porch.core.domain_events import DirectMessage, MessagePosted
from porch.core.effect_queue import Effect
from porch.core.tracker_queue import get_row
from porch.features.modmail.relay import Modmail
from porch.features.modmail.tables import inbox_conversations
from porch.features.registry import Features, build_features, templates
from tests.conftest import config_with
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0MODMAIL1"
MODERATORS = "C0MODS0001"
GENERAL = "C0GENERAL1"
ANA, ANA_DM = "U0ANA00001", "D0ANA00001"
SAM = "U0MANAGER1"
NOW = dt.datetime(2026, 11, 4, 10, 0, tzinfo=dt.UTC)


class Recorder(RecordingDelivery):
    """Slack's answer names the channel by ID, as the card's thread is found by it."""

    def result_for(self, effect: Effect) -> Mapping[str, Any]:
        result = dict(super().result_for(effect))
        if effect.payload.get("channel_name"):
            result["channel"] = MODERATORS
        return result


class Inbox:
    """The feature's event handlers fed directly, in the inbox processor's order."""

    def __init__(self, engine: Engine, config: Config) -> None:
        self.engine = engine
        self.config = config
        self.features: Features = build_features(config=config, templates=templates())
        self.worker = Recorder(engine=engine, features=self.features, now=lambda: NOW)
        self._ts = itertools.count(1)
        with engine.begin() as conn:
            channel_directory.remember(
                conn,
                team_id=TEAM,
                ids_by_name={config.channels.moderators: MODERATORS, "general": GENERAL},
            )

    def event(self, event: Any, *, deliveries: int = 1) -> None:
        for _ in range(deliveries):
            with self.engine.begin() as conn:
                for handle in self.features.handlers_for(type(event)):
                    handle(conn, TEAM, event, NOW)
        self.worker.deliver()

    def dm(self, text: str, *, user: str = ANA, deliveries: int = 1, ts: str = "") -> str:
        ts = ts or f"1700000100.{next(self._ts):06d}"
        self.event(DirectMessage(user, ANA_DM, ts, None, text), deliveries=deliveries)
        return ts

    def reply(self, card: Any, text: str, *, deliveries: int = 1, channel: str = "") -> None:
        ts = f"1700000200.{next(self._ts):06d}"
        event = MessagePosted(SAM, channel or MODERATORS, ts, card.payload["ts"], text)
        self.event(event, deliveries=deliveries)

    def sent(self, kind: str) -> list[Effect]:
        return [e for e in self.worker.delivered if e.kind == kind]

    def cards(self) -> list[Effect]:
        return [e for e in self.sent("post") if e.key.startswith("inbox-card:")]

    def card(self) -> Effect:
        [card] = self.cards()
        # What Slack answered for it: its ts is where the thread is.
        with self.engine.begin() as conn:
            row = conn.execute(select(inbox_conversations)).first()
        return _Card(card, ts=row.card_ts)

    def dms_to_ana(self) -> list[str]:
        return [e.payload["text"] for e in self.sent("post") if e.payload.get("channel") == ANA_DM]


class _Card:
    def __init__(self, effect: Effect, *, ts: str) -> None:
        self.effect = effect
        self.payload = {**effect.payload, "ts": ts}


@pytest.fixture
def inbox(engine: Engine, config: Config) -> Inbox:
    return Inbox(engine, config)


def words(effect: Effect) -> str:
    return json.dumps(effect.payload.get("blocks"))


def test_a_dm_delivered_three_times_makes_one_card_and_one_acknowledgement(inbox: Inbox):
    inbox.dm("Hi! Where do I get feedback on my pricing page?", deliveries=3)

    [card] = inbox.cards()
    assert card.payload["channel_name"] == inbox.config.channels.moderators
    assert "Where do I get feedback on my pricing page?" in words(card)
    assert inbox.dms_to_ana() == [
        "Thanks! Your message went to the Indie Makers Circle community team. A manager will "
        "answer right here."
    ]


def test_later_dms_go_to_the_same_thread_while_it_is_open(inbox: Inbox):
    inbox.dm("First question")
    inbox.dm("And a second thing", deliveries=2)
    inbox.dm("Oh, and a third")

    assert len(inbox.cards()) == 1
    relays = [e for e in inbox.sent("post") if e.key.startswith("inbox-relay:")]
    assert [e.payload["thread_of"] for e in relays] == ["inbox-card:1", "inbox-card:1"]
    assert ["And a second thing" in words(relays[0]), "Oh, and a third" in words(relays[1])] == [
        True,
        True,
    ]
    # One acknowledgement per conversation, not per message.
    assert len([t for t in inbox.dms_to_ana() if t.startswith("Thanks!")]) == 1


def test_a_reply_starting_with_the_internal_prefix_stays_with_the_managers(inbox: Inbox):
    inbox.dm("Can I post my job offer?")
    card = inbox.card()
    inbox.reply(card, "// she asked the same last month, check the guidelines first")

    assert not any("guidelines first" in t for t in inbox.dms_to_ana())
    assert [e for e in inbox.sent("update")] == []  # the card is not marked answered


def test_a_configured_prefix_is_the_one_that_counts(engine: Engine, config: Config):
    inbox = Inbox(engine, config_with(config, inbox={"internal_prefix": "note:"}))
    inbox.dm("Hello?")
    card = inbox.card()
    inbox.reply(card, "note: new member, be gentle")
    inbox.reply(card, "// hi Ana, welcome!")

    texts = inbox.dms_to_ana()
    assert "// hi Ana, welcome!" in texts
    assert not any("be gentle" in t for t in texts)


def test_a_reply_is_relayed_once_and_marks_the_card_answered(inbox: Inbox):
    inbox.dm("Is there a call this week?")
    card = inbox.card()
    inbox.reply(card, "Yes: *Thursday* at 17:00", deliveries=2)

    assert inbox.dms_to_ana().count("Yes: *Thursday* at 17:00") == 1
    [update] = inbox.sent("update")
    assert update.payload["of"] == "inbox-card:1"
    assert f"Answered by <@{SAM}>" in words(update)


def test_a_reply_elsewhere_is_not_an_answer(inbox: Inbox):
    inbox.dm("Hello")
    card = inbox.card()
    inbox.reply(card, "hi", channel=GENERAL)  # the same thread ts, another channel
    inbox.event(MessagePosted(SAM, MODERATORS, "1700000300.000001", "1700000299.000001", "ok"))

    assert not any(t in ("ok", "hi") for t in inbox.dms_to_ana())


def test_slackbot_is_never_relayed(inbox: Inbox):
    inbox.dm("Reminder: ship it", user="USLACKBOT")

    assert inbox.cards() == []
    with inbox.engine.begin() as conn:
        assert conn.execute(select(inbox_conversations)).all() == []


def test_a_members_words_are_escaped_and_a_long_message_is_cut_cleanly(inbox: Inbox):
    long_tail = " ".join(["pricing"] * 600)
    inbox.dm("&lt;!channel&gt; R&amp;D <!channel> <@U0MANAGER1> " + long_tail)

    [card] = inbox.cards()
    [excerpt] = [
        b["text"]["text"]
        for b in card.payload["blocks"]
        if b["type"] == "section" and "R&amp;D" in str(b)
    ]
    assert excerpt.startswith("&lt;!channel&gt; R&amp;D &lt;!channel&gt; &lt;@U0MANAGER1&gt; ")
    assert "<!" not in excerpt and "<@" not in excerpt
    assert excerpt.endswith("pricing…") and len(excerpt) <= 2500


def test_a_member_porch_does_not_know_yet_is_still_heard(inbox: Inbox):
    inbox.dm("Hi, I've been here for years")

    assert "Not in Porch's member records" in words(inbox.card().effect)
    with inbox.engine.begin() as conn:
        row = get_row(conn, team_id=TEAM, sheet="Inbox", key="1")
    assert row is not None and row["Member"] == ANA


def test_closing_twice_closes_once_and_the_next_dm_opens_a_new_conversation(inbox: Inbox):
    relay = Modmail(config=inbox.config, templates=templates())
    inbox.dm("Where are the rituals listed?")
    with inbox.engine.begin() as conn:
        first = relay.close(conn, team_id=TEAM, conversation_id=1, by=SAM, now=NOW)
        again = relay.close(conn, team_id=TEAM, conversation_id=1, by=SAM, now=NOW)
    inbox.worker.deliver()
    assert (first, again) == (True, False)
    [update] = inbox.sent("update")
    assert f"Closed by <@{SAM}>" in words(update)

    inbox.dm("Thanks! One more question")
    assert len(inbox.cards()) == 2


def test_without_acknowledgement_the_member_hears_nothing_back(engine: Engine, config: Config):
    inbox = Inbox(engine, config_with(config, inbox={"acknowledge": False}))
    inbox.dm("Which channel is for design feedback?")

    assert len(inbox.cards()) == 1
    assert inbox.dms_to_ana() == []
