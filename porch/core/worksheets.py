"""The tracker's worksheets: each one's columns, declared once, as a typed row.

Every data worksheet is a frozen dataclass whose fields, in order, are its columns (header and
kind in the field's metadata). The column list that the tracker lays out
(sheets_sync/layout.py), the mapping a row is queued with (`cells()`), and the check that
`porch.core.tracker_queue.put_row` applies all come from these classes, so a column cannot be
renamed in one place and forgotten in another. The first field is the row's key.

This module is pure: no Sheets or spreadsheet imports, so domain code can build rows.

Cell values are stored as JSON: datetimes as "YYYY-MM-DD HH:MM" in UTC (what the trackers
read as UTC), dates as "YYYY-MM-DD", numbers as numbers, a missing value as "".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Self, get_type_hints

# "link" columns hold URLs Porch builds itself (message permalinks, member profiles), which the
# trackers make clickable; a URL a member typed is "text" and stays plain.
Kind = Literal["text", "long_text", "datetime", "date", "int", "pct", "link"]


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    kind: Kind = "text"


def column(header: str, kind: Kind = "text") -> dict[str, str]:
    """Field metadata that makes a row field the worksheet column `header` of `kind`."""
    return {"header": header, "kind": kind}


def stamp(moment: dt.datetime | None) -> str:
    """A moment as the tracker stores it: UTC to the minute, "" when unknown."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


class RowError(ValueError):
    """A tracker row that does not match its worksheet's columns."""


@dataclass(frozen=True, kw_only=True)
class SheetRow:
    """A row of one worksheet. Subclasses set SHEET and declare their columns as fields."""

    SHEET: ClassVar[str]
    # Columns other code fills: queuing a whole row keeps the value already queued there.
    KEPT: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def columns(cls) -> tuple[ColumnSpec, ...]:
        return tuple(
            ColumnSpec(f.metadata["header"], f.metadata["kind"]) for f in dataclasses.fields(cls)
        )

    @property
    def key(self) -> str:
        return str(self.cells()[self.columns()[0].header])

    def cells(self) -> dict[str, Any]:
        """The row keyed by column header, with JSON values (see the module docstring)."""
        return {
            f.metadata["header"]: _to_cell(f.metadata["kind"], getattr(self, f.name))
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_cells(cls, cells: Mapping[str, Any]) -> Self:
        """The row again from stored cells, e.g. to change one field of a queued row."""
        hints = get_type_hints(cls)
        values = {}
        for f in dataclasses.fields(cls):
            raw = cells.get(f.metadata["header"])
            values[f.name] = _from_cell(
                f.metadata["kind"], raw, optional="None" in str(hints[f.name])
            )
        return cls(**values)


def _to_cell(kind: Kind, value: Any) -> Any:
    if value is None:
        return ""
    if kind == "datetime" and isinstance(value, dt.datetime):
        return stamp(value)
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_cell(kind: Kind, raw: Any, *, optional: bool) -> Any:
    if raw in (None, ""):
        if optional:
            return None
        return 0 if kind == "int" else 0.0 if kind == "pct" else ""
    if kind == "datetime":
        moment = dt.datetime.fromisoformat(str(raw))
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if kind == "date":
        return dt.date.fromisoformat(str(raw)[:10])
    if kind == "int":
        return int(raw)
    if kind == "pct":
        return float(raw)
    return str(raw)


@dataclass(frozen=True, kw_only=True)
class MemberRow(SheetRow):
    SHEET: ClassVar[str] = "Members"

    user_id: str = field(metadata=column("User ID"))
    name: str = field(metadata=column("Name"))
    joined: dt.datetime | None = field(metadata=column("Joined", "datetime"))
    joined_via: str = field(metadata=column("Joined via"))
    welcomed: dt.datetime | None = field(metadata=column("Welcomed", "datetime"))
    introduced: dt.datetime | None = field(metadata=column("Introduced", "datetime"))
    first_post: dt.datetime | None = field(metadata=column("First post", "datetime"))
    last_active: dt.datetime | None = field(metadata=column("Last active", "datetime"))
    status: str = field(metadata=column("Status"))
    # Last, so a Sheet made before Porch had it gains it where new columns go (on the right).
    profile: str = field(metadata=column("Profile", "link"))
    # Filled by features (member_records.set_cells): the join questions' answers and paths, the
    # member's buddy. The record's own writes keep what is there (KEPT).
    answers: str = field(default="", metadata=column("Join answers", "long_text"))
    path: str = field(default="", metadata=column("Path"))
    buddy: str = field(default="", metadata=column("Buddy"))

    KEPT: ClassVar[tuple[str, ...]] = ("Join answers", "Path", "Buddy")


@dataclass(frozen=True, kw_only=True)
class WinRow(SheetRow):
    SHEET: ClassVar[str] = "Wins"

    win_id: str = field(metadata=column("Win ID"))
    posted: dt.datetime | None = field(metadata=column("Posted", "datetime"))
    member: str = field(metadata=column("Member"))
    win: str = field(metadata=column("Win", "long_text"))
    channel: str = field(metadata=column("Channel"))
    link: str = field(metadata=column("Link", "link"))
    reactions: int = field(metadata=column("Reactions", "int"))


# The worksheets whose row classes live here; each feature package declares its own
# (FeaturePackage.worksheets) and porch.features.registry.worksheet_rows lists them all.
CORE_ROWS: tuple[type[SheetRow], ...] = (
    MemberRow,
    WinRow,
)


def headers(row: type[SheetRow]) -> tuple[str, ...]:
    return tuple(c.header for c in row.columns())


def check_cells(row: type[SheetRow], key: str, cells: Mapping[str, Any]) -> dict[str, Any]:
    """`cells` as a complete row of `row`'s worksheet under `key`, or RowError saying what is
    wrong."""
    sheet = row.SHEET
    headers = tuple(c.header for c in row.columns())
    missing = [h for h in headers if h not in cells]
    unknown = sorted(str(h) for h in cells if h not in headers)
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing columns {missing}")
        if unknown:
            problems.append(f"unknown columns {unknown}")
        raise RowError(
            f"{sheet} row {key!r}: {' and '.join(problems)}; the {sheet} worksheet has exactly "
            f"{list(headers)} (build the row with {row.__name__})"
        )
    if str(cells[headers[0]]) != key:
        raise RowError(
            f"{sheet} row {key!r}: its {headers[0]!r} column says {cells[headers[0]]!r}, "
            "but it is the row's key and must be the same"
        )
    return {header: cells[header] for header in headers}
