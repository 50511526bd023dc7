"""INSERT ... ON CONFLICT DO NOTHING for both supported dialects."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, **values: Any) -> bool:
    """Insert one row unless its key exists; True when this call inserted it."""
    statement = _statement(table, conn.dialect.name)
    return conn.execute(statement, values).first() is not None


@functools.cache
def _statement(table: Table, dialect: str) -> Insert:
    """Built once per table: the values go in as parameters, which spares SQLAlchemy
    rebuilding and re-keying the statement on every one of the many inserts per event."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: psycopg reports no reliable rowcount for ON CONFLICT DO NOTHING.
    key = next(iter(table.primary_key.columns))
    return insert(table).on_conflict_do_nothing().returning(key)
