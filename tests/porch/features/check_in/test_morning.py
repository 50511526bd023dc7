"""The manager's daily check-in: one morning message a weekday with who joined since the last
one, the questions still waiting and the one post most worth a reply (on a real store, with a
recording worker; the warm-welcome button's journey goes through Slack)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.effect_queue import Effect
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import config_with
from tests.porch.features.community import Community

BERLIN = ZoneInfo("Europe/Berlin")
# Onboarding's warm-welcome button (a wire value: it never changes).
WARM_SEND = "porch_warm_send"


def berlin(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


def community(engine: Engine, config: Config, *, at: dt.datetime) -> Community:
    running = ("participation", "manager_check_in")
    return Community(engine=engine, config=config, now=at, running=running)


def check_ins(community: Community) -> list[Effect]:
    return community.sent("manager-check-in:")


def text_of(blocks: list[dict]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


def buttons(blocks: list[dict]) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element["value"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_one_check_in_each_weekday_morning_with_newcomers_and_open_questions(
    engine: Engine, config: Config
):
    morning = community(engine, config, at=berlin(2, 7, 0))  # Monday
    morning.member("U0ANA00001", "Ana")
    morning.member("U0BEN00001", "Ben")
    morning.now = berlin(2, 7, 30)
    question = morning.say("U0ANA00001", "general", "Where do I find the pricing template?")
    hello = morning.say("U0BEN00001", "general", "Hello everyone, happy to be here")
    morning.at(berlin(2, 8, 59))
    assert check_ins(morning) == []

    assert morning.at(berlin(2, 9, 0)) == {"check_ins": 1}
    assert morning.at(berlin(2, 11, 0)) == {"check_ins": 0}
    [monday] = check_ins(morning)
    assert monday.key == "manager-check-in:2026-11-02"
    assert monday.payload["channel_name"] == config.channels.moderators
    text = text_of(monday.payload["blocks"])
    # The first check-in counts from Porch's first start (07:00), not from Friday's slot.
    assert "since Mon 02 Nov, 07:00" in text
    assert "<@U0ANA00001>: welcomed" in text and "<@U0BEN00001>: welcomed" in text
    assert "Questions still waiting for an answer (1)" in text
    assert "Ana in <#" in text
    assert "*Most worth a reply today:* the question Ana asked" in text
    assert morning.permalink("general", question) in text

    # Someone answers; Tuesday's check-in has no newcomers, no open question, and points at
    # the newcomer post nobody has replied to.
    morning.say(config.managers.users[0], "general", "Pinned in #general!", thread_ts=question)
    morning.at(berlin(3, 9, 5))
    monday_again, tuesday = check_ins(morning)
    assert monday_again.key == monday.key
    text = text_of(tuesday.payload["blocks"])
    assert "nobody new since" in text
    assert "every question from the last week has an answer" in text
    assert "Ben, who joined recently, posted in" in text
    assert morning.permalink("general", hello) in text

    # Days Porch did not run (Wednesday to Friday here) are not caught up later; Saturday and
    # Sunday have none; Monday does.
    morning.at(berlin(7, 10, 0))
    morning.at(berlin(8, 10, 0))
    assert len(check_ins(morning)) == 2
    morning.at(berlin(9, 9, 0))
    assert len(check_ins(morning)) == 3


def test_a_newcomer_waiting_for_a_warm_welcome_has_the_send_button(engine: Engine, config: Config):
    morning = community(engine, config, at=berlin(2, 7, 0))
    morning.member("U0CHLOE001", "Chloé", welcome_status="awaiting manager")
    morning.at(berlin(2, 9, 0))
    [check_in] = check_ins(morning)
    assert "<@U0CHLOE001>: waiting for your welcome" in text_of(check_in.payload["blocks"])
    assert buttons(check_in.payload["blocks"]) == [(WARM_SEND, "U0CHLOE001")]


def test_the_check_in_s_send_button_sends_the_welcome(workspace_factory, config):
    warm = config_with(config, onboarding={"welcome": "warm"})
    workspace: SandboxWorkspace = workspace_factory(warm, at=berlin(2, 7, 0))
    workspace.join("U0CHLOE001", "Chloé")
    workspace.at(berlin(2, 9, 0))
    channel_id = workspace.fake.channel_id(config.channels.moderators)
    [check_in] = [
        m
        for m in workspace.fake.messages(channel_id)
        if "manager-check-in:" in str((m.get("metadata") or {}).get("event_payload"))
    ]
    assert buttons(check_in["blocks"]) == [(WARM_SEND, "U0CHLOE001")]

    workspace.click(workspace.manager, WARM_SEND, value="U0CHLOE001")
    workspace.settle()
    assert len(workspace.fake.dm_messages("U0CHLOE001")) == 1


def test_no_check_in_when_switched_off(engine: Engine, config: Config):
    off = config_with(config, manager_check_in={"enabled": False})
    morning = community(engine, off, at=berlin(2, 9, 30))
    assert morning.at(berlin(2, 10, 0)) == {"check_ins": 0}
    assert check_ins(morning) == []


def test_the_greeting_follows_the_time_the_check_in_goes_out(engine: Engine, config: Config):
    """Issue 24: a check-in caught up at 15:01 said "Good morning!". Porch was running before
    Monday's 09:00 but missed it (down): it goes out later that day, greeting the afternoon."""
    late = community(engine, config, at=berlin(2, 7, 0))  # Monday, running before 09:00
    late.at(berlin(2, 15, 1))
    late.at(berlin(3, 9, 0))
    monday, tuesday = check_ins(late)
    assert "Good morning" not in monday.payload["text"] + text_of(monday.payload["blocks"])
    assert "*Good afternoon! Here is" in text_of(monday.payload["blocks"])
    assert monday.payload["text"].startswith("Good afternoon!")
    assert "*Good morning! Here is" in text_of(tuesday.payload["blocks"])


def test_a_first_start_after_the_check_in_time_waits_for_the_next_one(
    engine: Engine, config: Config
):
    """Issue 24: a first start at 20:00 sent that day's 09:00 check-in at once."""
    evening = community(engine, config, at=berlin(2, 20, 0))  # Monday, first start
    assert evening.at(berlin(2, 20, 1)) == {"check_ins": 0}
    assert evening.at(berlin(3, 9, 0)) == {"check_ins": 1}
    [tuesday] = check_ins(evening)
    assert tuesday.key == "manager-check-in:2026-11-03"
