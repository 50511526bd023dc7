"""A small community on a real store, without Slack: domain events handed to every feature in
the registry's order (as the inbox processor does), jobs run on demand and effects "delivered"
by a RecordingDelivery. Fast enough for the onboarding rules to be tested one by one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, select

from porch.core import channel_directory, member_records
from porch.core.config import Config
from porch.core.domain_events import Newcomer, TeamJoined
from porch.core.effect_queue import Effect
from porch.core.interactions import ActionRequest, Interaction, InteractionKind, Reply
from porch.core.store.schema import effects
from porch.features.registry import Features, build_features, templates
from tests.conftest import MONDAY_MORNING
from tests.porch.features.recording import RecordingDelivery

T = TypeVar("T")
TEAM = "T0ONBOARD"
TRIGGER = "1234.5678.abcdef"


@dataclass
class Community:
    engine: Engine
    config: Config
    now: dt.datetime = MONDAY_MORNING
    features: Features = field(init=False)
    worker: RecordingDelivery = field(init=False)

    def __post_init__(self) -> None:
        self.features = build_features(config=self.config, templates=templates())
        self.worker = RecordingDelivery(engine=self.engine, features=self.features, now=self.clock)
        names = sorted(self.config.channel_names())
        with self.engine.begin() as conn:
            channel_directory.remember(
                conn, team_id=TEAM, ids_by_name={name: self.channel_id(name) for name in names}
            )

    def clock(self) -> dt.datetime:
        return self.now

    @staticmethod
    def channel_id(name: str) -> str:
        return "C" + name.upper().replace("-", "")[:10]

    # ---- what happens ------------------------------------------------------------------------

    def event(self, event: Any) -> None:
        """One domain event, handled by every feature in one transaction."""
        with self.engine.begin() as conn:
            for handler in self.features.handlers_for(type(event)):
                handler(conn, TEAM, event, self.now)

    def join(self, user_id: str, name: str = "", **kind: Any) -> None:
        user = Newcomer(
            user_id,
            name or user_id,
            name or user_id,
            kind.get("tz"),
            kind.get("is_bot", False),
            kind.get("is_guest", False),
            kind.get("is_deleted", False),
        )
        self.event(TeamJoined(user=user))

    def at(self, when: dt.datetime) -> list[Effect]:
        """Move the clock, run the introductions and follow-ups jobs once, deliver what they
        recorded."""
        self.now = when
        for job in self.features.jobs:
            if job.name in ("introductions", "follow-ups"):
                job.run(self.engine, TEAM, when)
        return self.deliver()

    def deliver(self, **kwargs: Any) -> list[Effect]:
        return self.worker.deliver(**kwargs)

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T:
        """The store as an interaction's request sees it."""
        with self.engine.begin() as conn:
            return work(conn, self.now)

    def interaction(self, kind: InteractionKind, id: str) -> Interaction:
        [found] = [i for i in self.features.interactions(kind) if i.id == id]
        return found

    def click(self, action_id: str, *, user: str, value: str = "") -> Reply:
        """A button pressed, as the Slack adapter hands it to the feature (whether the presser
        may use it is the adapter's to check)."""
        request = ActionRequest(
            team_id=TEAM,
            user_id=user,
            trigger_id=TRIGGER,
            body={"trigger_id": TRIGGER},
            store=self,
            action={"action_id": action_id, "value": value},
        )
        return self.interaction("action", action_id).handle(request)

    # ---- what is recorded --------------------------------------------------------------------

    def member(self, user_id: str) -> Any:
        with self.engine.connect() as conn:
            return member_records.get(conn, team_id=TEAM, user_id=user_id)

    def effect_keys(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(effects.c.effect_key).order_by(effects.c.id)).scalars())

    def dms(self, user_id: str) -> list[Effect]:
        return [e for e in self.worker.delivered if e.payload.get("channel") == user_id]


def text_of(effect: Effect) -> str:
    """An effect's message: its notification text and every block's text."""
    return " ".join([str(effect.payload.get("text", "")), str(effect.payload.get("blocks", ""))])
