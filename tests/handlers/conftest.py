"""The Slack adapter on its own: Porch's Bolt app (app.build_app) with one probe feature that
declares an interaction of every kind, driven the way bolt-python tests itself: signed
requests through `app.dispatch`, against a local fake of the Slack Web API."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest, BoltResponse
from slack_sdk import WebClient
from sqlalchemy import Connection, Engine

from porch.app import build_app
from porch.core.app_home import AppHome
from porch.core.clock import Clock, SystemClock
from porch.core.config import Config
from porch.core.failure_log import FailureLog
from porch.core.feature import Feature
from porch.core.interactions import CommandRequest, Interaction, Reply, Verb
from porch.core.templating import Templates
from porch.features.registry import Features, templates
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack

T = TypeVar("T")
TEAM = "T0PORCH"
MEMBER = "U0ANA00001"
SECRET = "probe-secret"


@dataclass
class Probe:
    """A feature that answers what each test tells it to, and remembers what it was asked."""

    asked: list[Any] = field(default_factory=list)
    replies: dict[str, Reply] = field(default_factory=dict)

    def answer(self, name: str) -> Callable[[Any], Reply]:
        def handle(request: Any) -> Reply:
            self.asked.append((name, request))
            return self.replies.get(name)

        return handle

    def read_metadata(self, request: Any) -> Reply:
        self.asked.append(("metadata", request.metadata()))
        return None

    def later(self, request: CommandRequest) -> None:
        self.asked.append(("later", request))

    def feature(self) -> Feature:
        return Feature(
            name="probe",
            interactions=(
                Interaction("action", "probe_press", self.answer("press")),
                Interaction("action", "probe_approve", self.answer("approve"), managers_only=True),
                Interaction("view", "probe_modal", self.answer("modal"), managers_only=True),
                Interaction("view", "probe_form", self.answer("form")),
                Interaction("view", "probe_metadata", self.read_metadata),
                Interaction("shortcut", "probe_shortcut", self.answer("shortcut")),
                Interaction("shortcut", "probe_triage", self.answer("triage"), managers_only=True),
                Interaction("command", "/probe", self.answer("slash")),
            ),
            verbs=(
                Verb("echo", self.answer("echo")),
                Verb("tally", self.answer("tally"), managers_only=True, later=self.later),
            ),
        )


@dataclass
class ProbeServices:
    """handlers.services.Services over a real store, with the probe as the only feature."""

    config: Config
    engine: Engine
    templates: Templates
    features: Features
    clock: Clock = field(default_factory=SystemClock)
    settings: Any = field(default_factory=lambda: SimpleNamespace(slack_signing_secret=SECRET))
    failures: FailureLog = field(default_factory=lambda: FailureLog(clock=SystemClock()))

    def accept(self, **_: Any) -> bool:
        return True

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T:
        with self.engine.begin() as conn:
            return work(conn, self.clock.now())

    def for_team(self, team_id: str) -> ProbeServices:
        return self  # one community


def probe_features(config: Config, rendering: Templates, probe: Probe) -> Features:
    """The registry's Features with the probe alone (fields only legacy listeners read: None)."""
    values: dict[str, Any] = {f.name: None for f in dataclasses.fields(Features)}
    values.update(features=[probe.feature()], app_home=AppHome(config=config, templates=rendering))
    return Features(**values)


@dataclass
class Surface:
    fake: FakeSlack
    probe: Probe
    engine: Engine
    dispatch: Callable[[BoltRequest], BoltResponse]
    manager: str

    def _request(self, body: str, content_type: str) -> BoltResponse:
        timestamp = str(int(time.time()))
        headers = {
            "content-type": [content_type],
            **{
                k.lower(): [v]
                for k, v in slack.sign(
                    body=body.encode(), signing_secret=SECRET, timestamp=int(timestamp)
                ).items()
            },
        }
        return self.dispatch(BoltRequest(body=body, headers=headers))

    def interactive(self, payload: dict[str, Any]) -> BoltResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return self._request(body, "application/x-www-form-urlencoded")

    def command(self, user_id: str, command: str, text: str) -> BoltResponse:
        channel = self.fake.channel_id("general")
        form = slack.slash_command(
            team_id=TEAM,
            user_id=user_id,
            command=command,
            text=text,
            channel_id=channel,
            response_url=self.fake.response_url(channel_id=channel, user_id=user_id),
        )
        return self._request(urlencode(form), "application/x-www-form-urlencoded")

    def press(self, user_id: str, action_id: str, **extra: Any) -> BoltResponse:
        channel = self.fake.channel_id("general")
        ts = self.fake.add_message(channel, user=self.fake.bot_user_id, text="a card")
        [message] = [m for m in self.fake.messages(channel) if m["ts"] == ts]
        return self.interactive(
            slack.block_actions(
                team_id=TEAM,
                user_id=user_id,
                action_id=action_id,
                value="v1",
                channel_id=channel,
                message=message,
                response_url=self.fake.response_url(
                    channel_id=channel, user_id=user_id, message_ts=ts
                ),
                **extra,
            )
        )

    def asked(self, name: str) -> list[Any]:
        return [request for asked, request in self.probe.asked if asked == name]


@pytest.fixture
def surface_for(engine: Engine) -> Iterator[Callable[[Config], Surface]]:
    """Start the adapter for a given config (a fake Slack workspace each)."""
    with ExitStack() as stack:

        def start(config: Config) -> Surface:
            probe = Probe()
            rendering = templates()
            fake = stack.enter_context(FakeSlack(team_id=TEAM))
            fake.add_channel("general")
            services = ProbeServices(
                config=config,
                engine=engine,
                templates=rendering,
                features=probe_features(config, rendering, probe),
            )
            client = WebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])
            app = build_app(porch=services, client=client)  # type: ignore[arg-type]
            return Surface(
                fake=fake,
                probe=probe,
                engine=engine,
                dispatch=app.dispatch,
                manager=config.managers.users[0],
            )

        yield start


@pytest.fixture
def surface(surface_for: Callable[[Config], Surface], config: Config) -> Surface:
    return surface_for(config)
