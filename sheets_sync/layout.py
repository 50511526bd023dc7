"""What each tracker worksheet looks like: headers, column kinds, widths and cell values.

The columns themselves are declared once, as the typed rows in porch.core.worksheets that
domain code builds and queues with `porch.core.tracker_queue.put_row`; the sync worker matches
them against the header row it finds in the Sheet (by name, not position), so managers may
reorder columns or add their own.

Cell values, and why they look the way they do:

- Everything is written with valueInputOption=RAW, so the Sheet never parses a value as a
  formula. Text that starts with `=`, `+`, `-`, `@` (or their fullwidth forms `＝＋－＠`), a tab
  or a carriage return additionally gets a leading `'` (OWASP ASVS 1.2.10), so a CSV or .xlsx
  export opened in Excel stays inert. So does text where one of those follows leading
  whitespace, zero-width or bidi control characters: spreadsheets and import tools may drop
  those, and they are invisible to a manager checking a cell.
- Dates and times are written as spreadsheet serial numbers (days since 1899-12-30, with the
  time of day as the fraction, in the community's timezone) plus a date number format on the
  column. With RAW input an ISO string would stay text: it would not sort as a date, filter by
  date or plot on a chart. USER_ENTERED would parse dates, but also formulas, and reads
  "03/04" differently per locale. Serial numbers are real dates in every locale.
- Links: a "link" column holds a URL Porch built (a message permalink, a member's profile). It
  is written as its plain text (RAW, never a formula) and made clickable as a link on the cell
  (the Sheet's textFormat.link, the workbook's cell hyperlink), and only when `link_target`
  accepts it: an absolute http(s) URL without spaces or control characters. Anything else in
  the column stays plain text.
- Rows carry dates as ISO 8601 strings ("YYYY-MM-DD HH:MM" in UTC from the typed rows, or
  "YYYY-MM-DD"); a string without an offset is read as UTC. Percentages are numbers from
  0 to 100 (12.5 means 12.5 %), counts are integers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from porch.core.worksheets import Kind
from porch.features import registry

# Google Sheets refuses cells longer than this; a long feedback message is cut, not dropped.
MAX_CELL_CHARS = 50_000
# Characters that make Excel or Sheets treat a cell as a formula (OWASP ASVS 1.2.10), with the
# fullwidth forms some locales' spreadsheets (and input methods) accept in their place.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# What may stand before a trigger yet be skipped or unseen: whitespace, zero-width characters
# (U+200B..U+200D, U+2060, U+FEFF) and bidi controls (U+200E, U+200F, U+202A..U+202E,
# U+2066..U+2069).
IGNORABLE_PREFIX = re.compile(
    "^[\\s\u200b-\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]+"
)
SERIAL_EPOCH = dt.datetime(1899, 12, 30)
# An absolute http(s) URL: no whitespace, controls, quotes, backslashes or angle brackets.
LINK_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f\"<>\\]+", re.ASCII)
MAX_LINK_CHARS = 2_000


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"

    @property
    def width(self) -> int:
        """Column width in pixels, chosen so a typical value fits without wrapping."""
        return WIDTHS[self.kind]

    @property
    def number_format(self) -> dict[str, str] | None:
        """The Sheets numberFormat for the column, or None for plain text."""
        return NUMBER_FORMATS.get(self.kind)


WIDTHS: dict[Kind, int] = {
    "text": 150,
    "long_text": 360,
    "datetime": 135,
    "date": 100,
    "int": 95,
    "pct": 110,
    "link": 220,
}
NUMBER_FORMATS: dict[Kind, dict[str, str]] = {
    "datetime": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"},
    "date": {"type": "DATE", "pattern": "yyyy-mm-dd"},
    "int": {"type": "NUMBER", "pattern": "0"},
    "pct": {"type": "NUMBER", "pattern": "0.0"},
}
# The same formats in Excel's vocabulary, for the local .xlsx tracker.
EXCEL_FORMATS: dict[Kind, str] = {
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
    "int": "0",
    "pct": "0.0",
}

# Porch's columns per worksheet, declared once as typed rows (porch.core.worksheets and each
# feature package's, listed by the registry); this module adds how each kind of column looks.
SPECS: dict[str, tuple[Column, ...]] = {
    row.SHEET: tuple(Column(c.header, c.kind) for c in row.columns())
    for row in registry.worksheet_rows()
}

# Header names per worksheet, in the order a fresh Sheet shows them.
COLUMNS: dict[str, tuple[str, ...]] = {
    sheet: tuple(column.header for column in columns) for sheet, columns in SPECS.items()
}
# The first column of each worksheet holds the row's key (`row_key` in tracker_rows).
KEY_COLUMN: dict[str, str] = {sheet: headers[0] for sheet, headers in COLUMNS.items()}
DATA_SHEETS: tuple[str, ...] = tuple(SPECS)
DASHBOARD = "Dashboard"
# Worksheet order in a fresh Sheet: the dashboard first, because managers look before they read.
SHEET_ORDER: tuple[str, ...] = (DASHBOARD, *DATA_SHEETS)
# Empty columns left to the right of Porch's on a new worksheet, for managers' own notes.
NOTES_COLUMNS = 4


def normalize_header(value: Any) -> str:
    """Headers match ignoring case and surrounding spaces, so "last active " still matches."""
    return " ".join(str(value).split()).casefold()


def sanitize(text: str) -> str:
    """Make untrusted text inert in Sheets and in Excel exports (OWASP ASVS 1.2.10)."""
    if len(text) >= MAX_CELL_CHARS - 1:
        text = text[: MAX_CELL_CHARS - 3] + "…"  # room for the "'" below
    if looks_like_formula(text):
        return "'" + text
    return text


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula, now or after trimming."""
    if text.startswith(FORMULA_TRIGGERS):
        return True
    return IGNORABLE_PREFIX.sub("", text, count=1).startswith(FORMULA_TRIGGERS)


def link_target(kind: Kind, value: Any) -> str | None:
    """The URL to make a cell of `kind` clickable with, or None to leave it plain text.

    Only "link" columns, which hold URLs Porch built, and only absolute http(s) URLs with a
    host: a javascript:, data: or relative value stays text whatever put it there.
    """
    if kind != "link" or not isinstance(value, str) or len(value) > MAX_LINK_CHARS:
        return None
    if not value.isascii():  # no zero-width or bidi characters hiding part of the address
        return None
    if not LINK_URL.fullmatch(value):
        return None
    host = urlsplit(value).hostname
    return value if host else None


def key_cell(key: str) -> str:
    """How a row key is written to (and therefore read back from) its key column."""
    return sanitize(key)


def to_datetime(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """An ISO 8601 string (or datetime) as naive local time in the community's timezone."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        if len(value.strip()) == 10:
            return moment  # a plain date has no time of day to shift between timezones
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).replace(tzinfo=None)


def serial(moment: dt.datetime) -> float:
    """A naive datetime as a spreadsheet serial number (to the second)."""
    days = (moment - SERIAL_EPOCH).total_seconds() / 86400
    return round(days, 6) if days % 1 else int(days)


def to_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() and "." not in value else number
    return None


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return sanitize(str(value))


def sheet_cell(kind: Kind, value: Any, tz: ZoneInfo) -> str | int | float:
    """The value to send to the Sheets API (RAW) for one cell.

    Missing values become "" so an emptied field clears its cell. A value that does not fit
    its column's kind (a date that is not a date) is written as text rather than dropped.
    """
    if value is None or value == "":
        return ""
    if kind in ("datetime", "date"):
        moment = to_datetime(value, tz)
        if moment is not None:
            if kind == "date":
                moment = moment.replace(hour=0, minute=0, second=0)
            return serial(moment.replace(microsecond=0))
    elif kind in ("int", "pct"):
        number = to_number(value)
        if number is not None:
            return round(number, 1) if kind == "pct" else number
    return to_text(value)


def excel_cell(kind: Kind, value: Any, tz: ZoneInfo) -> str | int | float | dt.datetime | None:
    """The value for one cell of the local .xlsx tracker (same rules, native datetimes)."""
    if value is None or value == "":
        return None
    if kind in ("datetime", "date"):
        moment = to_datetime(value, tz)
        if moment is not None:
            if kind == "date":
                return moment.replace(hour=0, minute=0, second=0, microsecond=0)
            return moment.replace(microsecond=0)
    return sheet_cell(kind, value, tz)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quote_sheet(title: str) -> str:
    """A worksheet title as it must appear in A1 notation."""
    return "'" + title.replace("'", "''") + "'"


def a1(title: str, *, row: int, col: int, end_row: int | None = None, end_col: int) -> str:
    """A1 range for 1-based rows and 0-based columns, e.g. 'Members'!A2:I40."""
    last = end_row if end_row is not None else ""
    return f"{quote_sheet(title)}!{column_letter(col)}{row}:{column_letter(end_col)}{last}"
