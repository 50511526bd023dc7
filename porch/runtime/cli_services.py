"""The runtime's side of porch.core.cli_services: what the `porch` command hands its feature
subcommands (as click's `obj`), built from the environment (porch.runtime.settings)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from porch.core.cli_services import fail
from porch.core.clock import Clock, SystemClock
from porch.core.config import Config, ConfigError
from porch.core.store import UnusableUrl, connect, is_migrated, migrate, safe_url
from porch.core.store.schema import workspaces
from porch.features.registry import Features, build_features, load_config
from porch.features.registry import templates as feature_templates
from porch.runtime.settings import Settings

SEE_RUNNING = 'See the README section "Run Porch for real".'
FIND_THE_STORE = (
    "run this command in the folder that holds Porch's database, or set DATABASE_URL to it "
    "(porch serve, run, demo and members import create one)"
)


def existing_store(url: str) -> Engine:
    """The store `url` names, connected, or exit 2 with one line when Porch has not set one up
    there: a command that reads, edits or sends from the store must not create an empty one and
    answer from it (a wrong folder or DATABASE_URL would look like a community with no members).
    """
    try:
        engine = connect(url)
    except UnusableUrl as exc:
        fail(f"porch: DATABASE_URL {exc}")
    try:
        _must_exist(url, engine)
    except SystemExit:
        engine.dispose()
        raise
    return engine


def _must_exist(url: str, engine: Engine) -> None:
    database = make_url(url).database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        path = Path(database).absolute()
        if not path.exists():
            fail(f"porch: no database at {path} (DATABASE_URL={safe_url(url)}): {FIND_THE_STORE}")
    if not is_migrated(engine):
        fail(f"porch: DATABASE_URL={safe_url(url)} holds no Porch data: {FIND_THE_STORE}")


@dataclass
class RunningPorch:
    """porch.core.cli_services.Running over a started-for-sending Runtime."""

    runtime: Any
    team_id: str

    @property
    def features(self) -> Features:
        return self.runtime.porch.features

    def transaction(self, work: Any) -> Any:
        return self.runtime.porch.transaction(work)

    def drain(self) -> None:
        self.runtime.worker.drain()


@dataclass
class RuntimeCliServices:
    clock: Clock = field(default_factory=SystemClock)

    def settings(self, config_path: Path | None) -> Settings:
        return Settings.from_env(config_path=config_path)

    def config(self, config_path: Path | None, *, team_id: str | None = None) -> Config:
        from porch.runtime.communities import team_settings

        try:
            return load_config(team_settings(self.settings(config_path), team_id).config_path)
        except ConfigError as exc:
            for issue in exc.issues:
                click.echo(str(issue), err=True)
            sys.exit(2)

    @contextmanager
    def store(self, config_path: Path | None, *, create: bool = False) -> Iterator[Engine]:
        url = self.settings(config_path).database_url
        if create:
            try:
                engine = connect(url)
            except UnusableUrl as exc:
                fail(f"porch: DATABASE_URL {exc}")
        else:
            engine = existing_store(url)
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()

    def workspace(self, engine: Engine, team_id: str | None, *, command: str) -> str:
        with engine.begin() as conn:
            known = list(conn.execute(select(workspaces.c.team_id)).scalars())
        if team_id in known or (team_id is None and len(known) == 1):
            return team_id or known[0]
        if not known:
            click.echo(
                f"porch {command}: no workspace yet: start Porch once (porch serve) first.",
                err=True,
            )
        else:
            click.echo(f"porch {command}: pass --team, one of: {', '.join(known)}", err=True)
        sys.exit(2)

    def features(self, config: Config) -> Features:
        return build_features(config=config, templates=feature_templates())

    @contextmanager
    def running(self, config_path: Path | None) -> Iterator[RunningPorch]:
        settings = self.settings(config_path)
        config = self.config(config_path)
        runtime = start_runtime(settings, config, receives_events=False, create_store=False)
        yield RunningPorch(runtime=runtime, team_id=runtime.team_id)


def start_runtime(  # type: ignore[no-untyped-def]
    settings: Settings,
    config: Config,
    *,
    receives_events: bool = True,
    create_store: bool = True,
    pool: Any = None,
):
    """The Runtime (its background work in `pool`'s workers, if given), or exit 2 with one line.
    Only the commands that run Porch (serve, run, members import) pass `create_store`."""
    from porch.runtime.server import Runtime, StartupError
    from porch.runtime.tracker_sync import missing_credentials

    problem = missing_credentials(config=config, settings=settings)
    if problem:
        click.echo(f"porch: {problem}", err=True)
        sys.exit(2)
    engine = None if create_store else existing_store(settings.database_url)
    try:
        runtime = Runtime.create(
            config=config, settings=settings, receives_events=receives_events, engine=engine
        )
        if pool is not None:
            runtime.attach_workers(pool)
        return runtime
    except ConfigError as exc:  # a workspace's community file (OAuth mode)
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(2)
    except StartupError as exc:
        click.echo(f"porch: {exc}. {SEE_RUNNING}", err=True)
        sys.exit(2)
