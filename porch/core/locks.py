"""Time-limited leases, so that only one replica runs a periodic job at a time.

A lease is a row (name, holder, until). Taking it is one atomic statement on both SQLite and
PostgreSQL: insert it if nobody has it, otherwise take it over only if it has expired or we
already hold it. A replica that dies keeps the lease only until `until`, so the job moves to
another replica on its own; a job that may outlive its lease should renew it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, or_, update

from porch.core.store.schema import leases
from porch.core.store.upsert import insert_ignore


def acquire(
    conn: Connection, *, name: str, holder: str, until: dt.datetime, now: dt.datetime
) -> bool:
    """Take (or renew) the lease `name` for `holder` until `until`; False if someone else has it."""
    if insert_ignore(conn, leases, name=name, holder=holder, until=until):
        return True
    taken = conn.execute(
        update(leases)
        .where(leases.c.name == name, or_(leases.c.holder == holder, leases.c.until <= now))
        .values(holder=holder, until=until)
    )
    return taken.rowcount == 1


def release(conn: Connection, *, name: str, holder: str) -> None:
    """Give the lease back early (a no-op if it has meanwhile passed to another holder)."""
    conn.execute(delete(leases).where(leases.c.name == name, leases.c.holder == holder))
