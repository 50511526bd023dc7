"""Everything a handler needs, built once at start-up and passed in (no module-level state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from sqlalchemy import Connection, Engine

from porch.core import inbox
from porch.core.clock import Clock, SystemClock
from porch.core.config import Config
from porch.core.domain_events import DomainEvent
from porch.core.failure_log import FailureLog
from porch.core.store.write_turns import WriteTurns
from porch.core.templating import Templates
from porch.features.registry import Features
from porch.runtime.communities import Communities
from porch.runtime.settings import Settings
from porch.runtime.spool import EventSpool

T = TypeVar("T")


@dataclass
class Porch:
    config: Config
    settings: Settings
    engine: Engine
    clock: Clock
    templates: Templates
    features: Features
    # Called after a transaction that recorded effects, so the worker delivers them promptly.
    on_commit: Callable[[], None] = field(default=lambda: None)
    # Called after an event is stored, so the inbox processor picks it up at once.
    on_accept: Callable[[], None] = field(default=lambda: None)
    # Storing events and processing them take turns at SQLite's write lock (write_turns.py).
    write_turns: WriteTurns = field(default_factory=lambda: WriteTurns(enabled=False))
    # `porch serve` with worker processes: events go to a spool file of their own, the
    # requests of a moment in one transaction, so storing one never waits for the workers or
    # the shared database (spool.py, group_commit.py).
    spool: EventSpool | None = None
    # One for the process: failures that repeat (the database down) are logged once with their
    # traceback, then counted a minute at a time. Wall time: the demo's clock jumps by days.
    failures: FailureLog = field(default_factory=lambda: FailureLog(clock=SystemClock()))
    # Many workspaces: each workspace's config, templates and features (communities.py); the
    # fields above are the default community's.
    communities: Communities | None = None

    @classmethod
    def build(
        cls,
        *,
        config: Config,
        settings: Settings,
        engine: Engine,
        clock: Clock,
        communities: Communities | None = None,
    ) -> Porch:
        communities = communities or Communities.single(path=settings.config_path, config=config)
        default = communities.default
        return cls(
            config=default.config,
            settings=settings,
            engine=engine,
            clock=clock,
            templates=default.templates,
            features=default.features,
            write_turns=WriteTurns(enabled=engine.dialect.name == "sqlite"),
            communities=communities,
        )

    def for_team(self, team_id: str) -> Porch:
        """This Porch as workspace `team_id` sees it: its own community's config, templates and
        features (itself when the workspace runs on the default). The store, clock, failure log
        and wake-ups are shared; the wake-ups are looked up when called, so a view made early
        still wakes what the process attaches later."""
        if self.communities is None or team_id not in self.communities.teams:
            return self
        community = self.communities.teams[team_id]
        return replace(
            self,
            config=community.config,
            settings=replace(self.settings, config_path=community.path),
            templates=community.templates,
            features=community.features,
            on_commit=lambda: self.on_commit(),
            on_accept=lambda: self.on_accept(),
        )

    def features_of(self, team_id: str) -> Features:
        """The features of workspace `team_id`'s community (a lookup: called per event)."""
        if self.communities is None:
            return self.features
        return self.communities.features_of(team_id)

    def accept(self, *, team_id: str, event_id: str, event: DomainEvent) -> bool:
        """Store an Events API delivery in the inbox: one INSERT, deduplicated by its key.

        This is all that happens before Slack gets its 200; the features act on the event
        afterwards, in the inbox processor.
        """
        if self.spool is not None:
            # Its own turns: concurrent requests share one transaction (group_commit.py).
            first = self.spool.accept(
                team_id=team_id, event_id=event_id, event=event, now=self.clock.now()
            )
            if first:
                self.on_accept()
            return first
        with self.write_turns.turn(), self.engine.begin() as conn:
            first = inbox.accept(
                conn, team_id=team_id, event_id=event_id, event=event, now=self.clock.now()
            )
        if first:
            self.on_accept()
        return first

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T:
        """Run `work` in one transaction (buttons, commands), then wake the worker."""
        with self.engine.begin() as conn:
            result = work(conn, self.clock.now())
        self.on_commit()
        return result
