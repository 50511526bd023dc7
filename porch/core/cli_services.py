"""What a feature's CLI commands (FeaturePackage.cli) get from the `porch` command, as click's
`obj`: the settings-aware loading a command needs, so a feature's commands import nothing from
the runtime. porch.runtime.cli_services is the implementation; each method answers a problem
(a config error, no workspace yet) with one line on stderr and exit 2."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NoReturn, Protocol

import click
from sqlalchemy import Engine

from porch.core.clock import Clock
from porch.core.config import Config

CONFIG_OPTION = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="community.yml"
)
TEAM_OPTION = click.option(
    "--team",
    "team_id",
    default=None,
    help="The workspace (team ID), when the database serves several.",
)


class Running(Protocol):
    """A Porch built to send (no HTTP): its features and store, and a worker to drain."""

    team_id: str

    @property
    def features(self) -> Any: ...

    def transaction(self, work: Any) -> Any: ...

    def drain(self) -> None: ...


class CliServices(Protocol):
    clock: Clock

    def config(self, config_path: Path | None, *, team_id: str | None = None) -> Config:
        """community.yml (from --config, PORCH_CONFIG or the current folder), checked; with
        `team_id` (many workspaces), that workspace's community file when it has one."""
        ...

    def store(
        self, config_path: Path | None, *, create: bool = False
    ) -> AbstractContextManager[Engine]:
        """The store DATABASE_URL names, migrated; disposed on exit. Unless `create`, a store
        that does not exist yet (no SQLite file, no Porch schema) exits 2 naming DATABASE_URL:
        only the commands that run Porch (serve, run, demo, members import) create one."""
        ...

    def workspace(self, engine: Engine, team_id: str | None, *, command: str) -> str:
        """The workspace a command acts on: --team, or the only one the store has."""
        ...

    def features(self, config: Config) -> Any:
        """The features (porch.features.registry.Features), built for `config`."""
        ...

    def running(self, config_path: Path | None) -> AbstractContextManager[Running]:
        """Porch with its Slack client and worker, for commands that send now."""
        ...


def fail(message: str) -> NoReturn:
    """One line on stderr and exit 2: what the manager changes."""
    click.echo(message, err=True)
    raise SystemExit(2)
