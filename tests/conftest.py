"""Shared fixtures: the store on SQLite (and PostgreSQL when TEST_DATABASE_URL is set), the
example config, and a running sandbox workspace (fake Slack + Porch over HTTP)."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from porch.core.config import Config
from porch.core.store import connect, migrate
from porch.features.registry import load_config
from porch.sandbox.workspace import SandboxWorkspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "community.yml"
# A Monday, 10:00 in Berlin: inside waking hours, after the introductions thread's slot.
MONDAY_MORNING = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True, scope="session")
def spool_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """On PostgreSQL `porch serve` spools in community.yml's folder unless PORCH_SPOOL_DIR says
    otherwise; the servers tests start (and their workers) spool here, not in the checkout."""
    previous = os.environ.get("PORCH_SPOOL_DIR")
    os.environ["PORCH_SPOOL_DIR"] = str(tmp_path_factory.mktemp("spools"))
    yield
    if previous is None:
        os.environ.pop("PORCH_SPOOL_DIR", None)
    else:
        os.environ["PORCH_SPOOL_DIR"] = previous


DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@contextmanager
def empty_store(kind: str, directory: Path) -> Iterator[Database]:
    """A database nothing has migrated yet: a file on SQLite, a fresh schema on PostgreSQL
    (dropped afterwards); PostgreSQL is skipped when TEST_DATABASE_URL is not set."""
    if kind == "sqlite":
        yield Database(url=f"sqlite:///{directory / 'porch.db'}")
        return
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Database(url=url, schema=schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@functools.cache
def migrated_sqlite_file() -> Path:
    """One SQLite file migrated to head by `migrate`, made once per test run.

    Running every migration takes tens of milliseconds, which several hundred tests paid each;
    a copy of this file is the same database (WAL mode is a setting kept in the file, and the
    last connection closing checkpoints the log into it). Tests of migrating itself start from
    `empty_store` and call `migrate`, as do the stores on PostgreSQL.
    """
    directory = Path(tempfile.mkdtemp(prefix="porch-migrated-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "porch.db"
    engine = connect(f"sqlite:///{path}")
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return path


@contextmanager
def migrated_store(kind: str, directory: Path) -> Iterator[Engine]:
    """An engine on a migrated empty store (see empty_store)."""
    with empty_store(kind, directory) as database:
        if kind == "sqlite":
            shutil.copyfile(migrated_sqlite_file(), database.url.removeprefix("sqlite:///"))
            engine = database.open()
        else:
            engine = database.open()
            migrate(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated store; every test that uses it runs on SQLite and on PostgreSQL."""
    with migrated_store(request.param, tmp_path) as engine:
        yield engine


@dataclass(frozen=True)
class Database:
    """Where a store lives, for engines opened in other processes (replicas, workers)."""

    url: str
    schema: str | None = None

    def open(self) -> Engine:
        return connect(self.url, schema=self.schema)


@pytest.fixture(params=DATABASES)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database nothing has migrated yet (a fresh schema on PostgreSQL)."""
    with empty_store(request.param, tmp_path) as database:
        yield database


@functools.cache
def _example_config() -> Config:
    return load_config(EXAMPLE_CONFIG)


def example_config() -> Config:
    """The example community.yml, read and validated once per run; each caller gets a deep copy
    of its own, so nothing one test does to it reaches another."""
    return _example_config().model_copy(deep=True)


@pytest.fixture
def config() -> Config:
    return example_config()


def config_with(config: Config, **sections: dict[str, object]) -> Config:
    """The example config with some fields of some sections replaced."""
    update = {
        name: getattr(config, name).model_copy(update=fields) for name, fields in sections.items()
    }
    return config.model_copy(update=update)


@pytest.fixture
def workspace_factory(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Start a sandbox workspace for a given config (several per test are allowed)."""
    monkeypatch.chdir(tmp_path)
    started: list[SandboxWorkspace] = []

    def start(config: Config, *, at: dt.datetime = MONDAY_MORNING) -> SandboxWorkspace:
        workspace = SandboxWorkspace(config=config, engine=engine, start=at)
        workspace.start()
        started.append(workspace)
        return workspace

    yield start
    for workspace in started:
        workspace.stop()


@pytest.fixture
def workspace(workspace_factory, config: Config) -> SandboxWorkspace:
    return workspace_factory(config)


def config_issue_after(tmp_path: Path, old: str, new: str) -> str:
    """The one problem the example config has once `old` is replaced by `new` (file:line)."""
    from porch.core.config import ConfigError
    from porch.features.registry import load_config

    example = EXAMPLE_CONFIG.read_text()
    assert old in example, old
    path = tmp_path / "community.yml"
    path.write_text(example.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    return str(issue)
