"""Changes and cancellations, as conversations: only managers create, edit or cancel; the card
shows the change and those going hear of it once, however often it is delivered or repeated."""

from __future__ import annotations

import datetime as dt

from porch.core.config import Config
from porch.features.live_events.ids import Action, Input
from porch.sandbox.workspace import SandboxWorkspace
from tests.porch.features.live_events.helpers import (
    ANA,
    BEN,
    card_text,
    cards,
    dms,
    errors,
    submit,
    with_events,
)

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def announced(workspace_factory, config: Config) -> tuple[SandboxWorkspace, dict, str]:
    """An AMA announced; Ana going, Ben maybe."""
    workspace = workspace_factory(with_events(config), at=MONDAY)
    workspace.join(ANA, "Ana", tz="Europe/Berlin")
    workspace.join(BEN, "Ben", tz="Europe/Berlin")
    assert errors(submit(workspace, workspace.manager)) == {}
    workspace.settle()
    [card] = cards(workspace)
    event_id = next(
        e["value"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    home = workspace.config.channels.home
    workspace.click_message(ANA, Action.EVENT_GOING, channel=home, ts=card["ts"], value=event_id)
    workspace.click_message(BEN, Action.EVENT_MAYBE, channel=home, ts=card["ts"], value=event_id)
    workspace.at(MONDAY + dt.timedelta(minutes=1))
    return workspace, card, event_id


def test_a_member_cannot_create_edit_or_cancel(workspace_factory, config: Config):
    workspace, card, event_id = announced(workspace_factory, config)
    for text in ("event", f"event cancel {event_id}", f"event edit {event_id}", "event list"):
        response = workspace.command(ANA, text)
        assert "Only community managers can do that" in response.text, text
    assert workspace.fake.opened_views() == []
    response = submit(workspace, ANA, title="My own event")
    workspace.settle()
    assert "Only community managers" in response.text or errors(response)
    assert len(cards(workspace)) == 1
    [card] = cards(workspace)
    assert "will not take place" not in card_text(card)


def test_a_cancellation_updates_the_card_and_tells_those_going_once(workspace_factory, config):
    workspace, card, event_id = announced(workspace_factory, config)
    first = workspace.command(workspace.manager, f"event cancel {event_id}")
    assert "is cancelled" in first.text
    again = workspace.command(workspace.manager, f"event cancel {event_id}")
    assert "already cancelled" in again.text
    workspace.settle()
    [card] = cards(workspace)
    assert "will not take place" in card_text(card)
    assert "porch_event_going" not in card_text(card)
    assert len(dms(workspace, ANA, "is cancelled")) == 1
    assert dms(workspace, BEN, "cancelled") == []  # maybe: not told
    # A click on the old card's button is answered, and nothing is counted.
    home = workspace.config.channels.home
    workspace.click_message(BEN, Action.EVENT_GOING, channel=home, ts=card["ts"], value=event_id)
    workspace.settle()
    assert "was cancelled" in str(workspace.fake.ephemerals(user_id=BEN)[-1])
    # Nothing more happens for it: no reminder, no thread, no recap.
    workspace.at(dt.datetime(2026, 11, 5, 18, 0, tzinfo=dt.UTC))
    assert dms(workspace, ANA, "starts in") == []
    home_id = workspace.fake.channel_id(home)
    assert [m for m in workspace.fake.thread(home_id, card["ts"]) if m["ts"] != card["ts"]] == []
    unknown = workspace.command(workspace.manager, "event cancel one-00000000")
    assert "There is no event" in unknown.text


def test_an_edit_shows_on_the_card_and_tells_those_going_once(workspace_factory, config):
    workspace, card, event_id = announced(workspace_factory, config)
    workspace.command(workspace.manager, f"event edit {event_id}")
    [opened] = workspace.fake.opened_views()
    [when] = [b for b in opened["view"]["blocks"] if b.get("block_id") == Input.EVENT_WHEN]
    assert when["element"]["initial_value"] == "2026-11-05 17:00"
    moved = {"event_id": event_id, "when": "2026-11-05 18:30"}
    assert errors(submit(workspace, workspace.manager, **moved)) == {}
    assert errors(submit(workspace, workspace.manager, **moved)) == {}  # the same again
    assert Input.EVENT_WHEN in errors(
        submit(workspace, workspace.manager, event_id=event_id, when="2026-11-01 10:00")
    )
    workspace.at(MONDAY + dt.timedelta(minutes=2))
    [card] = cards(workspace)
    assert "18:30" in card_text(card)
    assert "1 going · 1 maybe" in card_text(card)
    assert len(dms(workspace, ANA, "has changed")) == 1
    assert dms(workspace, BEN, "has changed") == []
    # Reminders follow the new time: 15 minutes before 18:30 in Berlin (17:15 UTC).
    workspace.at(dt.datetime(2026, 11, 5, 17, 15, tzinfo=dt.UTC))
    assert len(dms(workspace, ANA, "starts in 15 minutes")) == 1
    listed = workspace.command(workspace.manager, "event list")
    assert event_id in listed.text and "AMA with the founders" in listed.text


def test_a_worker_crash_after_slack_took_the_reminder_sends_it_once(workspace_factory, config):
    workspace, _card, _event_id = announced(workspace_factory, config)
    workspace.fake.crash_after_next("chat.postMessage", status=500)
    workspace.at(dt.datetime(2026, 11, 4, 16, 0, tzinfo=dt.UTC))  # 24 h before
    workspace.at(dt.datetime(2026, 11, 4, 16, 5, tzinfo=dt.UTC))
    assert len(dms(workspace, ANA, "starts in")) == 1
