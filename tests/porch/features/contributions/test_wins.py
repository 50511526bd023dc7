"""Wins: a post in #wins becomes one tracker row, and reactions on it keep that row current,
whatever Slack redelivers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.message_links import item_key
from porch.core.store.schema import tracker_rows
from porch.core.tracker_queue import get_row
from tests.porch.features.community import TEAM, Community

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def wins(engine: Engine, config: Config) -> Community:
    community = Community(
        engine=engine, config=config, now=NOW, running=("participation", "contributions")
    )
    community.member("U0CHLOE001", "Chloé")
    community.member("U0ANA00001", "Ana")
    return community


def row(community: Community, channel: str, ts: str) -> dict | None:
    key = item_key(community.channel_id(channel), ts)
    with community.engine.begin() as conn:
        return get_row(conn, team_id=TEAM, sheet="Wins", key=key)


def test_a_win_becomes_one_row_with_a_link_and_counts_its_reactions(engine: Engine, config: Config):
    community = wins(engine, config)
    manager = config.managers.users[0]
    ts = community.say("U0CHLOE001", "wins", "Shipped my pricing page today!")
    community.react("U0ANA00001", "wins", ts, "tada", deliveries=3)
    community.react("U0ANA00001", "wins", ts, "+1::skin-tone-3")
    community.react(manager, "wins", ts, "tada")
    community.react("U0ANA00001", "wins", ts, "+1::skin-tone-3", removed=True)

    win = row(community, "wins", ts)
    assert win is not None
    assert win["Member"] == "Chloé" and win["Win"] == "Shipped my pricing page today!"
    assert win["Channel"] == "#wins"
    assert win["Link"] == community.permalink("wins", ts)
    assert win["Reactions"] == 2  # Ana's and Sam's :tada:, Ana's thumbs up taken back


def test_replies_and_other_channels_are_not_items(engine: Engine, config: Config):
    community = wins(engine, config)
    ts = community.say("U0ANA00001", "wins", "Launched!")
    reply = community.say("U0ANA00001", "wins", "Thanks all", thread_ts=ts)
    elsewhere = community.say("U0ANA00001", "general", "Hello")

    assert row(community, "wins", ts) is not None
    assert row(community, "wins", reply) is None
    assert row(community, "general", elsewhere) is None


def test_a_redelivered_post_does_not_requeue_its_row(engine: Engine, config: Config):
    community = wins(engine, config)
    ts = community.say("U0ANA00001", "wins", "First sale!")

    def version() -> int:
        with engine.begin() as conn:
            return conn.execute(
                select(tracker_rows.c.version).where(tracker_rows.c.sheet == "Wins")
            ).scalar_one()

    before = version()
    event = MessagePosted("U0ANA00001", community.channel_id("wins"), ts, None, "First sale!")
    community.handle(event, deliveries=2)
    assert version() == before
