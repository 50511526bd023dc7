"""The store: migrations match the table definitions, and timestamps come back aware."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from porch.core import effect_queue
from porch.core.store import migrate
from porch.core.store.schema import effects as effects_table
from porch.core.store.schema import metadata

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_migrations_create_exactly_the_tables_in_schema_py(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_twice_is_harmless(engine):
    migrate(engine)
    migrate(engine)


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
