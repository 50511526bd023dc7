"""Writing one cell of the local tracker workbook: typed, guarded against formulas, linked."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from porch.sheets_sync.layout import EXCEL_FORMATS, Kind, excel_cell, link_target


def put_cell(sheet: Worksheet, row: int, col: int, kind: Kind, raw: Any, tz: ZoneInfo) -> None:
    value = excel_cell(kind, raw, tz)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        # openpyxl would otherwise store a string that starts with "=" as a formula.
        cell.data_type = "s"
    number_format = EXCEL_FORMATS.get(kind)
    if number_format:
        cell.number_format = number_format
    url = link_target(kind, value)
    if url:
        cell.hyperlink = url
        cell.style = "Hyperlink"
    elif cell.hyperlink is not None:
        cell.hyperlink = None  # the row moved or lost its link: no stale target stays behind
        cell.style = "Normal"


def last_row(sheet: Worksheet, column: int) -> int:
    last = 1
    for number, (value,) in enumerate(
        sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True), start=2
    ):
        if value not in (None, ""):
            last = number
    return last
