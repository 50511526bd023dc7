"""The embedded tracker: the same worksheets in one .xlsx workbook in a local folder.

Used when no Google Sheet is configured (and by the demo). One file a manager double-clicks,
with a worksheet per sheet, the Dashboard first with its charts, frozen bold headers, widths,
date formats and filters, so it reads like the Google Sheet.

The workbook is rewritten from the store on every cycle that has changes: all rows, so a row
deleted by hand comes back, while columns a manager added (matched by header name, like the
Sheet) keep their values. The new file is written next to the old one and renamed over it, so
a crash never leaves half a workbook; if the file is open and locked, the cycle fails and the
rows stay queued for the next one.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine

from sheets_sync import dashboard, outbox
from sheets_sync.base import CycleResult, Progress
from sheets_sync.client import TrackerError
from sheets_sync.layout import (
    DASHBOARD,
    DATA_SHEETS,
    EXCEL_FORMATS,
    KEY_COLUMN,
    SHEET_ORDER,
    SPECS,
    Kind,
    excel_cell,
    key_cell,
    normalize_header,
)
from sheets_sync.outbox import TrackerRow

logger = logging.getLogger(__name__)

FILE_NAME = "tracker.xlsx"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EDF2FA")
PIXELS_PER_CHAR = 7  # Excel column widths are in characters of the default font


class LocalTracker:
    def __init__(self, *, folder: Path, tz: ZoneInfo, feedback_tags: Sequence[str] = ()) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self.target = f"local:{self.path.resolve()}"
        self.description = f"local tracker {self.path}"
        self.tz = tz
        self.tags = tuple(feedback_tags)

    def sync(
        self,
        engine: Engine,
        *,
        now: dt.datetime,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> CycleResult:
        with engine.connect() as conn:
            changed = outbox.count_pending(conn)
            if not changed and not rebuild and self.path.exists():
                return CycleResult()
            rows = outbox.all_rows(conn)
            figures = dashboard.load(conn, tags=self.tags, now=now)
        existed = self.path.exists()
        workbook = self._open()
        by_sheet: dict[str, list[TrackerRow]] = defaultdict(list)
        for row in rows:
            by_sheet[row.sheet].append(row)
        for title in DATA_SHEETS:
            self._write_sheet(workbook, title, by_sheet.get(title, []), rebuild=rebuild)
        self._write_dashboard(workbook, figures)
        for index, title in enumerate(SHEET_ORDER):
            sheet = workbook[title]
            workbook.move_sheet(sheet, offset=index - workbook.index(sheet))
        workbook.active = 0
        self._save(workbook)
        with engine.begin() as conn:
            outbox.confirm(conn, rows)
        if progress is not None:
            progress(len(rows), len(rows))
        return CycleResult(
            rows_written=changed if existed and not rebuild else len(rows),
            write_requests=1,
            read_requests=int(existed),
        )

    # ---- the workbook ------------------------------------------------------------------------

    def _open(self) -> Workbook:
        if not self.path.exists():
            workbook = Workbook()
            workbook.remove(workbook.active)
            return workbook
        try:
            return load_workbook(self.path)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            raise TrackerError(
                f"{self.path} cannot be read as an .xlsx workbook ({error}); move it away and "
                "run `porch sync --backfill` to write a new one"
            ) from error

    def _save(self, workbook: Workbook) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{FILE_NAME}.{uuid.uuid4().hex}.tmp"
        try:
            workbook.save(temporary)
            os.replace(temporary, self.path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise TrackerError(
                f"cannot write {self.path} ({error.strerror}); if it is open in a spreadsheet "
                "app, close it: the rows stay queued until the next sync"
            ) from error

    def _write_sheet(
        self, workbook: Workbook, title: str, rows: list[TrackerRow], *, rebuild: bool
    ) -> None:
        fresh = title not in workbook.sheetnames
        sheet: Worksheet = workbook.create_sheet(title) if fresh else workbook[title]
        headers: dict[str, int] = {}
        width = 0
        for cell in sheet[1] if sheet.max_row >= 1 else ():
            if cell.value not in (None, ""):
                width = cell.column
                headers.setdefault(normalize_header(cell.value), cell.column)
        key_header = KEY_COLUMN[title]
        if width and normalize_header(key_header) not in headers:
            raise TrackerError(
                f"The worksheet {title!r} in {self.path} has headers but no {key_header!r} "
                "column: add that header, or rename the worksheet so Porch can create its own"
            )
        columns: dict[str, int] = {}
        for column in SPECS[title]:
            index = headers.get(normalize_header(column.header))
            styled = fresh or rebuild
            if index is None:
                width += 1
                index = width
                sheet.cell(row=1, column=index, value=column.header)
                styled = True
            columns[column.header] = index
            if styled:
                header = sheet.cell(row=1, column=index)
                header.font = HEADER_FONT
                header.fill = HEADER_FILL
                letter = get_column_letter(index)
                sheet.column_dimensions[letter].width = column.width / PIXELS_PER_CHAR
        key_index = columns[key_header]
        found: dict[str, int] = {}
        last = 1
        for number, (value,) in enumerate(
            sheet.iter_rows(min_row=2, min_col=key_index, max_col=key_index, values_only=True),
            start=2,
        ):
            if value not in (None, ""):
                found.setdefault(str(value), number)
                last = number
        for row in rows:
            number = found.get(key_cell(row.key))
            if number is None:
                last += 1
                number = last
            for column in SPECS[title]:
                raw = row.key if column.header == key_header else row.values.get(column.header)
                _put(sheet, number, columns[column.header], column.kind, raw, self.tz)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(sheet.max_column, 1))}{max(last, 1)}"

    def _write_dashboard(self, workbook: Workbook, figures: dashboard.DashboardData) -> None:
        # openpyxl does not keep charts it loads, so the Dashboard is drawn anew each time.
        if DASHBOARD in workbook.sheetnames:
            workbook.remove(workbook[DASHBOARD])
        sheet = workbook.create_sheet(DASHBOARD, 0)
        for r, row in enumerate(dashboard.grid(figures), start=1):
            for c, (kind, value) in enumerate(row, start=1):
                _put(sheet, r, c, kind, value, self.tz)
        for r in (1, 4):
            for c in range(1, dashboard.WIDTH + 1):
                sheet.cell(row=r, column=c).font = HEADER_FONT
        for index, pixels in enumerate(dashboard.COLUMN_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = pixels / PIXELS_PER_CHAR
        anchor_row = dashboard.CHART_ROW + 1
        health = workbook["Health"]
        health_columns = {
            normalize_header(cell.value): cell.column for cell in health[1] if cell.value
        }
        health_last = _last_row(health, health_columns[normalize_header(KEY_COLUMN["Health"])])
        if health_last >= 2:
            weeks = Reference(
                health,
                min_col=health_columns[normalize_header("Week")],
                min_row=2,
                max_row=health_last,
            )
            for chart, header, anchor in (
                (LineChart(), "Participation %", f"A{anchor_row}"),
                (BarChart(), "Active members", f"E{anchor_row}"),
            ):
                chart.title = (
                    dashboard.PARTICIPATION_CHART[1]
                    if header == "Participation %"
                    else dashboard.CONTRIBUTORS_CHART[1]
                )
                chart.legend = None
                data = Reference(
                    health,
                    min_col=health_columns[normalize_header(header)],
                    min_row=1,
                    max_row=health_last,
                )
                chart.add_data(data, titles_from_data=True)
                for series in chart.series:
                    # openpyxl smooths line series by default; a smoothed trend dips below
                    # zero and overshoots, which misreads weekly figures.
                    series.smooth = False
                chart.set_categories(weeks)
                chart.width, chart.height = 15, 8
                sheet.add_chart(chart, anchor)
        if figures.tag_counts:
            first = dashboard.FIRST_METRIC_ROW
            last = first + len(figures.tag_counts) - 1
            pie = PieChart()
            pie.title = dashboard.FEEDBACK_CHART[1]
            pie.add_data(
                Reference(sheet, min_col=dashboard.TAG_COLUMN + 2, min_row=first, max_row=last)
            )
            pie.set_categories(
                Reference(sheet, min_col=dashboard.TAG_COLUMN + 1, min_row=first, max_row=last)
            )
            pie.width, pie.height = 15, 8
            sheet.add_chart(pie, f"A{anchor_row + 17}")


def _put(sheet: Worksheet, row: int, col: int, kind: Kind, raw: Any, tz: ZoneInfo) -> None:
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


def _last_row(sheet: Worksheet, column: int) -> int:
    last = 1
    for number, (value,) in enumerate(
        sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True), start=2
    ):
        if value not in (None, ""):
            last = number
    return last
