"""What the Slack adapter needs from a running Porch, as a protocol: the runtime builds the real
one (porch.runtime.context.Porch) and passes it in, so handlers/ imports nothing from the
runtime (the runtime imports app.py, which imports handlers/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy import Connection, Engine

from porch.core.clock import Clock
from porch.core.config import Config
from porch.core.domain_events import DomainEvent
from porch.core.failure_log import FailureLog
from porch.core.templating import Templates
from porch.features.registry import Features

T = TypeVar("T")


class SlackSettings(Protocol):
    slack_signing_secret: str | None


class Services(Protocol):
    settings: SlackSettings
    config: Config
    engine: Engine
    clock: Clock
    templates: Templates
    features: Features
    failures: FailureLog

    def accept(self, *, team_id: str, event_id: str, event: DomainEvent) -> bool: ...

    def transaction(self, work: Callable[[Connection, dt.datetime], T]) -> T: ...

    def for_team(self, team_id: str) -> Services:
        """The workspace's own Porch: its community file's config, templates and features."""
        ...
