"""When Porch first started for a workspace, by the clock Porch runs on.

A scheduled post (a weekly thread, a daily message to the managers, a monthly report) catches up
on a slot it missed while Porch was down. A slot that came before Porch ever started was not
missed: on a first start at 20:00, that morning's 09:00 message, and the month before, are not
Porch's to send. `porch serve` records the moment once (porch.runtime.scheduler's
remember_workspace).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from porch.core.store.schema import workspaces


def started_at(conn: Connection, *, team_id: str) -> dt.datetime | None:
    """When Porch first started for the workspace (None: it never recorded one)."""
    return conn.execute(
        select(workspaces.c.installed_at).where(workspaces.c.team_id == team_id)
    ).scalar()


def was_running(conn: Connection, *, team_id: str, at: dt.datetime) -> bool:
    """Whether Porch had started for the workspace by `at`, so that a slot at `at` is its to
    keep (or to catch up on). Without a record, nothing says otherwise."""
    started = started_at(conn, team_id=team_id)
    return started is None or started <= at
