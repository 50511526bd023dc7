"""The store: migrations match the table definitions, and timestamps come back aware."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from porch.core import effect_queue
from porch.core.store import alembic_config, migrate
from porch.core.store.schema import effects as effects_table
from porch.core.store.schema import metadata
from tests.conftest import Database

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_migrations_create_exactly_the_tables_in_schema_py(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_twice_is_harmless(engine):
    with engine.begin() as conn:
        effect_queue.record(
            conn, team_id="T1", key="k", kind="post", payload={"text": "hi"}, now=NOW
        )

    migrate(engine)
    migrate(engine)

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        kept = conn.execute(select(effects_table.c.effect_key, effects_table.c.payload)).all()
    assert versions == [head]
    assert diff == []
    assert [(key, payload["text"]) for key, payload in kept] == [("k", "hi")]


def _start_replica(database: Database, start: Any) -> None:
    """A replica's first start: open the store and migrate it (in a process of its own, as
    Alembic keeps its migration context in module state)."""
    engine = database.open()
    start.wait()
    try:
        migrate(engine)
    finally:
        engine.dispose()


def test_replicas_starting_at_once_on_an_empty_database_all_migrate(empty_database):
    processes = multiprocessing.get_context("fork")
    start = processes.Barrier(2)
    replicas = [
        processes.Process(target=_start_replica, args=(empty_database, start)) for _ in range(2)
    ]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join(timeout=60)

    assert [replica.exitcode for replica in replicas] == [0, 0]
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = empty_database.open()
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert versions == [head]
    assert diff == []


def test_an_effect_is_recorded_once_and_claimed_by_one_worker(engine):
    with engine.begin() as conn:
        assert effect_queue.record(
            conn, team_id="T1", key="k", kind="post", payload={"text": "hi"}, now=NOW
        )
        assert not effect_queue.record(
            conn, team_id="T1", key="k", kind="post", payload={"text": "again"}, now=NOW
        )
    lease = dt.timedelta(minutes=1)
    with engine.begin() as conn:
        taken = effect_queue.claim(conn, holder="a", now=NOW, lease=lease)
    with engine.begin() as conn:
        assert effect_queue.claim(conn, holder="b", now=NOW, lease=lease) == []
        # After the lease, another worker may take it over.
        [retaken] = effect_queue.claim(conn, holder="b", now=NOW + 2 * lease, lease=lease)
    assert [e.payload["text"] for e in taken] == ["hi"]
    assert retaken.attempts == 2
    with engine.begin() as conn:
        created = conn.execute(select(effects_table.c.created_at)).scalar_one()
    assert created == NOW and created.tzinfo is not None
