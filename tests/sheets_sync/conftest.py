"""Fixtures for the tracker tests: a migrated store, the fake Google, keys, Sheets and configs.

The store is a fresh SQLite file per test, and also PostgreSQL (a schema of its own per test,
dropped afterwards) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from porch.core import tracker_queue
from porch.core.config import Config
from porch.core.store import connect, migrate
from porch.runtime.settings import Settings
from porch.sandbox.google_api import FakeGoogle
from porch.sheets_sync.client import RetryPolicy, WriteLimiter
from porch.sheets_sync.layout import COLUMNS as HEADERS
from tests.conftest import example_config, migrated_store

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
FAST_RETRY = RetryPolicy(attempts=6, base_delay=0.005, max_delay=0.02, budget=0.3)
DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


class VirtualTime:
    """A monotonic clock that only moves when told (or when something "sleeps" on it)."""

    def __init__(self) -> None:
        self._now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    sleep = advance


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail the test if anything tries to resolve a host other than 127.0.0.1."""
    attempts: list[str] = []
    resolve = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1", None):
            attempts.append(str(host))
            raise OSError(f"tests may not reach {host}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield attempts
    assert not attempts, f"traffic outside 127.0.0.1: {attempts}"


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        with migrated_store("sqlite", tmp_path) as store:
            yield store
        return
    url = os.environ["TEST_DATABASE_URL"]
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = connect(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    store = connect(f"{url}{separator}options=-csearch_path%3D{schema}")
    try:
        migrate(store)
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def clock() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def fake(clock: VirtualTime) -> Iterator[FakeGoogle]:
    with FakeGoogle(clock=clock) as google:
        yield google


@dataclass
class Account:
    key_path: Path
    email: str


@pytest.fixture
def account(fake: FakeGoogle, tmp_path: Path) -> Account:
    info = fake.service_account()
    path = fake.write_key_file(tmp_path / "service-account.json", info)
    return Account(key_path=path, email=info["client_email"])


@pytest.fixture
def sheet_id(fake: FakeGoogle, account: Account) -> str:
    return fake.create_spreadsheet(editors=[account.email])


def with_sheet(config: Config, sheet: str | None) -> Config:
    return config.model_copy(update={"tracker": config.tracker.model_copy(update={"sheet": sheet})})


@pytest.fixture
def config(sheet_id: str) -> Config:
    return with_sheet(example_config(), sheet_id)


@pytest.fixture
def settings(tmp_path: Path, account: Account, fake: FakeGoogle, engine: Engine) -> Settings:
    return Settings(
        config_path=tmp_path / "community.yml",
        database_url=str(engine.url),
        google_credentials=account.key_path,
        sheets_api_url=fake.url,
    )


@pytest.fixture
def limiter(clock: VirtualTime) -> WriteLimiter:
    return WriteLimiter(clock=clock, sleep=clock.sleep)


def full_row(
    conn: Connection, *, sheet: str, key: str, values: dict[str, Any], team_id: str = "T1"
) -> dict[str, Any]:
    """A whole row for put_row: the row queued so far (or an empty one), with `values` on top."""
    row = tracker_queue.get_row(conn, team_id=team_id, sheet=sheet, key=key) or {
        header: "" for header in HEADERS[sheet]
    }
    row[HEADERS[sheet][0]] = key
    return row | values


def put_member(
    engine: Engine, user_id: str, *, now: dt.datetime = NOW, team_id: str = "T1", **values: Any
) -> None:
    defaults = {"Name": f"Member {user_id}", "Joined": now.isoformat()}
    with engine.begin() as conn:
        known = tracker_queue.get_row(conn, team_id=team_id, sheet="Members", key=user_id)
        row = full_row(
            conn,
            sheet="Members",
            key=user_id,
            values=(defaults if known is None else {}) | values,
            team_id=team_id,
        )
        tracker_queue.put_row(
            conn, team_id=team_id, sheet="Members", key=user_id, values=row, now=now
        )


def put_rows(engine: Engine, sheet: str, rows: dict[str, dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for key, values in rows.items():
            row = full_row(conn, sheet=sheet, key=key, values=values)
            tracker_queue.put_row(conn, team_id="T1", sheet=sheet, key=key, values=row, now=NOW)


def key_file_text(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
