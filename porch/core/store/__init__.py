"""The store: SQLite (WAL) by default, PostgreSQL for replicas; schema changes via Alembic."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError

from porch.core.store import schema

__all__ = [
    "READ_ONLY",
    "UnusableUrl",
    "alembic_config",
    "check_url",
    "connect",
    "is_migrated",
    "migrate",
    "safe_url",
    "schema",
    "unreachable",
]

MIGRATIONS = Path(__file__).parent / "migrations"
# Each feature package keeps its tables' migrations in porch/features/<name>/migrations/: the
# chain of revisions runs through them all, so one upgrade brings every table to head and a
# database made before a migration moved into its feature's folder upgrades in place (the
# revision IDs never change). Found by folder, so the store imports no feature.
FEATURES = Path(__file__).parent.parent.parent / "features"
# pg_advisory_xact_lock's key for migrations: any fixed bigint that nothing else in the database
# locks on ("porch" in ASCII).
MIGRATION_LOCK_KEY = 0x706F726368


# An execution option: `conn.execution_options(**{READ_ONLY: True})` on SQLite begins a plain
# (deferred) transaction, which never waits for the write lock; see _sqlite_engine.
READ_ONLY = "porch_read_only"

# What a usable URL looks like, for the error that names an unusable one.
URL_EXAMPLES = "sqlite:///path/to/porch.db (a file) or postgresql://user:password@host/dbname"


class UnusableUrl(ValueError):
    """A database URL Porch cannot use (a plain path, an unknown scheme); its message shows the
    URL without any password and what a usable one looks like."""


def safe_url(url: str) -> str:
    """`url` without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r":[^:@/]*@", ":***@", url)


def unreachable(error: BaseException) -> bool:
    """Whether `error` says the store could not be reached or used just now (a refused or lost
    connection, SQLite's write lock held too long), not that the work itself is at fault: the
    work is then tried again later, never set aside, and a request is answered 503."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError)


def check_url(url: str) -> None:
    """UnusableUrl unless `url` is a SQLite or PostgreSQL URL."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = ""
    if backend not in ("sqlite", "postgresql"):
        raise UnusableUrl(f"{safe_url(url)!r} is not a database URL: write {URL_EXAMPLES}")


def connect(url: str, *, schema: str | None = None) -> Engine:
    """An engine for `url`, with SQLite set up for concurrent readers and one writer.

    `schema` (PostgreSQL only) puts every table in that schema; tests use it for isolation.
    An unusable URL raises UnusableUrl before SQLAlchemy sees it.
    """
    check_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    in_memory = url in ("sqlite://", "sqlite:///:memory:")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # Take the write lock up front: two writers then queue on busy_timeout instead of one
    # failing with "database is locked" when it upgrades a read transaction.
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        # A connection marked READ_ONLY (GET /healthz's look at the backlog) only reads, and in
        # WAL mode a reader never waits for the writer, so it does not queue for the lock.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch a new database file to WAL (a setting of the file, kept once made).

    The switch needs the file to itself and SQLite does not wait for that (no busy handler), so
    when two processes open a new database at once one of them is told "database is locked":
    it tries again for a few seconds, until the other's switch or first transaction is done.
    """
    deadline = time.monotonic() + 30
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def alembic_config() -> AlembicConfig:
    """Alembic's settings for Porch's migrations (configured in code: there is no alembic.ini)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *sorted(FEATURES.glob("*/migrations"))]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(path) for path in locations))
    return config


def is_migrated(engine: Engine) -> bool:
    """True when the database holds Porch's schema (Alembic has recorded a revision)."""
    with engine.connect() as connection:
        return inspect(connection).has_table("alembic_version")


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (safe to run on every start, by every replica).

    Replicas started at the same moment on PostgreSQL would otherwise all see an empty database
    and all create `alembic_version`, and all but one die on a unique violation. An advisory lock
    held for the migration's transaction makes them take turns; each later one then finds the
    schema at head and does nothing. SQLite needs no lock: BEGIN IMMEDIATE already serialises.
    """
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
