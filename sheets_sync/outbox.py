"""The tracker outbox in the store: pending rows, confirmations, row positions, the cycle log.

Everything here is per workspace (team_id): one database may serve several workspaces, each
with its own tracker, and their rows, positions and logs never meet.

A row is pending while `synced_version < version`. The worker confirms a row only after the
tracker acknowledged the write, by setting `synced_version` to the version it wrote, and only
upwards: a change that arrived during the write has a higher version and stays pending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, select, update

from porch.core.store.schema import (
    tracker_positions,
    tracker_rows,
    tracker_state,
    tracker_syncs,
)

# Cycles are logged for a month: enough to answer "when did the Sheet last update, and why not".
LOG_RETENTION = dt.timedelta(days=30)


@dataclass(frozen=True)
class TrackerRow:
    team_id: str
    sheet: str
    key: str
    values: dict[str, Any]
    version: int


# Worksheets whose keys sort by date (Health's ISO weeks, "2026-W47"): rows new to the tracker
# are added in key order, so that charts reading the rows in sheet order run forwards.
KEY_ORDERED = frozenset({"Health"})


def placement_order(sheet: str, rows: Iterable[TrackerRow]) -> list[TrackerRow]:
    """The order in which the rows of a worksheet are placed (new ones appended) in a tracker."""
    return sorted(rows, key=lambda row: row.key) if sheet in KEY_ORDERED else list(rows)


def _rows(conn: Connection, *conditions: Any) -> list[TrackerRow]:
    query = select(
        tracker_rows.c.team_id,
        tracker_rows.c.sheet,
        tracker_rows.c.row_key,
        tracker_rows.c.row_values,
        tracker_rows.c.version,
    ).order_by(tracker_rows.c.sheet, tracker_rows.c.updated_at, tracker_rows.c.row_key)
    if conditions:
        query = query.where(*conditions)
    return [
        TrackerRow(row.team_id, row.sheet, row.row_key, dict(row.row_values or {}), row.version)
        for row in conn.execute(query)
    ]


def pending(conn: Connection, *, team_id: str) -> list[TrackerRow]:
    """Rows whose latest version the tracker has not confirmed, oldest change first per sheet."""
    # Counted first through the partial index: the ordered query below may walk every row.
    if not count_pending(conn, team_id=team_id):
        return []
    return _rows(
        conn,
        tracker_rows.c.team_id == team_id,
        tracker_rows.c.synced_version < tracker_rows.c.version,
    )


def all_rows(conn: Connection, *, team_id: str, sheet: str | None = None) -> list[TrackerRow]:
    mine = tracker_rows.c.team_id == team_id
    return _rows(conn, mine, tracker_rows.c.sheet == sheet) if sheet else _rows(conn, mine)


def count_pending(conn: Connection, *, team_id: str) -> int:
    # Matches the partial index ix_tracker_rows_pending, so it costs nothing when idle.
    return conn.execute(
        select(func.count())
        .select_from(tracker_rows)
        .where(
            tracker_rows.c.team_id == team_id,
            tracker_rows.c.synced_version < tracker_rows.c.version,
        )
    ).scalar_one()


# Rows confirmed per transaction. A confirmation locks its rows until it commits, and the inbox
# processor updates those same rows (a member's Members row changes with their every message):
# confirming a cycle's thousands of rows at once held it up for seconds on PostgreSQL.
CONFIRM_STEP = 200


def confirm_in_steps(engine: Engine, rows: Iterable[TrackerRow]) -> None:
    """`confirm`, a few hundred rows per transaction, in one order of keys (so it never
    deadlocks with a transaction updating some of the same rows). Safe to stop half-way: a row
    not confirmed yet is simply written again at the next cycle."""
    ordered = sorted(rows, key=lambda r: (r.team_id, r.sheet, r.key))
    for start in range(0, len(ordered), CONFIRM_STEP):
        with engine.begin() as conn:
            confirm(conn, ordered[start : start + CONFIRM_STEP])


def confirm(conn: Connection, rows: Iterable[TrackerRow]) -> None:
    """Record that the tracker holds these versions (compare-and-set, never downwards)."""
    params = [
        {"b_team": r.team_id, "b_sheet": r.sheet, "b_key": r.key, "b_version": r.version}
        for r in rows
    ]
    if not params:
        return
    conn.execute(
        update(tracker_rows)
        .where(
            tracker_rows.c.team_id == bindparam("b_team"),
            tracker_rows.c.sheet == bindparam("b_sheet"),
            tracker_rows.c.row_key == bindparam("b_key"),
            tracker_rows.c.synced_version < bindparam("b_version"),
        )
        .values(synced_version=bindparam("b_version")),
        params,
    )


def requeue(conn: Connection, *, team_id: str, keys: Iterable[tuple[str, str]]) -> None:
    """Mark rows (sheet, key) as not in the tracker, so the next write puts them back."""
    params = [{"b_sheet": sheet, "b_key": key} for sheet, key in keys]
    if params:
        conn.execute(
            update(tracker_rows)
            .where(
                tracker_rows.c.team_id == team_id,
                tracker_rows.c.sheet == bindparam("b_sheet"),
                tracker_rows.c.row_key == bindparam("b_key"),
            )
            .values(synced_version=0),
            params,
        )


def requeue_sheet(conn: Connection, *, team_id: str, sheet: str) -> None:
    conn.execute(
        update(tracker_rows)
        .where(tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == sheet)
        .values(synced_version=0)
    )


def requeue_all(conn: Connection, *, team_id: str) -> None:
    conn.execute(
        update(tracker_rows).where(tracker_rows.c.team_id == team_id).values(synced_version=0)
    )


# ---- positions ---------------------------------------------------------------------------


def positions(
    conn: Connection, *, team_id: str, target: str, sheet: str | None = None
) -> dict[tuple[str, str], int]:
    """Where each row was last confirmed in `target`: (sheet, key) -> 1-based row number."""
    query = select(
        tracker_positions.c.sheet,
        tracker_positions.c.row_key,
        tracker_positions.c.row_number,
    ).where(tracker_positions.c.team_id == team_id, tracker_positions.c.target == target)
    if sheet is not None:
        query = query.where(tracker_positions.c.sheet == sheet)
    return {(row.sheet, row.row_key): row.row_number for row in conn.execute(query)}


def positions_of(
    conn: Connection, *, team_id: str, target: str, sheet: str, keys: Iterable[str]
) -> dict[str, int]:
    """The confirmed row numbers of some keys of one worksheet (only those it knows)."""
    found: dict[str, int] = {}
    wanted = list(keys)
    for start in range(0, len(wanted), 500):
        found.update(
            (row.row_key, row.row_number)
            for row in conn.execute(
                select(tracker_positions.c.row_key, tracker_positions.c.row_number).where(
                    tracker_positions.c.team_id == team_id,
                    tracker_positions.c.target == target,
                    tracker_positions.c.sheet == sheet,
                    tracker_positions.c.row_key.in_(wanted[start : start + 500]),
                )
            )
        )
    return found


def save_positions(
    conn: Connection,
    *,
    team_id: str,
    target: str,
    placed: Iterable[tuple[str, str, int]],
    now: dt.datetime,
    replace_all: bool = False,
) -> None:
    """Remember confirmed positions (replacing older ones for the same keys, or all of them)."""
    rows = [
        {
            "team_id": team_id,
            "target": target,
            "sheet": sheet,
            "row_key": key,
            "row_number": number,
            "written_at": now,
        }
        for sheet, key, number in placed
    ]
    if replace_all:
        conn.execute(
            delete(tracker_positions).where(
                tracker_positions.c.team_id == team_id, tracker_positions.c.target == target
            )
        )
    elif rows:
        forget_positions(
            conn, team_id=team_id, target=target, keys=[(r["sheet"], r["row_key"]) for r in rows]
        )
    if rows:
        conn.execute(insert(tracker_positions), rows)


def forget_positions(
    conn: Connection, *, team_id: str, target: str, keys: Iterable[tuple[str, str]]
) -> None:
    params = [{"b_sheet": sheet, "b_key": key} for sheet, key in keys]
    if params:
        conn.execute(
            delete(tracker_positions).where(
                and_(
                    tracker_positions.c.team_id == team_id,
                    tracker_positions.c.target == target,
                    tracker_positions.c.sheet == bindparam("b_sheet"),
                    tracker_positions.c.row_key == bindparam("b_key"),
                )
            ),
            params,
        )


# ---- the cycle log -----------------------------------------------------------------------


def record_cycle(
    conn: Connection,
    *,
    team_id: str,
    target: str,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    status: str,
    rows_written: int,
    write_requests: int,
    read_requests: int,
    error: str | None = None,
) -> None:
    conn.execute(
        insert(tracker_syncs).values(
            team_id=team_id,
            target=target,
            started_at=started_at,
            finished_at=finished_at,
            status=status,
            rows_written=rows_written,
            write_requests=write_requests,
            read_requests=read_requests,
            error=error,
        )
    )
    conn.execute(
        delete(tracker_syncs).where(tracker_syncs.c.started_at < started_at - LOG_RETENTION)
    )


def last_target(conn: Connection, *, team_id: str) -> str | None:
    """The tracker the workspace's last successful, non-empty cycle wrote to."""
    return conn.execute(
        select(tracker_syncs.c.target)
        .where(
            tracker_syncs.c.team_id == team_id,
            tracker_syncs.c.status == "ok",
            tracker_syncs.c.rows_written > 0,
        )
        .order_by(tracker_syncs.c.id.desc())
        .limit(1)
    ).scalar()


# ---- state kept between cycles ---------------------------------------------------------------


def load_state(conn: Connection, *, team_id: str, name: str) -> dict[str, Any] | None:
    value = conn.execute(
        select(tracker_state.c.value).where(
            tracker_state.c.team_id == team_id, tracker_state.c.name == name
        )
    ).scalar()
    return dict(value) if value is not None else None


def save_state(
    conn: Connection, *, team_id: str, name: str, value: dict[str, Any], now: dt.datetime
) -> None:
    clear_state(conn, team_id=team_id, name=name)
    conn.execute(
        insert(tracker_state).values(team_id=team_id, name=name, value=value, updated_at=now)
    )


def clear_state(conn: Connection, *, team_id: str, name: str) -> None:
    conn.execute(
        delete(tracker_state).where(
            tracker_state.c.team_id == team_id, tracker_state.c.name == name
        )
    )
