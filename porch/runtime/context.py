"""Everything a handler needs, built once at start-up and passed in (no module-level state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from porch.core.clock import Clock
from porch.core.config import Config
from porch.core.dedupe import first_delivery
from porch.core.templating import Templates
from porch.features.onboarding import Onboarding
from porch.runtime.settings import Settings

T = TypeVar("T")


@dataclass
class Porch:
    config: Config
    settings: Settings
    engine: Engine
    clock: Clock
    templates: Templates
    onboarding: Onboarding
    # Called after a transaction that recorded effects, so the worker delivers them promptly.
    on_commit: Callable[[], None] = field(default=lambda: None)

    @classmethod
    def build(cls, *, config: Config, settings: Settings, engine: Engine, clock: Clock) -> Porch:
        templates = Templates(override_dir=config.onboarding.templates_dir)
        return cls(
            config=config,
            settings=settings,
            engine=engine,
            clock=clock,
            templates=templates,
            onboarding=Onboarding(config=config, templates=templates),
        )

    def once(self, body: dict[str, Any], work: Callable[[Connection, dt.datetime], object]) -> bool:
        """Run `work` for an Events API delivery unless this event was already processed.

        The event's row and everything `work` records commit together, so a redelivery after
        a crash either finds the row or does the whole thing again.
        """
        event = body.get("event") or {}
        now = self.clock.now()
        with self.engine.begin() as conn:
            if not first_delivery(
                conn,
                team_id=body["team_id"],
                event_id=body["event_id"],
                event_type=event.get("type", "unknown"),
                now=now,
            ):
                return False
            work(conn, now)
        self.on_commit()
        return True

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T:
        """Run `work` in one transaction (buttons, commands), then wake the worker."""
        with self.engine.begin() as conn:
            result = work(conn, self.clock.now())
        self.on_commit()
        return result
