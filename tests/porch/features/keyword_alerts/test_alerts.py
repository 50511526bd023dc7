"""Keyword alerts, as conversations: a member's message with a watched word, the one alert the
managers get, and Dismiss (managers only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from porch.core import channel_directory
from porch.core.config import Config, ConfigError
from porch.core.domain_events import MessagePosted
from porch.features.keyword_alerts.config import KeywordAlertsConfig
from porch.features.keyword_alerts.ids import Action
from porch.features.registry import build_features, load_config, templates
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import EXAMPLE_CONFIG
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0WATCH01"
ANA, SAM = "U0ANA00001", "U0SAM00001"
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
CHANNELS = {"general": "C0GENERAL1", "wins": "C0WINS0001"}


def watching(config: Config, *words: str, channels: tuple[str, ...] = ()) -> Config:
    section = KeywordAlertsConfig(words=list(words), channels=list(channels))
    return config.model_copy(update={"keyword_alerts": section})


def said(engine: Engine, config: Config, *messages: tuple[str, str, str]) -> RecordingDelivery:
    """Members' messages (user, channel, text) reach the feature, each delivered twice."""
    features = build_features(config=config, templates=templates())
    ids = {**CHANNELS, config.channels.moderators: "C0MODS0001"}
    with engine.begin() as conn:
        channel_directory.remember(conn, team_id=TEAM, ids_by_name=ids)
    for number, (user, channel, text) in enumerate(messages):
        event = MessagePosted(
            user_id=user, channel_id=ids[channel], ts=f"1.{number:06d}", thread_ts=None, text=text
        )
        for _ in range(2):  # Slack redelivers
            with engine.begin() as conn:
                for handle in features.handlers_for(MessagePosted):
                    handle(conn, TEAM, event, NOW)
    worker = RecordingDelivery(engine=engine, features=features, now=lambda: NOW)
    worker.deliver()
    return worker


def alerts(worker: RecordingDelivery) -> list[str]:
    return [str(e.payload["blocks"]) for e in worker.delivered if e.key.startswith("message-card:")]


def test_a_watched_word_brings_the_message_to_the_managers_once(engine: Engine, config: Config):
    config = watching(config, "giveaway", "free money")
    worker = said(
        engine,
        config,
        (ANA, "general", "FREE   money for everyone <!channel>"),
        (ANA, "general", "Our giveaways page is live"),  # not the whole word
        (ANA, "wins", "Shipped the giveaway page!"),
    )
    found = alerts(worker)
    assert len(found) == 2
    assert "mentions “FREE money”" in found[0]
    assert "<!channel>" not in found[0] and "&lt;!channel&gt;" in found[0]  # pings nobody
    assert "#wins" in found[1]
    assert {e.payload["channel_name"] for e in worker.delivered} == {config.channels.moderators}


def test_managers_the_managers_channel_and_unwatched_channels_are_left_alone(
    engine: Engine, config: Config
):
    config = watching(config, "giveaway", channels=("general",))
    manager = config.managers.users[0]
    worker = said(
        engine,
        config,
        (manager, "general", "No giveaway posts, please."),
        (ANA, config.channels.moderators, "Is this a giveaway?"),
        (ANA, "wins", "giveaway!"),
    )
    assert alerts(worker) == []


def test_no_words_no_listening(config: Config) -> None:
    features = build_features(config=config, templates=templates())
    (feature,) = [f for f in features.features if f.name == "keyword_alerts"]
    assert feature.handles == {}


def test_a_bad_word_list_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "community.yml"
    path.write_text(
        EXAMPLE_CONFIG.read_text() + '\nkeyword_alerts:\n  words: ["scam", "Scam"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"community.yml:\d+: keyword_alerts.words: .*twice"):
        load_config(path)


def test_dismiss_replaces_the_alert_and_only_managers_may(workspace_factory, config: Config):
    workspace: SandboxWorkspace = workspace_factory(watching(config, "giveaway"))
    workspace.join(ANA, "Ana")
    workspace.say(ANA, "general", "Join my crypto giveaway!")
    workspace.settle()
    managers = workspace.config.channels.moderators

    def in_managers_channel() -> list[dict]:
        return workspace.fake.messages(workspace.fake.channel_id(managers))

    [card] = [m for m in in_managers_channel() if "mentions" in m["text"]]

    workspace.click_message(
        ANA, Action.KEYWORD_ALERT_DISMISS, channel=managers, ts=card["ts"], value="dismiss"
    )
    workspace.settle()
    [still] = [
        m
        for m in workspace.fake.messages(workspace.fake.channel_id(managers))
        if m["ts"] == card["ts"]
    ]
    assert "mentions" in still["text"]  # unchanged for everyone
    [refusal] = workspace.fake.ephemerals(user_id=ANA)
    assert "Only community managers can do that" in str(refusal)

    workspace.click_message(
        workspace.manager,
        Action.KEYWORD_ALERT_DISMISS,
        channel=managers,
        ts=card["ts"],
        value="dismiss",
    )
    workspace.settle()
    [done] = [
        m
        for m in workspace.fake.messages(workspace.fake.channel_id(managers))
        if m["ts"] == card["ts"]
    ]
    assert "dismissed by" in str(done["blocks"])
