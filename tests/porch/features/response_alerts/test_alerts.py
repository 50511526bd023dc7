"""Response commitment: a question nobody answers raises one alert in the managers' channel once
its hours of community time have passed, and a reply updates it once (on a real store, with a
recording worker; the last test is the journey through Slack, where the post's outcome is lost)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.effect_queue import Effect
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import config_with
from tests.porch.features.community import Community

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, *, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


def alerts_in_slack(workspace: SandboxWorkspace) -> list[dict]:
    channel_id = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [
        m
        for m in workspace.fake.messages(channel_id)
        if ((m.get("metadata") or {}).get("event_payload") or {})
        .get("key", "")
        .startswith("response-alert:")
    ]


def community(engine: Engine, config: Config) -> Community:
    # Monday 10:00 in Berlin; the team promises an answer within 4 hours of community time.
    running = ("participation", "response_alerts")
    started = Community(engine=engine, config=config, now=berlin(2, 10), running=running)
    started.member("U0ANA00001", "Ana")
    started.member("U0BEN00001", "Ben")
    return started


def sent(community: Community) -> list[Effect]:
    return community.sent("response-alert:")


def text_of(effect: Effect) -> str:
    blocks = effect.payload["blocks"]
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


def test_an_unanswered_question_raises_one_alert_which_an_answer_updates_once(
    engine: Engine, config: Config
):
    alerts = community(engine, config)
    ts = alerts.say("U0ANA00001", "general", "Does anyone know a good invoicing tool?")
    alerts.say("U0ANA00001", "general", "I tried two already", thread_ts=ts)

    alerts.at(berlin(2, 13, 59))
    assert sent(alerts) == []  # the asker's own follow-up is not an answer

    assert alerts.at(berlin(2, 14, 0)) == {"alerts": 1}
    [alert] = sent(alerts)
    assert alert.kind == "post"
    assert alert.payload["channel_name"] == config.channels.moderators
    text = text_of(alert)
    assert "Ana asked in <#" in text and "4 h ago" in text
    assert alerts.permalink("general", ts) in text

    # Later runs and Slack's redelivery of the question raise nothing new.
    question = MessagePosted(
        "U0ANA00001",
        alerts.channel_id("general"),
        ts,
        None,
        "Does anyone know a good invoicing tool?",
    )
    alerts.handle(question, deliveries=3)
    assert alerts.at(berlin(2, 14, 30)) == {"alerts": 0}
    assert len(sent(alerts)) == 1

    alerts.now = berlin(2, 15, 0)
    alerts.say("U0BEN00001", "general", "Try the one we use!", thread_ts=ts)
    alerts.say(config.managers.users[0], "general", "+1 to Ben", thread_ts=ts)
    alerts.worker.deliver()
    alert, answered = sent(alerts)
    assert (answered.kind, answered.payload["of"]) == ("update", alert.key)
    assert "answered by <@U0BEN00001> after 5 h" in text_of(answered)
    assert answered.payload["text"] == "Answered after 5 h"


def test_the_clock_stops_outside_community_hours(engine: Engine, config: Config):
    alerts = community(engine, config)
    alerts.now = berlin(6, 17, 0)  # Friday 17:00: one hour left today
    alerts.say("U0ANA00001", "general", "How do you all price a first product?")

    for moment in (berlin(6, 21, 0), berlin(7, 12, 0), berlin(8, 23, 0), berlin(9, 11, 59)):
        alerts.at(moment)
        assert sent(alerts) == [], moment
    alerts.at(berlin(9, 12, 0))  # Monday: three more hours from 09:00
    assert len(sent(alerts)) == 1


def test_a_question_answered_in_time_never_alerts(engine: Engine, config: Config):
    alerts = community(engine, config)
    ts = alerts.say("U0ANA00001", "general", "Anyone going to the meetup?")
    alerts.at(berlin(2, 11, 0))
    alerts.say("U0BEN00001", "general", "Me!", thread_ts=ts)
    alerts.at(berlin(3, 12, 0))
    assert sent(alerts) == []


def test_plain_messages_and_managers_questions_raise_no_alert(engine: Engine, config: Config):
    alerts = community(engine, config)
    alerts.say("U0ANA00001", "general", "Shipped the beta today.")
    alerts.say(config.managers.users[0], "general", "Who is around for the call?")
    alerts.at(berlin(3, 12, 0))
    assert sent(alerts) == []


def test_no_alert_when_switched_off(engine: Engine, config: Config):
    off = config_with(config, response_alerts={"enabled": False})
    alerts = community(engine, off)
    alerts.say("U0ANA00001", "general", "Does anyone know a good invoicing tool?")
    assert alerts.at(berlin(3, 12, 0)) == {"alerts": 0}
    assert sent(alerts) == []


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
    assert len(alerts_in_slack(workspace)) == 1
    assert workspace.runtime.worker.stats.recovered == 1  # found by its key, not re-posted
