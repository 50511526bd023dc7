"""Participation: each post, reply, reaction and join becomes one activity row (never the text),
whatever Slack redelivers; a reaction taken back is no longer counted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from porch.core.config import Config
from porch.core.domain_events import ChannelJoined
from porch.core.store.schema import activity
from tests.porch.features.community import Community

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def rows(community: Community) -> set[tuple[str, str, str, str | None]]:
    with community.engine.begin() as conn:
        found = conn.execute(select(activity)).all()
    return {(row.user_id, row.channel_id, row.kind, row.thread_ts) for row in found}


def test_posts_replies_questions_and_reactions_are_recorded_once(engine: Engine, config: Config):
    community = Community(engine=engine, config=config, now=NOW, running=("participation",))
    general = community.channel_id("general")
    post = community.say("U0ANA00001", "general", "Shipped the beta today.")
    community.say("U0BEN00001", "general", "Congrats!", thread_ts=post)
    community.say("U0BEN00001", "general", "Anyone tried the new pricing page?")
    community.react("U0BEN00001", "general", post, "tada", deliveries=3)
    community.react("U0CHLOE001", "general", post, "+1::skin-tone-3")

    assert rows(community) == {
        ("U0ANA00001", general, "message", None),
        ("U0BEN00001", general, "r:tada", None),
        ("U0CHLOE001", general, "r:+1", None),
        ("U0BEN00001", general, "reply", post),
        ("U0BEN00001", general, "question", None),
    }

    community.react("U0CHLOE001", "general", post, "+1::skin-tone-3", removed=True)
    assert ("U0CHLOE001", general, "r:+1", None) not in rows(community)


def test_joins_count_only_in_the_channels_porch_knows(engine: Engine, config: Config):
    community = Community(engine=engine, config=config, now=NOW, running=("participation",))
    community.handle(ChannelJoined("U0ANA00001", community.channel_id("wins")), deliveries=2)
    community.handle(ChannelJoined("U0ANA00001", "C0ELSEWHERE"))

    assert rows(community) == {("U0ANA00001", community.channel_id("wins"), "join", None)}
