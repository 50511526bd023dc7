"""Follow-ups, on a real store: the nudge, the check-ins and the note after a quiet spell, each
once, in the member's waking hours, at most one a day, and none after opting out (a
RecordingDelivery stands in for the worker)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.effect_queue import Effect
from porch.features.onboarding.ids import Action
from tests.conftest import MONDAY_MORNING
from tests.porch.features.onboarding.community import TEAM, Community, text_of

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def follow_ups(effects: list[Effect], user_id: str) -> list[str]:
    keys = [e.key for e in effects if e.payload.get("channel") == user_id]
    return [k for k in keys if not k.startswith("welcome:")]


def test_follow_ups_wait_for_the_members_waking_hours(engine: Engine, config: Config):
    community = Community(engine, config)
    community.join("U0KIM00001", "Kim", tz="Asia/Tokyo")
    community.deliver()

    # 3 days later at 14:00 Berlin it is 22:00 in Tokyo: wait. At 09:00 in Tokyo: the nudge.
    late = community.at(MONDAY_MORNING + 3 * DAY + 4 * HOUR)
    morning = community.at(MONDAY_MORNING + 4 * DAY - 8 * HOUR)

    assert late == []
    assert follow_ups(morning, "U0KIM00001") == ["nudge:U0KIM00001"]
    assert "A quick hello" in text_of(morning[0])


def test_a_nudge_goes_once_and_never_after_opting_out(engine: Engine, config: Config):
    community = Community(engine, config)
    for user in ("U0BEN00001", "U0CLO00001"):
        community.join(user, tz="Europe/Berlin")
    community.deliver()
    community.click(Action.OPT_OUT, user="U0CLO00001", value="opt_out")
    sent = [community.at(MONDAY_MORNING + hours * HOUR) for hours in (72, 73, 80)]

    assert [follow_ups(s, "U0BEN00001") for s in sent] == [["nudge:U0BEN00001"], [], []]
    assert [follow_ups(s, "U0CLO00001") for s in sent] == [[], [], []]
    assert community.member("U0CLO00001").opted_out_at is not None


def test_opting_out_drops_the_follow_ups_not_yet_sent(engine: Engine, config: Config):
    community = Community(engine, config)
    community.join("U0BEN00001", tz="Europe/Berlin")
    community.deliver()
    community.now = MONDAY_MORNING + 3 * DAY
    for job in community.features.jobs:
        if job.name == "follow-ups":
            assert job.run(engine, TEAM, community.now) == {"follow_ups": 1}

    community.click(Action.OPT_OUT, user="U0BEN00001", value="opt_out")

    assert community.deliver() == []  # the queued nudge was cancelled
    assert "nudge:U0BEN00001" in community.effect_keys()


def test_check_ins_come_on_their_day_and_a_quiet_member_hears_from_porch_once(
    engine: Engine, config: Config
):
    settings = config.onboarding.follow_ups
    community = Community(engine, config)
    community.join("U0ANA00001", tz="Europe/Berlin")
    community.deliver()
    intros = community.channel_id(config.channels.introductions)
    community.event(MessagePosted("U0ANA00001", intros, "1.2", None, "Hi, I'm Ana"))

    sent = {
        days: follow_ups(community.at(MONDAY_MORNING + days * DAY), "U0ANA00001")
        for days in sorted({*settings.check_in_days, settings.inactive_after_days, 40})
    }

    assert community.member("U0ANA00001").introduced_at is not None  # so no nudge
    for days in settings.check_in_days:
        assert sent[days] == [f"check-in-{days}:U0ANA00001"]
    assert sent[settings.inactive_after_days] == ["inactive:U0ANA00001"]
    assert sent[40] == []  # the quiet note goes once
