"""The embedded tracker: the same worksheets in one .xlsx workbook in a local folder.

Used when no Google Sheet is configured (and by the demo). One file a manager double-clicks,
with a worksheet per sheet, the Dashboard first with its charts, frozen bold headers, widths,
date formats and filters, so it reads like the Google Sheet.

A cycle with changes patches the file when it is exactly as Porch last wrote it (same size and
modification time as recorded in the store): changed rows are replaced and new ones added in
the worksheet XML (sheets_sync/xlsx_patch.py), the Dashboard's figures updated, nothing else
touched, so one changed member reaches a 100,000-member workbook in well under a second.
Otherwise (the first write, a manager saved the file, a new week for the charts, `--backfill`)
the workbook is rewritten from the store: all rows, so a row deleted by hand comes back, while
columns a manager added (matched by header name, like the Sheet) keep their values. Either way
the new file is written next to the old one and renamed over it, so a crash never leaves half a
workbook; if the file is open and locked, the cycle fails and the rows stay queued.
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
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart._chart import ChartBase
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine

from porch.sheets_sync import dashboard, outbox
from porch.sheets_sync.base import CycleResult, Progress
from porch.sheets_sync.client import TrackerError
from porch.sheets_sync.layout import (
    COLUMNS,
    DASHBOARD,
    DATA_SHEETS,
    KEY_COLUMN,
    SHEET_ORDER,
    SPECS,
    Kind,
    excel_cell,
    key_cell,
    normalize_header,
)
from porch.sheets_sync.outbox import TrackerRow
from porch.sheets_sync.xlsx_cells import last_row, put_cell
from porch.sheets_sync.xlsx_patch import SheetPatch, Unpatchable, stamp
from porch.sheets_sync.xlsx_patch import Workbook as PatchedWorkbook

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
        team_id: str,
        now: dt.datetime,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> CycleResult:
        with engine.connect() as conn:
            rows = outbox.pending(conn, team_id=team_id)
            if not rows and not rebuild and self.path.exists():
                return CycleResult()
            state = outbox.load_state(conn, team_id=team_id, name=self.target)
        if rows and not rebuild and state is not None and self.path.exists():
            try:
                result = self._patch(engine, team_id=team_id, rows=rows, state=state, now=now)
            except Unpatchable as reason:
                logger.info("rewriting %s in full: %s", self.path, reason)
            else:
                if progress is not None:
                    progress(len(rows), len(rows))
                return result
        return self._rewrite(
            engine, team_id=team_id, now=now, rebuild=rebuild, progress=progress, changed=len(rows)
        )

    def erase_rows(self, engine: Engine, *, team_id: str, rows: Sequence[tuple[str, int]]) -> None:
        if not self.path.exists():
            return
        workbook = self._open()
        for title, number in rows:
            if title in workbook.sheetnames:
                sheet = workbook[title]
                for column in range(1, sheet.max_column + 1):
                    cell = sheet.cell(row=number, column=column)
                    # A link cell reads back as its target: the link goes as well as the value.
                    cell.hyperlink = None
                    cell.value = None
        self._save(workbook)
        with engine.begin() as conn:
            state = outbox.load_state(conn, team_id=team_id, name=self.target)
            if state is not None:
                state = {**state, "stamp": stamp(self.path)}
                now = dt.datetime.now(dt.UTC)
                outbox.save_state(conn, team_id=team_id, name=self.target, value=state, now=now)

    def _rewrite(
        self,
        engine: Engine,
        *,
        team_id: str,
        now: dt.datetime,
        rebuild: bool,
        progress: Progress | None,
        changed: int,
    ) -> CycleResult:
        """Load the workbook, write every row of the workspace into it, save it."""
        with engine.connect() as conn:
            rows = outbox.all_rows(conn, team_id=team_id)
            figures = dashboard.load(conn, team_id=team_id, tags=self.tags, now=now)
        existed = self.path.exists()
        workbook = self._open()
        by_sheet: dict[str, list[TrackerRow]] = defaultdict(list)
        for row in rows:
            by_sheet[row.sheet].append(row)
        placed: list[tuple[str, str, int]] = []
        layout: dict[str, dict[str, Any]] = {}
        for title in DATA_SHEETS:
            columns, numbers, last = self._write_sheet(
                workbook, title, by_sheet.get(title, []), rebuild=rebuild
            )
            placed += [(title, key, number) for key, number in numbers]
            layout[title] = {"columns": columns, "last": last}
        self._write_dashboard(workbook, figures)
        for index, title in enumerate(SHEET_ORDER):
            sheet = workbook[title]
            workbook.move_sheet(sheet, offset=index - workbook.index(sheet))
        workbook.active = 0
        self._save(workbook)
        state = {"stamp": stamp(self.path), "sheets": layout, "tags": len(figures.tag_counts)}
        with engine.begin() as conn:
            outbox.save_positions(
                conn, team_id=team_id, target=self.target, placed=placed, now=now, replace_all=True
            )
            outbox.save_state(conn, team_id=team_id, name=self.target, value=state, now=now)
        outbox.confirm_in_steps(engine, rows)
        if progress is not None:
            progress(len(rows), len(rows))
        return CycleResult(
            rows_written=changed if existed and not rebuild else len(rows),
            write_requests=1,
            read_requests=int(existed),
        )

    def _patch(
        self,
        engine: Engine,
        *,
        team_id: str,
        rows: list[TrackerRow],
        state: dict[str, Any],
        now: dt.datetime,
    ) -> CycleResult:
        """Replace the changed rows in the file Porch last wrote, add the new ones at the end."""
        if state.get("stamp") != stamp(self.path):
            raise Unpatchable("the file changed since Porch wrote it")
        by_sheet: dict[str, list[TrackerRow]] = defaultdict(list)
        for row in rows:
            by_sheet[row.sheet].append(row)
        with engine.connect() as conn:
            known = {
                title: outbox.positions_of(
                    conn,
                    team_id=team_id,
                    target=self.target,
                    sheet=title,
                    keys=[row.key for row in changed],
                )
                for title, changed in by_sheet.items()
            }
            figures = (
                dashboard.load(conn, team_id=team_id, tags=self.tags, now=now)
                if by_sheet.keys() & {"Health", "Feedback"}
                else None
            )
        if any(row.key not in known["Health"] for row in by_sheet.get("Health", [])):
            raise Unpatchable("a new week of Health widens the dashboard's charts")
        if figures is not None and len(figures.tag_counts) != state.get("tags"):
            raise Unpatchable("the feedback chart gains a tag")
        workbook = PatchedWorkbook(self.path)
        placed: list[tuple[str, str, int]] = []
        sheets = dict(state.get("sheets") or {})
        for title, changed in by_sheet.items():
            layout = sheets.get(title)
            if layout is None or set(layout["columns"]) != set(COLUMNS[title]):
                raise Unpatchable(f"{title} lacks some of Porch's columns")
            columns: dict[str, int] = layout["columns"]
            patch = SheetPatch(title=title, columns=list(columns.values()), last_row=layout["last"])
            new_keys = []
            for row in changed:
                cells = self._cells(title, row, columns)
                number = known[title].get(row.key)
                if number is None:
                    patch.append.append(cells)
                    new_keys.append(row.key)
                else:
                    patch.replace[number] = cells
            last = workbook.patch_sheet(patch)
            placed += [
                (title, key, number)
                for key, number in zip(new_keys, range(layout["last"] + 1, last + 1), strict=True)
            ]
            sheets[title] = {"columns": columns, "last": last}
        if figures is not None:
            workbook.replace_cells(
                DASHBOARD,
                [
                    [(kind, excel_cell(kind, value, self.tz)) for kind, value in line]
                    for line in dashboard.grid(figures)
                ],
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            workbook.save()
        except OSError as error:
            raise TrackerError(
                f"cannot write {self.path} ({error.strerror}); if it is open in a spreadsheet "
                "app, close it: the rows stay queued until the next sync"
            ) from error
        state = {**state, "stamp": stamp(self.path), "sheets": sheets}
        with engine.begin() as conn:
            outbox.save_positions(conn, team_id=team_id, target=self.target, placed=placed, now=now)
            outbox.save_state(conn, team_id=team_id, name=self.target, value=state, now=now)
        outbox.confirm_in_steps(engine, rows)
        return CycleResult(rows_written=len(rows), write_requests=1, read_requests=1)

    def _cells(
        self, title: str, row: TrackerRow, columns: dict[str, int]
    ) -> dict[int, tuple[Kind, Any]]:
        key_header = KEY_COLUMN[title]
        return {
            columns[column.header]: (
                column.kind,
                excel_cell(
                    column.kind,
                    row.key if column.header == key_header else row.values.get(column.header),
                    self.tz,
                ),
            )
            for column in SPECS[title]
        }

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
    ) -> tuple[dict[str, int], list[tuple[str, int]], int]:
        """Write the rows into one worksheet: (0-based column of each of Porch's headers,
        where each row went, the last row of the table)."""
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
        placed: list[tuple[str, int]] = []
        for row in outbox.placement_order(title, rows):
            number = found.get(key_cell(row.key))
            if number is None:
                last += 1
                number = last
            placed.append((row.key, number))
            for column in SPECS[title]:
                raw = row.key if column.header == key_header else row.values.get(column.header)
                put_cell(sheet, number, columns[column.header], column.kind, raw, self.tz)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(sheet.max_column, 1))}{max(last, 1)}"
        return {header: index - 1 for header, index in columns.items()}, placed, last

    def _write_dashboard(self, workbook: Workbook, figures: dashboard.DashboardData) -> None:
        # openpyxl does not keep charts it loads, so the Dashboard is drawn anew each time.
        if DASHBOARD in workbook.sheetnames:
            workbook.remove(workbook[DASHBOARD])
        sheet = workbook.create_sheet(DASHBOARD, 0)
        for r, row in enumerate(dashboard.grid(figures), start=1):
            for c, (kind, value) in enumerate(row, start=1):
                put_cell(sheet, r, c, kind, value, self.tz)
        for r in (1, 4):
            for c in range(1, dashboard.WIDTH + 1):
                sheet.cell(row=r, column=c).font = HEADER_FONT
        for index, pixels in enumerate(dashboard.COLUMN_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = pixels / PIXELS_PER_CHAR
        health = workbook["Health"]
        health_columns = {
            normalize_header(cell.value): cell.column for cell in health[1] if cell.value
        }
        health_last = last_row(health, health_columns[normalize_header(KEY_COLUMN["Health"])])
        if health_last >= 2:
            weeks = Reference(
                health,
                min_col=health_columns[normalize_header("Week")],
                min_row=2,
                max_row=health_last,
            )
            for chart, header, (chart_id, title) in (
                (LineChart(), "Participation %", dashboard.PARTICIPATION_CHART),
                (BarChart(), "Active members", dashboard.CONTRIBUTORS_CHART),
                (LineChart(), "Health score", dashboard.SCORE_CHART),
            ):
                chart.title = title
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
                _place_chart(sheet, chart, chart_id)
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
            _place_chart(sheet, pie, dashboard.FEEDBACK_CHART[0])


def _place_chart(sheet: Worksheet, chart: ChartBase, chart_id: int) -> None:
    """Anchor the chart in column A at its row, sized in centimetres from its pixels (96 per
    inch) so that it fits within the Dashboard's columns (see dashboard.CHART_WIDTH)."""
    chart.width = dashboard.CHART_WIDTH * 2.54 / 96
    chart.height = dashboard.CHART_HEIGHT * 2.54 / 96
    sheet.add_chart(chart, f"A{dashboard.chart_row(chart_id) + 1}")
