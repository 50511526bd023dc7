"""Feedback items against the real store, without Slack: tagging, the fetched message, the
closing status and /feedback, each effect "delivered" by a recording stand-in for the worker."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import Engine

from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.effect_queue import Effect
from porch.features.feedback.store import get, item_id_for
from porch.features.feedback.tagging import Feedback
from porch.features.registry import build_features, templates
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0FEEDBAK1"
GENERAL = "C0GENERAL1"
DANA, SAM = "U0DANA0001", "U0MANAGER1"
NOW = dt.datetime(2026, 11, 4, 10, 0, tzinfo=dt.UTC)


class Slack(RecordingDelivery):
    """What conversations.history answers for a "fetch": the message, as `messages` says."""

    messages: Mapping[str, Any] = {}

    def result_for(self, effect: Effect) -> Mapping[str, Any]:
        if effect.kind == "fetch":
            message = self.messages.get(effect.payload["ts"])
            return {"message": message} if message else {}
        return super().result_for(effect)


@pytest.fixture
def feedback(config: Config) -> Feedback:
    shared = templates()
    return Feedback(
        config=config, templates=shared, app_home=AppHome(config=config, templates=shared)
    )


@pytest.fixture
def slack(engine: Engine, config: Config) -> Slack:
    features = build_features(config=config, templates=templates())
    return Slack(engine=engine, features=features, now=lambda: NOW)


def tag(engine: Engine, feedback: Feedback, ts: str, *, text: str | None = None) -> str:
    with engine.begin() as conn:
        return feedback.tag(
            conn,
            team_id=TEAM,
            channel_id=GENERAL,
            ts=ts,
            author_id=DANA,
            tag="bug",
            now=NOW,
            text=text,
        )


def keys(effects: list[Effect]) -> list[str]:
    return [e.key.split(":")[0] for e in effects]


def test_a_tagged_message_is_read_once_then_answered_shown_and_closed_once(
    engine: Engine, feedback: Feedback, slack: Slack
):
    ts = "1700000000.000100"
    slack.messages = {ts: {"user": DANA, "text": "Search   misses old threads"}}
    item_id = tag(engine, feedback, ts)
    tag(engine, feedback, ts)  # a second reaction: the same item, the same fetch
    # Read once; once it is back: the acknowledgement in its thread and the managers' card.
    assert sorted(keys(slack.deliver())) == ["feedback-ack", "feedback-card", "feedback-fetch"]
    tag(engine, feedback, ts)
    assert slack.deliver() == []
    with engine.begin() as conn:
        item = get(conn, team_id=TEAM, item_id=item_id)
    assert item is not None and item.excerpt == "Search misses old threads"
    assert item.acknowledged_at is None  # Porch's reply is automatic: no person acted yet

    for status in ("shipped", "shipped", "planned"):
        with engine.begin() as conn:
            assert feedback.protocol.set_status(
                conn, team_id=TEAM, item_id=item_id, status=status, manager_id=SAM, now=NOW
            )
    sent = slack.deliver()
    assert keys(sent).count("feedback-follow-up") == 1  # the loop closes once
    with engine.begin() as conn:
        assert not feedback.protocol.set_status(
            conn, team_id=TEAM, item_id=item_id, status="nonsense", manager_id=SAM, now=NOW
        )
        item = get(conn, team_id=TEAM, item_id=item_id)
    # The manager's status is a person acting on it.
    assert item is not None and item.acknowledged_at == NOW


@pytest.mark.parametrize(
    ("message", "why"),
    [({"user": "U0BOT00001", "bot": True, "text": "beep"}, "bot's message"), (None, "gone")],
)
def test_a_bots_or_a_deleted_message_is_never_feedback(
    engine: Engine, feedback: Feedback, slack: Slack, message: Any, why: str, caplog
):
    ts = "1700000000.000200"
    slack.messages = {ts: message} if message else {}
    item_id = tag(engine, feedback, ts)
    with caplog.at_level(logging.INFO, logger="porch.features.feedback"):
        slack.deliver()
    assert why in caplog.text  # a log line, never an acknowledgement
    tag(engine, feedback, ts)  # tagged again: still not feedback
    assert slack.deliver() == []
    with engine.begin() as conn:
        assert get(conn, team_id=TEAM, item_id=item_id).status == "ignored"
    assert item_id == item_id_for(GENERAL, ts)


def test_slash_feedback_is_one_item_per_invocation_acknowledged_by_its_status(
    engine: Engine, feedback: Feedback, slack: Slack
):
    for _ in range(2):  # Slack retried the request
        with engine.begin() as conn:
            item_id = feedback.submit(
                conn,
                team_id=TEAM,
                user_id=DANA,
                text="A #jobs channel",
                invocation="1.2.ab",
                now=NOW,
            )
    assert keys(slack.deliver()) == ["feedback-card"]  # no thread to acknowledge in
    with engine.begin() as conn:
        item = get(conn, team_id=TEAM, item_id=item_id)
        assert item is not None and item.acknowledged_at is None  # the reply was automatic
        feedback.protocol.set_status(
            conn, team_id=TEAM, item_id=item_id, status="planned", manager_id=SAM, now=NOW
        )
    [follow_up] = [e for e in slack.deliver() if e.key.startswith("feedback-follow-up")]
    assert follow_up.payload["channel"] == DANA  # a DM: there is no thread
