"""What the tracker (Google Sheet or local folder) should show, queued in the store.

Domain code calls `put_row` inside its own transaction; the sync worker in sheets_sync/
drains the queue later, so no Sheets I/O ever happens inside a Slack request.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Insert, Select, Update, bindparam, cast, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB

from porch.core.store.schema import tracker_rows
from porch.core.store.upsert import insert_ignore
from porch.core.worksheets import RowError, SheetRow, check_cells

__all__ = ["get_row", "put", "put_row"]


def get_row(conn: Connection, *, team_id: str, sheet: str, key: str) -> dict[str, Any] | None:
    """The values last queued for one row, or None when Porch never queued it."""
    found = conn.execute(_select_row(), {"team": team_id, "the_sheet": sheet, "key": key}).first()
    values = found.row_values if found is not None else None
    return dict(values) if values is not None else None


def put_row(
    conn: Connection,
    *,
    team_id: str,
    sheet: str,
    key: str,
    values: Mapping[str, Any] | SheetRow,
    now: dt.datetime,
) -> None:
    """Queue the latest values of one tracker row (by sheet and key); a newer call wins.

    `values` is a row built with its worksheet's class (a SheetRow): a whole row, so a column
    missing or misspelt fails here, inside the domain's transaction, rather than as an empty
    cell in the Sheet. A mapping (keyed by column header) is a row read back from the queue
    and changed (erasure blanks its text), so it is complete already; its key is still
    checked. Only changed rows bump the version, so replaying an event does not cause a
    second write.
    """
    kept: tuple[str, ...] = ()
    if isinstance(values, SheetRow):
        if sheet != values.SHEET:
            raise ValueError(f"a {values.SHEET} row cannot be queued on the {sheet} sheet")
        row = check_cells(type(values), key, values.cells())
        kept = values.KEPT
    else:
        row = dict(values)
        first = next(iter(row), None)
        if first is None or str(row[first]) != key:
            raise RowError(f"{sheet} row {key!r}: its first column must be the row's key")
    params = {"team": team_id, "the_sheet": sheet, "key": key}
    if conn.dialect.name == "postgresql" and not kept:
        # One round trip instead of a read and then a write: put_row runs for nearly every
        # event, and on PostgreSQL each statement is a round trip. (A row with KEPT cells
        # reads first, so what other features filled in is kept.)
        conn.execute(_upsert_row(), {**params, "row": row, "now": now})
        return
    existing = conn.execute(
        _select_row(), {"team": team_id, "the_sheet": sheet, "key": key}
    ).first()
    if existing is None:
        insert_ignore(
            conn,
            tracker_rows,
            team_id=team_id,
            sheet=sheet,
            row_key=key,
            row_values=row,
            version=1,
            synced_version=0,
            updated_at=now,
        )
        return
    for header in kept:  # filled by other code (SheetRow.KEPT)
        row[header] = existing.row_values.get(header, row[header])
    if row == existing.row_values:
        return
    conn.execute(
        _update_row(),
        {"team": team_id, "the_sheet": sheet, "key": key, "row": row, "now": now},
    )


# Built once: put_row runs for nearly every event, and building these statements each time
# costs more than running them.
@functools.cache
def _select_row() -> Select[Any]:
    return select(tracker_rows.c.row_values, tracker_rows.c.version).where(*_row_key())


@functools.cache
def _upsert_row() -> Insert:
    """PostgreSQL: insert the row, or bump its version if its values changed (compared as
    jsonb: the same values in another key order are the same row)."""
    insert = postgresql.insert(tracker_rows).values(
        team_id=bindparam("team"),
        sheet=bindparam("the_sheet"),
        row_key=bindparam("key"),
        row_values=bindparam("row", type_=tracker_rows.c.row_values.type),
        version=1,
        synced_version=0,
        updated_at=bindparam("now", type_=tracker_rows.c.updated_at.type),
    )
    return insert.on_conflict_do_update(
        index_elements=[tracker_rows.c.team_id, tracker_rows.c.sheet, tracker_rows.c.row_key],
        set_={
            "row_values": insert.excluded.row_values,
            "version": tracker_rows.c.version + 1,
            "updated_at": insert.excluded.updated_at,
        },
        where=cast(tracker_rows.c.row_values, JSONB) != cast(insert.excluded.row_values, JSONB),
    )


@functools.cache
def _update_row() -> Update:
    return (
        update(tracker_rows)
        .where(*_row_key())
        .values(
            row_values=bindparam("row", type_=tracker_rows.c.row_values.type),
            version=tracker_rows.c.version + 1,
            updated_at=bindparam("now", type_=tracker_rows.c.updated_at.type),
        )
    )


def _row_key() -> tuple[Any, ...]:
    return (
        tracker_rows.c.team_id == bindparam("team"),
        tracker_rows.c.sheet == bindparam("the_sheet"),
        tracker_rows.c.row_key == bindparam("key"),
    )


def put(conn: Connection, *, team_id: str, row: SheetRow, now: dt.datetime) -> None:
    """Queue a typed row under its own sheet and key (see put_row)."""
    put_row(conn, team_id=team_id, sheet=row.SHEET, key=row.key, values=row, now=now)
