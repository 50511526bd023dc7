"""Slack rate-limits Porch's events: the managers hear it once an hour, in their channel."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.domain_events import AppRateLimited
from porch.features.registry import build_features, templates
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0LIMITS1"
NOW = dt.datetime(2026, 11, 2, 10, 50, tzinfo=dt.UTC)


def minute(hour: int, minute: int) -> int:
    return int(dt.datetime(2026, 11, 2, hour, minute, tzinfo=dt.UTC).timestamp())


def test_one_notice_per_hour_of_limits(engine: Engine, config: Config) -> None:
    features = build_features(config=config, templates=templates())
    (on_rate_limited,) = features.handlers_for(AppRateLimited)
    worker = RecordingDelivery(engine=engine, features=features, now=lambda: NOW)

    for at in (minute(10, 5), minute(10, 5), minute(10, 40), minute(11, 2)):
        event = AppRateLimited(minute=at, api_app_id="A0PORCH")
        with engine.begin() as conn:
            on_rate_limited(conn, TEAM, event, NOW)
    notices = worker.deliver()

    assert [n.kind for n in notices] == ["post", "post"]
    assert [n.key for n in notices] == [
        f"app-rate-limited:{TEAM}:2026-11-02T10",
        f"app-rate-limited:{TEAM}:2026-11-02T11",
    ]
    first = str(notices[0].payload["blocks"])
    assert "Since 11:05 (Europe/Berlin)" in first  # 10:05 UTC, in the community's timezone
    assert notices[0].payload["channel_name"] == config.channels.moderators
