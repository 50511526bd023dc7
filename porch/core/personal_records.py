"""Everything Porch holds about one member, found through the PersonalData declarations only:
gathered for my-data and export, erased for forget-me, and cleared once its retention ends.

Nothing here names a feature's table: a new feature that declares its tables takes part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Table, and_, delete, or_, select, update

from porch.core import tracker_queue
from porch.core.feature import PersonalData
from porch.core.personal_data import INFRASTRUCTURE
from porch.core.store.schema import members, metadata, tracker_positions, tracker_rows
from porch.core.store.schema import tracker_state as state_table

# The tracker_state entry listing Sheet rows to blank at the next sync: (target, sheet, row).
ERASURES = "privacy-erasures"
STAMP_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Member:
    """What identifies a member in stored data: the user ID and the names Porch recorded."""

    user_id: str
    names: frozenset[str]

    def named_in(self, value: Any) -> bool:
        """Whether a value (text or JSON) mentions the member's ID anywhere."""
        return any(self.user_id in text for text in _strings(value))

    def is_cell_of(self, cell: Any) -> bool:
        text = str(cell or "").strip()
        return bool(text) and (text == self.user_id or text in self.names)


def identify(conn: Connection, *, team_id: str, user_id: str) -> Member:
    row = conn.execute(
        select(members.c.display_name, members.c.real_name).where(
            members.c.team_id == team_id, members.c.user_id == user_id
        )
    ).first()
    names = {n.strip() for n in (row or ()) if n and n.strip() and n.strip() != user_id}
    return Member(user_id=user_id, names=frozenset(names))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _table(declared: PersonalData) -> Table:
    return metadata.tables[declared.table]


def _worksheet_rows(
    conn: Connection, *, team_id: str, sheet: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    query = select(tracker_rows.c.row_key, tracker_rows.c.row_values).where(
        tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == sheet
    )
    for row in conn.execute(query):
        yield row.row_key, dict(row.row_values)


# ---- my-data and export ------------------------------------------------------------------------


def gather(
    conn: Connection,
    *,
    team_id: str,
    user_id: str,
    declarations: Sequence[PersonalData],
    retention_days: dict[str, int],
) -> list[dict[str, Any]]:
    """Per declaration that holds something of the member's: what, why, how long, the items."""
    member = identify(conn, team_id=team_id, user_id=user_id)
    found = []
    for declared in declarations:
        if declared in INFRASTRUCTURE:
            continue  # working copies: erased with the rest, described on the privacy page
        items = list(_items(conn, team_id=team_id, member=member, declared=declared))
        if not items:
            continue
        days = retention_days.get(declared.retention or "")
        found.append(
            {
                "data": declared.worksheet or declared.table,
                "in_sheet": declared.worksheet is not None,
                "purpose": declared.purpose,
                "kept_days": days,
                "count": len(items),
                "items": items,
            }
        )
    return found


def _items(
    conn: Connection, *, team_id: str, member: Member, declared: PersonalData
) -> Iterator[dict[str, Any]]:
    if declared.worksheet is not None:
        for _, cells in _worksheet_rows(conn, team_id=team_id, sheet=declared.worksheet):
            if any(member.is_cell_of(cells.get(c)) for c in declared.user_columns):
                yield {k: v for k, v in cells.items() if v not in ("", None)}
        return
    table = _table(declared)
    # Their own rows; another member's row that merely mentions them (an inviter) is not theirs,
    # unless the row is shared (a pairing: each member it names is a party to it).
    every = declared.mentions_only or declared.shared
    columns = declared.user_columns if every else declared.user_columns[:1]
    named = or_(*(table.c[column] == member.user_id for column in columns))
    query = select(table).where(table.c.team_id == team_id, named)
    for row in conn.execute(query):
        yield {
            key: value.isoformat() if isinstance(value, dt.datetime) else value
            for key, value in row._mapping.items()
            if value is not None and key != "team_id"
        }


# ---- erasure -----------------------------------------------------------------------------------


def erase(
    conn: Connection,
    *,
    team_id: str,
    user_id: str,
    declarations: Sequence[PersonalData],
    now: dt.datetime,
) -> dict[str, int]:
    """Delete or scrub every row that holds the member, in the caller's transaction; the Sheet
    rows Porch had written are listed for blanking at the next sync. Returns counts by table."""
    member = identify(conn, team_id=team_id, user_id=user_id)
    counts: dict[str, int] = {}
    worksheet_columns: dict[str, Sequence[str]] = {
        d.worksheet: d.user_columns for d in declarations if d.worksheet is not None
    }
    _erase_tracker_rows(conn, team_id=team_id, member=member, columns=worksheet_columns, now=now)
    for declared in declarations:
        if declared.worksheet is not None or declared.table in (
            "tracker_rows",
            "tracker_positions",
        ):
            continue
        table = _table(declared)
        done = 0
        if declared.user_columns:
            owner, *others = declared.user_columns
            if declared.mentions_only:
                others = list(declared.user_columns)
            else:
                done += conn.execute(
                    delete(table).where(table.c.team_id == team_id, table.c[owner] == user_id)
                ).rowcount
            for column in others:
                done += conn.execute(
                    update(table)
                    .where(table.c.team_id == team_id, table.c[column] == user_id)
                    .values({column: _blank(table.c[column])})
                ).rowcount
        if declared.copy_columns:
            done += _erase_copies(conn, team_id=team_id, member=member, declared=declared)
        counts[declared.table] = counts.get(declared.table, 0) + done
    return counts


def _erase_copies(conn: Connection, *, team_id: str, member: Member, declared: PersonalData) -> int:
    """Rows whose copy columns mention the member: deleted (a pending effect is never sent)."""
    table = _table(declared)
    ids = [row.id for row in _copies(conn, team_id=team_id, member=member, declared=declared)]
    for start in range(0, len(ids), 500):
        conn.execute(delete(table).where(table.c.id.in_(ids[start : start + 500])))
    return len(ids)


def _copies(
    conn: Connection, *, team_id: str, member: Member, declared: PersonalData
) -> Iterator[Any]:
    table = _table(declared)
    columns = [table.c[name] for name in declared.copy_columns]
    query = select(table.c.id, *columns).where(table.c.team_id == team_id)
    for row in conn.execute(query.execution_options(yield_per=1000)):
        if any(member.named_in(getattr(row, name)) for name in declared.copy_columns):
            yield row


def _erase_tracker_rows(
    conn: Connection,
    *,
    team_id: str,
    member: Member,
    columns: dict[str, Sequence[str]],
    now: dt.datetime,
) -> None:
    """Queued rows holding the member go; where the Sheet has them, they are blanked next sync.
    Another member's row in a declared worksheet that only mentions them (the newcomer's row
    naming their buddy) stays, with the cells that mention them blanked."""
    doomed: list[tuple[str, str]] = []
    scrubbed: list[tuple[str, str, dict[str, Any]]] = []
    query = select(tracker_rows.c.sheet, tracker_rows.c.row_key, tracker_rows.c.row_values).where(
        tracker_rows.c.team_id == team_id
    )
    for row in conn.execute(query):
        cells = dict(row.row_values)
        if row.row_key == member.user_id or any(
            member.is_cell_of(cells.get(c)) for c in columns.get(row.sheet, ())
        ):
            doomed.append((row.sheet, row.row_key))
        elif member.named_in(cells):
            if row.sheet in columns:
                blanked = {k: "" if member.named_in(v) else v for k, v in cells.items()}
                scrubbed.append((row.sheet, row.row_key, blanked))
            else:
                doomed.append((row.sheet, row.row_key))
    for sheet, key, blanked in scrubbed:
        tracker_queue.put_row(conn, team_id=team_id, sheet=sheet, key=key, values=blanked, now=now)
    doomed += [
        (row.sheet, row.row_key)
        for row in conn.execute(
            select(tracker_positions.c.sheet, tracker_positions.c.row_key).where(
                tracker_positions.c.team_id == team_id,
                tracker_positions.c.row_key == member.user_id,
            )
        )
    ]
    blanks: list[list[Any]] = []
    for sheet, key in set(doomed):
        where_position = (
            tracker_positions.c.team_id == team_id,
            tracker_positions.c.sheet == sheet,
            tracker_positions.c.row_key == key,
        )
        blanks += [
            [p.target, sheet, p.row_number]
            for p in conn.execute(select(tracker_positions).where(*where_position))
        ]
        conn.execute(delete(tracker_positions).where(*where_position))
        conn.execute(
            delete(tracker_rows).where(
                tracker_rows.c.team_id == team_id,
                tracker_rows.c.sheet == sheet,
                tracker_rows.c.row_key == key,
            )
        )
    if blanks:
        add_erasures(conn, team_id=team_id, rows=blanks, now=now)


def add_erasures(
    conn: Connection, *, team_id: str, rows: Iterable[list[Any]], now: dt.datetime
) -> None:
    where = (state_table.c.team_id == team_id, state_table.c.name == ERASURES)
    current = conn.execute(select(state_table.c.value).where(*where)).scalar()
    listed = list((current or {}).get("rows", [])) + [list(r) for r in rows]
    conn.execute(delete(state_table).where(*where))
    conn.execute(
        state_table.insert().values(
            team_id=team_id, name=ERASURES, value={"rows": listed}, updated_at=now
        )
    )


def erasures_for(conn: Connection, *, team_id: str, target: str) -> list[tuple[str, int]]:
    """The Sheet rows of `target` still to blank: (sheet, row number)."""
    where = (state_table.c.team_id == team_id, state_table.c.name == ERASURES)
    current = conn.execute(select(state_table.c.value).where(*where)).scalar()
    listed = (current or {}).get("rows", [])
    return sorted({(sheet, int(number)) for t, sheet, number in listed if t == target})


def settle_erasures(
    conn: Connection,
    *,
    team_id: str,
    target: str,
    done: Iterable[tuple[str, int]],
    now: dt.datetime,
) -> None:
    """Drop the rows `target` has blanked, and those listed for other targets (rows written
    where the tracker no longer is: Porch does not write there any more)."""
    where = (state_table.c.team_id == team_id, state_table.c.name == ERASURES)
    current = conn.execute(select(state_table.c.value).where(*where)).scalar()
    finished = set(done)
    left = [
        [t, sheet, number]
        for t, sheet, number in (current or {}).get("rows", [])
        if t == target and (sheet, int(number)) not in finished
    ]
    conn.execute(delete(state_table).where(*where))
    if left:
        conn.execute(
            state_table.insert().values(
                team_id=team_id, name=ERASURES, value={"rows": left}, updated_at=now
            )
        )


# ---- retention ---------------------------------------------------------------------------------


def _blank(column: Column[Any]) -> str | None:
    """What an erased value becomes: NULL, or "" where the schema requires a value."""
    return None if column.nullable else ""


def purge_expired(
    conn: Connection,
    *,
    team_id: str,
    declarations: Sequence[PersonalData],
    retention_days: dict[str, int],
    now: dt.datetime,
) -> dict[str, int]:
    """Clear the text of every row older than its retention period; counts by table or sheet."""
    counts: dict[str, int] = {}
    for declared in declarations:
        if not (declared.retention and declared.timestamp_column and declared.text_columns):
            continue
        cutoff = now - dt.timedelta(days=retention_days[declared.retention])
        if declared.worksheet is not None:
            done = _purge_worksheet(
                conn, team_id=team_id, declared=declared, cutoff=cutoff, now=now
            )
        else:
            table = _table(declared)
            texts = [table.c[c] for c in declared.text_columns]
            done = conn.execute(
                update(table)
                .where(
                    table.c.team_id == team_id,
                    table.c[declared.timestamp_column] < cutoff,
                    or_(*(and_(c.is_not(None), c != "") for c in texts)),
                )
                .values({c.name: _blank(c) for c in texts})
            ).rowcount
        counts[declared.worksheet or declared.table] = done
    return counts


def _purge_worksheet(
    conn: Connection,
    *,
    team_id: str,
    declared: PersonalData,
    cutoff: dt.datetime,
    now: dt.datetime,
) -> int:
    assert declared.worksheet is not None and declared.timestamp_column is not None
    done = 0
    for key, cells in list(_worksheet_rows(conn, team_id=team_id, sheet=declared.worksheet)):
        stamped = str(cells.get(declared.timestamp_column) or "")
        if not stamped:
            continue
        moment = dt.datetime.strptime(stamped[:16], STAMP_FORMAT).replace(tzinfo=dt.UTC)
        if moment >= cutoff or not any(cells.get(c) for c in declared.text_columns):
            continue
        cleared = {**cells, **{c: "" for c in declared.text_columns}}
        tracker_queue.put_row(
            conn, team_id=team_id, sheet=declared.worksheet, key=key, values=cleared, now=now
        )
        done += 1
    return done
