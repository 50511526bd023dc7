"""A small community on a real store, for feature tests that need no Slack and no sandbox.

Members and channels are rows in the store; a member's post, reply or reaction is the domain
event the inbox processor would hand the features, run through the chosen features' handlers
in the registry's order (participation first, as in production) in one transaction; a job runs
as the scheduler would run it; a click or a modal submission is the typed request the Slack
adapter would hand the feature's declared function (without the adapter's manager-only gate);
and `worker` (RecordingDelivery) plays the effect worker.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert

from porch.core import channel_directory
from porch.core.config import Config
from porch.core.domain_events import MessagePosted, ReactionChanged
from porch.core.effect_queue import Effect
from porch.core.interactions import (
    ActionRequest,
    Interaction,
    InteractionKind,
    Reply,
    ViewSubmission,
)
from porch.core.store.schema import members, workspaces
from porch.features.registry import Features, build_features, templates
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0COMMUNITY"
WORKSPACE_URL = "https://porch-test.slack.com/"


@dataclass
class Community:
    engine: Engine
    config: Config
    now: dt.datetime
    # The features whose handlers and jobs run (by Feature.name), in the registry's order.
    running: tuple[str, ...]
    features: Features = field(init=False)
    worker: RecordingDelivery = field(init=False)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.features = build_features(config=self.config, templates=templates())
        self.worker = RecordingDelivery(engine=self.engine, features=self.features, now=self.clock)
        with self.engine.begin() as conn:
            conn.execute(
                insert(workspaces).values(team_id=TEAM, url=WORKSPACE_URL, installed_at=self.now)
            )
            names = set(self.config.channels.model_dump().values())
            names |= set(self.config.thresholds.help_channels)
            ids = {name: self.channel_id(name) for name in names}
            channel_directory.remember(conn, team_id=TEAM, ids_by_name=ids)

    def clock(self) -> dt.datetime:
        return self.now

    @staticmethod
    def channel_id(name: str) -> str:
        return "C" + "".join(c for c in name.upper() if c.isalnum())[:12]

    def permalink(self, channel: str, ts: str) -> str:
        return f"{WORKSPACE_URL}archives/{self.channel_id(channel)}/p{ts.replace('.', '')}"

    def member(self, user_id: str, name: str, **columns: Any) -> None:
        """A member Porch knows (joined now, welcomed, unless `columns` say otherwise)."""
        values = {
            "display_name": name,
            "joined_at": self.now,
            "joined_via": "team_join",
            "welcome_status": "sent",
            "updated_at": self.now,
            **columns,
        }
        with self.engine.begin() as conn:
            conn.execute(insert(members).values(team_id=TEAM, user_id=user_id, **values))

    def handle(self, event: Any, *, deliveries: int = 1) -> None:
        """The event through the running features, once per delivery (Slack's retries)."""
        handlers = [
            feature.handles[type(event)]
            for feature in self.features.features
            if feature.name in self.running and type(event) in feature.handles
        ]
        for _ in range(deliveries):
            with self.engine.begin() as conn:
                for handler in handlers:
                    handler(conn, TEAM, event, self.now)

    def say(self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None) -> str:
        ts = f"{int(self.now.timestamp())}.{next(self._ts):06d}"
        self.handle(MessagePosted(user_id, self.channel_id(channel), ts, thread_ts, text))
        return ts

    def react(
        self,
        user_id: str,
        channel: str,
        ts: str,
        name: str,
        *,
        removed: bool = False,
        deliveries: int = 1,
    ) -> None:
        event = ReactionChanged(user_id, self.channel_id(channel), ts, name, not removed)
        self.handle(event, deliveries=deliveries)

    def at(
        self, moment: dt.datetime, *, error: Callable[[Effect], str | None] | None = None
    ) -> dict[str, int]:
        """Time moves to `moment`; the running features' jobs run once, as the scheduler
        would; then the worker delivers what they recorded (or fails with `error`). Returns
        the jobs' counts."""
        self.now = moment
        counts: dict[str, int] = {}
        for feature in self.features.features:
            if feature.name in self.running:
                for job in feature.jobs:
                    counts.update(job.run(self.engine, TEAM, self.now) or {})
        self.worker.deliver(**({"error": error} if error else {}))
        return counts

    # The store as a request sees it (porch.core.interactions.Store).
    def transaction(self, work: Callable[[Any, dt.datetime], Any]) -> Any:
        with self.engine.begin() as conn:
            return work(conn, self.now)

    def _interaction(self, kind: InteractionKind, id_: str) -> Interaction:
        [found] = [i for i in self.features.interactions(kind) if i.id == id_]
        return found

    def _body(self, user_id: str) -> dict[str, Any]:
        return {"team": {"id": TEAM}, "user": {"id": user_id}, "trigger_id": "12345.98765.abcd"}

    def click(
        self, user_id: str, action_id: str, *, value: str, trigger_id: str = "12345.98765.abcd"
    ) -> Reply:
        """A button press, answered by the feature that declared it."""
        action = {"action_id": action_id, "value": value}
        request = ActionRequest(
            team_id=TEAM,
            user_id=user_id,
            trigger_id=trigger_id,
            body={**self._body(user_id), "actions": [action]},
            store=self,
            action=action,
        )
        return self._interaction("action", action_id).handle(request)

    def submit(
        self,
        user_id: str,
        callback_id: str,
        *,
        values: Mapping[str, str],
        metadata: Mapping[str, Any],
    ) -> Reply:
        """A modal's submission: each input's text under its block and action ID."""
        view = {
            "callback_id": callback_id,
            "private_metadata": json.dumps(metadata),
            "state": {"values": {k: {k: {"value": v}} for k, v in values.items()}},
        }
        request = ViewSubmission(
            team_id=TEAM,
            user_id=user_id,
            trigger_id="",
            body={**self._body(user_id), "view": view},
            store=self,
            view=view,
        )
        return self._interaction("view", callback_id).handle(request)

    def sent(self, prefix: str) -> list[Effect]:
        """What the worker delivered under keys starting with `prefix`, in order."""
        return [effect for effect in self.worker.delivered if effect.key.startswith(prefix)]
