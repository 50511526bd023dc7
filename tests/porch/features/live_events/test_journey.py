"""A one-off event as a conversation through the sandbox: a manager announces it in the modal
(bad input answered under the field), members answer on the card (a live, coalesced count),
reminders reach those going inside their waking hours (one per member and offset, however
often the job runs), a thread opens at the start, members check in and ask, and the recap and
the managers' attendance card follow once."""

from __future__ import annotations

import datetime as dt
import json

from porch.core import tracker_queue
from porch.core.config import Config
from porch.features.live_events.ids import Action, Input
from tests.porch.features.live_events.helpers import (
    ANA,
    BEN,
    KAI,
    card_text,
    cards,
    dms,
    errors,
    submit,
    with_events,
)

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
# Thursday 5 November, 17:00 in Berlin (CET, UTC+1).
STARTS = dt.datetime(2026, 11, 5, 16, 0, tzinfo=dt.UTC)


def test_the_modal_answers_bad_input_under_its_field(workspace_factory, config: Config):
    workspace = workspace_factory(with_events(config), at=MONDAY)
    workspace.command(workspace.manager, "event")
    [opened] = workspace.fake.opened_views()
    ids = [b.get("block_id") for b in opened["view"]["blocks"]]
    assert Input.EVENT_TITLE in ids and Input.EVENT_WHEN in ids

    assert Input.EVENT_WHEN in errors(submit(workspace, workspace.manager, when="2026-11-01 17:00"))
    assert (
        "passed"
        in errors(submit(workspace, workspace.manager, when="2026-11-01 17:00"))[Input.EVENT_WHEN]
    )
    assert (
        "2026-12-10 16:00"
        in errors(submit(workspace, workspace.manager, when="Thursday 5pm"))[Input.EVENT_WHEN]
    )
    assert (
        "no such date"
        in errors(submit(workspace, workspace.manager, when="2026-02-30 10:00"))[Input.EVENT_WHEN]
    )
    # 02:30 on the spring-forward night does not exist in Berlin.
    assert (
        "clocks change"
        in errors(submit(workspace, workspace.manager, when="2027-03-28 02:30"))[Input.EVENT_WHEN]
    )
    unknown = errors(submit(workspace, workspace.manager, where="#nowhere"))
    assert "does not know #nowhere" in unknown[Input.EVENT_WHERE]
    assert Input.EVENT_TITLE in errors(submit(workspace, workspace.manager, title=" "))
    workspace.settle()
    assert cards(workspace) == []


def test_an_event_announced_answered_reminded_held_and_recapped(workspace_factory, config):
    workspace = workspace_factory(with_events(config), at=MONDAY)
    workspace.join(ANA, "Ana", tz="Europe/Berlin")
    workspace.join(BEN, "Ben", tz="Pacific/Auckland")
    workspace.join(KAI, "Kai", tz="America/New_York")
    assert errors(submit(workspace, workspace.manager)) == {}
    workspace.settle()
    [card] = cards(workspace)
    assert "AMA with the founders" in card_text(card)
    assert "&lt;!channel&gt;" in card_text(card)  # a manager's words ping nobody either
    assert "0 going" in card_text(card)
    event_id = next(
        e["value"]
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.EVENT_GOING
    )
    home = workspace.config.channels.home

    def click(user: str, action: str) -> None:
        workspace.click_message(user, action, channel=home, ts=card["ts"], value=event_id)

    workspace.fake.reset_calls()
    click(ANA, Action.EVENT_GOING)
    click(ANA, Action.EVENT_GOING)  # twice: still one answer
    click(BEN, Action.EVENT_MAYBE)
    click(BEN, Action.EVENT_GOING)
    click(KAI, Action.EVENT_CANT)
    workspace.at(MONDAY + dt.timedelta(seconds=30))
    [card] = cards(workspace)
    assert "2 going · 0 maybe · 1 can't make it" in card_text(card)
    # Five clicks inside one window: one chat.update.
    assert len(workspace.fake.calls("chat.update")) == 1
    assert "You're going" in str(workspace.fake.ephemerals(user_id=ANA))

    # 24 hours before (16:00 UTC): 17:00 for Ana in Berlin, 05:00 for Ben in Auckland.
    workspace.at(STARTS - dt.timedelta(hours=24))
    workspace.settle()
    assert len(dms(workspace, ANA, "starts in 24 hours")) == 1
    assert dms(workspace, BEN, "starts in") == []
    # Ben wakes at 09:00 in Auckland (20:00 UTC): his reminder then, once.
    workspace.at(STARTS - dt.timedelta(hours=20, minutes=1))
    assert dms(workspace, BEN, "starts in") == []
    workspace.at(STARTS - dt.timedelta(hours=20))
    workspace.settle()
    assert len(dms(workspace, BEN, "starts in 20 hours")) == 1
    assert len(dms(workspace, ANA, "starts in")) == 1
    assert dms(workspace, KAI, "starts in") == []

    # Check-in is not open yet.
    click(KAI, Action.EVENT_CHECK_IN)
    workspace.settle()
    assert "Check-in opens shortly" in str(workspace.fake.ephemerals(user_id=KAI)[-1])

    # 15 minutes before: whatever the hour (04:45 in Auckland).
    workspace.at(STARTS - dt.timedelta(minutes=15))
    workspace.settle()
    assert len(dms(workspace, ANA, "starts in 15 minutes")) == 1
    assert len(dms(workspace, BEN, "starts in 15 minutes")) == 1

    # The start: the thread, check-in, questions.
    workspace.at(STARTS + dt.timedelta(minutes=1))
    home_id = workspace.fake.channel_id(home)
    thread = workspace.fake.thread(home_id, card["ts"])
    [live] = [m for m in thread if "is starting" in m.get("text", "")]
    workspace.click_message(ANA, Action.EVENT_CHECK_IN, channel=home, ts=card["ts"], value=event_id)
    workspace.click_message(ANA, Action.EVENT_CHECK_IN, channel=home, ts=card["ts"], value=event_id)
    workspace.settle()
    assert "checked in" in str(workspace.fake.ephemerals(user_id=ANA))
    workspace.say(KAI, home, "Will there be a recording?", thread_ts=card["ts"])
    workspace.say(workspace.manager, home, "Yes, on the site tomorrow.", thread_ts=card["ts"])
    workspace.say(BEN, home, "How do I get API access?", thread_ts=card["ts"])
    assert live

    # After the end (and its 30 minutes): the recap once, and the managers' card.
    workspace.at(STARTS + dt.timedelta(minutes=90))
    workspace.at(STARTS + dt.timedelta(minutes=91))
    thread = workspace.fake.thread(home_id, card["ts"])
    [recap] = [m for m in thread if m.get("text", "").startswith("Recap")]
    words = card_text(recap)
    assert "1 attended (2 said Going)" in words
    assert "2 questions in this thread: 1 answered, 1 still open" in words
    assert f"<@{BEN}>" in words.split("Still open")[1]
    mods = workspace.fake.channel_id(workspace.config.channels.moderators)
    [attendance] = [
        m
        for m in workspace.fake.messages(mods)
        if "checked in" in m.get("text", "") or "Attendance" in m.get("text", "")
    ]
    assert "1 checked in, 2 said Going" in card_text(attendance)
    [card] = cards(workspace)
    assert "This event has ended: 1 attended" in card_text(card)
    click(BEN, Action.EVENT_CHECK_IN)  # too late
    click(BEN, Action.EVENT_MAYBE)
    workspace.settle()
    assert "check-in is closed" in str(workspace.fake.ephemerals(user_id=BEN)[-2])
    assert "This event has ended" in str(workspace.fake.ephemerals(user_id=BEN)[-1])

    # Only managers count Going as attended.
    workspace.click_message(
        ANA,
        Action.EVENT_CONFIRM,
        channel=workspace.config.channels.moderators,
        ts=attendance["ts"],
        value=event_id,
    )
    workspace.click_message(
        workspace.manager,
        Action.EVENT_CONFIRM,
        channel=workspace.config.channels.moderators,
        ts=attendance["ts"],
        value=event_id,
    )
    workspace.settle()
    [attendance] = [m for m in workspace.fake.messages(mods) if m["ts"] == attendance["ts"]]
    assert "(1 added)" in json.dumps(attendance["blocks"])
    with workspace.engine.begin() as conn:
        row = tracker_queue.get_row(
            conn, team_id=workspace.fake.team_id, sheet="Events", key=event_id
        )
    assert row is not None
    assert (row["Going"], row["Can't"], row["Attended"]) == (2, 1, 2)
    assert (row["Questions"], row["Unanswered"]) == (2, 1)
