"""The welcome, on a real store: who is welcomed, how often, in which words, and what is kept
when it cannot be delivered (no Slack: a RecordingDelivery stands in for the worker)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.domain_events import ChannelJoined, Newcomer
from tests.conftest import MONDAY_MORNING, config_with
from tests.porch.features.onboarding.community import TEAM, Community, text_of


def test_bots_guests_and_deleted_accounts_are_neither_recorded_nor_welcomed(
    engine: Engine, config: Config
):
    community = Community(engine, config)
    community.join("U0BOT00001", "Deploy Bot", is_bot=True)
    community.join("U0GUEST001", "Gus", is_guest=True)
    community.join("U0GONE0001", "Gone", is_deleted=True)
    community.join("U0ANA00001", "Ana")
    community.deliver()

    assert [community.member(u) for u in ("U0BOT00001", "U0GUEST001", "U0GONE0001")] == [None] * 3
    assert [e.key for e in community.worker.delivered if e.kind == "post"] == ["welcome:U0ANA00001"]


def test_a_join_handled_twice_welcomes_once(engine: Engine, config: Config):
    community = Community(engine, config)
    community.join("U0ANA00001", "Ana")
    community.join("U0ANA00001", "Ana")
    community.deliver()

    [welcome] = community.dms("U0ANA00001")
    assert "Welcome to Indie Makers Circle" in text_of(welcome)
    member = community.member("U0ANA00001")
    assert member.welcome_status == "sent" and member.welcomed_at == MONDAY_MORNING


def test_a_name_with_mrkdwn_pings_nobody(engine: Engine, config: Config):
    community = Community(engine, config)
    community.join("U0MAL00001", "<!channel> <@U0MANAGER1> & co")
    community.deliver()

    [welcome] = community.dms("U0MAL00001")
    assert (
        "&lt;!channel&gt; &lt;@U0MANAGER1&gt; &amp; co"
        in welcome.payload["blocks"][0]["text"]["text"]
    )
    assert "<!channel>" not in text_of(welcome)


def test_a_welcome_that_cannot_be_delivered_is_recorded_as_failed(engine: Engine, config: Config):
    community = Community(engine, config)
    community.join("U0GONE0001", "Gone")
    community.deliver(error=lambda effect: "user_not_found")

    [failed] = community.worker.failed
    assert failed.key == "welcome:U0GONE0001"
    member = community.member("U0GONE0001")
    assert member.welcome_status == "failed: user_not_found"
    assert member.welcomed_at is None


def test_the_home_channel_trigger_welcomes_who_joins_that_channel(engine: Engine, config: Config):
    home_only = config_with(config, onboarding={"triggers": ["home_channel_join"]})
    community = Community(engine, home_only)
    community.join("U0BEN00001", "Ben")  # ignored: not a trigger here
    home = community.channel_id(config.channels.home)
    community.event(ChannelJoined(user_id="U0ANA00001", channel_id=home))
    community.event(ChannelJoined(user_id="U0CLO00001", channel_id=community.channel_id("wins")))
    community.deliver()

    assert len(community.dms("U0ANA00001")) == 1
    assert community.member("U0ANA00001").joined_via == "home_channel"
    assert community.member("U0BEN00001") is None
    assert community.member("U0CLO00001") is None


def test_auto_invite_puts_newcomers_in_the_recommended_channels(engine: Engine, config: Config):
    community = Community(engine, config_with(config, onboarding={"auto_invite": True}))
    community.join("U0ANA00001", "Ana")
    community.deliver()

    invites = [e for e in community.worker.delivered if e.kind == "invite"]
    assert sorted(e.payload["channel_name"] for e in invites) == sorted(
        config.onboarding.recommended_channels
    )
    assert all(e.payload["users"] == ["U0ANA00001"] for e in invites)


def test_reconciliation_welcomes_only_who_recently_joined_unnoticed(engine: Engine, config: Config):
    community = Community(engine, config)
    now = MONDAY_MORNING
    recently = int((now - dt.timedelta(days=2)).timestamp())
    long_ago = int((now - dt.timedelta(days=90)).timestamp())

    def user(user_id: str, updated: int | None, *, deleted: bool = False) -> Newcomer:
        return Newcomer(user_id, user_id, user_id, None, False, False, deleted, updated)

    def reconcile(users: list[Newcomer], *, welcome: bool) -> dict[str, int]:
        return community.transaction(
            lambda conn, now: community.features.reconcile_members(
                conn, team_id=TEAM, users=users, now=now, welcome=welcome
            )
        )

    imported = reconcile([user("U0OLD00001", recently)], welcome=False)
    everyone = [
        user("U0OLD00001", recently),
        user("U0FAR00001", recently),
        user("U0QUIET001", long_ago),
        user("U0BOT00001", None, deleted=True),
    ]
    found = reconcile(everyone, welcome=True)
    again = reconcile(everyone, welcome=True)
    community.deliver()

    assert imported == {"welcomed": 0, "recorded": 1, "skipped": 0, "known": 0}
    assert found == {"welcomed": 1, "recorded": 1, "skipped": 1, "known": 1}
    assert again["welcomed"] == 0 and again["known"] == 3
    assert [e.key for e in community.worker.delivered if e.kind == "post"] == ["welcome:U0FAR00001"]
    assert community.member("U0OLD00001").joined_via == "import"
    assert community.member("U0QUIET001").welcome_status == "not needed"
