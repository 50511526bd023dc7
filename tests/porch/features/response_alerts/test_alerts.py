"""Response commitment, as conversations: a question nobody answers raises one alert in the
managers' channel once its hours of community time have passed, and a reply updates it once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from porch.features.response_alerts.config import CommunityHours
from porch.features.response_alerts.deadline import response_deadline
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, *, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


def alerts(workspace: SandboxWorkspace) -> list[dict]:
    channel_id = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [
        m
        for m in workspace.fake.messages(channel_id)
        if ((m.get("metadata") or {}).get("event_payload") or {})
        .get("key", "")
        .startswith("response-alert:")
    ]


def alert_text(message: dict) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def test_an_unanswered_question_raises_one_alert_which_an_answer_updates_once(
    workspace: SandboxWorkspace,
):
    # Monday 10:00 in Berlin; the team promises an answer within 4 hours of community time.
    workspace.join("U0ANA00001", "Ana")
    workspace.join("U0BEN00001", "Ben")
    ts = workspace.say("U0ANA00001", "general", "Does anyone know a good invoicing tool?")
    workspace.say("U0ANA00001", "general", "I tried two already", thread_ts=ts)

    workspace.at(berlin(2, 13, 59))
    assert alerts(workspace) == []  # the asker's own follow-up is not an answer

    workspace.at(berlin(2, 14, 0))
    [alert] = alerts(workspace)
    text = alert_text(alert)
    assert "Ana asked in <#" in text and "4 h ago" in text
    channel_id = workspace.fake.channel_id("general")
    assert f"https://porch-sandbox.slack.com/archives/{channel_id}/p{ts.replace('.', '')}" in text

    # Later runs and Slack's redelivery of the question raise nothing new.
    event = slack.message(
        user="U0ANA00001", channel=channel_id, text="Does anyone know a good invoicing tool?", ts=ts
    )
    workspace.event(event, deliveries=3)
    workspace.at(berlin(2, 14, 30))
    assert len(alerts(workspace)) == 1

    workspace.clock.set(berlin(2, 15, 0))
    workspace.say("U0BEN00001", "general", "Try the one we use!", thread_ts=ts)
    workspace.say(workspace.manager, "general", "+1 to Ben", thread_ts=ts)
    workspace.settle()
    [alert] = alerts(workspace)
    assert "answered by <@U0BEN00001> after 5 h" in alert_text(alert)
    assert alert["text"] == "Answered after 5 h"
    updates = [c for c in workspace.fake.calls("chat.update") if c.params["ts"] == alert["ts"]]
    assert len(updates) == 1


def test_the_clock_stops_outside_community_hours(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.clock.set(berlin(6, 17, 0))  # Friday 17:00: one hour left today
    workspace.say("U0ANA00001", "general", "How do you all price a first product?")

    for moment in (berlin(6, 21, 0), berlin(7, 12, 0), berlin(8, 23, 0), berlin(9, 11, 59)):
        workspace.at(moment)
        assert alerts(workspace) == [], moment
    workspace.at(berlin(9, 12, 0))  # Monday: three more hours from 09:00
    assert len(alerts(workspace)) == 1


def test_a_question_answered_in_time_never_alerts(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.join("U0BEN00001", "Ben")
    ts = workspace.say("U0ANA00001", "general", "Anyone going to the meetup?")
    workspace.at(berlin(2, 11, 0))
    workspace.say("U0BEN00001", "general", "Me!", thread_ts=ts)
    workspace.at(berlin(3, 12, 0))
    assert alerts(workspace) == []


def test_plain_messages_and_managers_questions_raise_no_alert(workspace: SandboxWorkspace):
    workspace.join("U0ANA00001", "Ana")
    workspace.say("U0ANA00001", "general", "Shipped the beta today.")
    workspace.say(workspace.manager, "general", "Who is around for the call?")
    workspace.at(berlin(3, 12, 0))
    assert alerts(workspace) == []


def test_the_deadline_counts_community_hours_across_a_dst_change():
    hours = CommunityHours()  # 09:00-18:00, Monday to Friday
    friday = dt.datetime(2026, 10, 23, 17, 0, tzinfo=BERLIN)  # summer time ends on Sunday
    due = response_deadline(friday, hours=4, community_hours=hours, tz=BERLIN)
    assert due == dt.datetime(2026, 10, 26, 12, 0, tzinfo=BERLIN)
    night = dt.datetime(2026, 10, 27, 23, 0, tzinfo=BERLIN)
    assert response_deadline(night, hours=2.5, community_hours=hours, tz=BERLIN) == (
        dt.datetime(2026, 10, 28, 11, 30, tzinfo=BERLIN)
    )


def test_an_alert_whose_delivery_outcome_was_lost_is_not_posted_twice(
    workspace: SandboxWorkspace,
):
    workspace.join("U0ANA00001", "Ana")
    workspace.at(berlin(2, 10, 5))
    workspace.say("U0ANA00001", "general", "Is there a template for customer interviews?")
    workspace.fake.crash_after_next("chat.postMessage")  # Slack posts it, Porch never hears
    workspace.at(berlin(2, 14, 5))
    workspace.at(berlin(2, 14, 10))
    workspace.at(berlin(2, 15, 0))
    assert len(alerts(workspace)) == 1
    assert workspace.runtime.worker.stats.recovered == 1  # found by its key, not re-posted
