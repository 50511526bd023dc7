"""Introductions, on a real store: the weekly thread, newcomers tagged in batches, and an
introduction noticed once (a RecordingDelivery stands in for the worker)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.features.onboarding.tables import intro_threads
from tests.conftest import MONDAY_MORNING
from tests.porch.features.onboarding.community import Community, text_of


def test_newcomers_are_tagged_in_one_batched_reply_in_the_weekly_thread(
    engine: Engine, config: Config
):
    community = Community(engine, config)
    for n in range(3):
        community.join(f"U0NEW0000{n}", f"New {n}")
    community.deliver()

    [thread] = community.at(MONDAY_MORNING)  # a partial batch waits for the interval
    later = community.at(MONDAY_MORNING + dt.timedelta(hours=1, minutes=1))
    again = community.at(MONDAY_MORNING + dt.timedelta(hours=2))

    assert thread.key == "intro-thread:2026-W45"
    assert "This week's introductions thread" in text_of(thread)
    [mentions] = later
    assert mentions.payload["thread_of"] == "intro-thread:2026-W45"
    assert all(f"<@U0NEW0000{n}>" in text_of(mentions) for n in range(3))
    assert again == []
    assert community.member("U0NEW00000").intro_tagged_at is not None


def test_a_full_batch_is_tagged_at_once(engine: Engine, config: Config):
    size = config.onboarding.intro_thread.mention_batch_size
    community = Community(engine, config)
    community.at(MONDAY_MORNING)
    for n in range(size + 1):
        community.join(f"U0NEW{n:05d}", f"New {n}")

    delivered = community.at(MONDAY_MORNING + dt.timedelta(minutes=1))
    [batch] = [e for e in delivered if "thread_of" in e.payload]

    assert text_of(batch).count("<@U0NEW") == size  # the last one waits for the interval


def test_an_introduction_is_noticed_once_in_the_channel_or_the_weekly_thread(
    engine: Engine, config: Config
):
    community = Community(engine, config)
    intros = community.channel_id(config.channels.introductions)
    for user in ("U0ANA00001", "U0BEN00001", "U0CLO00001"):
        community.join(user)
    community.at(MONDAY_MORNING)
    with engine.connect() as conn:
        thread_ts = conn.execute(select(intro_threads.c.thread_ts)).scalar_one()

    def post(user: str, ts: str, thread: str | None = None, channel: str = intros) -> None:
        community.event(MessagePosted(user, channel, ts, thread, "Hi, I'm new here"))

    post("U0ANA00001", "1.1", thread_ts)
    post("U0ANA00001", "1.2", thread_ts)  # once is enough
    post("U0BEN00001", "1.3")  # a top-level post in the channel counts too
    post("U0CLO00001", "1.4", "1.3")  # a reply in someone else's thread does not
    post("U0CLO00001", "1.5", channel=community.channel_id("wins"))  # nor another channel
    reactions = [e for e in community.deliver() if e.kind == "react"]

    assert [(r.key, r.payload["ts"]) for r in reactions] == [
        ("intro-reaction:U0ANA00001", "1.1"),
        ("intro-reaction:U0BEN00001", "1.3"),
    ]
    assert reactions[0].payload["name"] == config.onboarding.react_to_introductions
    assert community.member("U0ANA00001").introduced_at == MONDAY_MORNING
    assert community.member("U0CLO00001").introduced_at is None
