"""The Google Sheet tracker: every pending row in as few write requests as the API allows.

One cycle:

1. Read (never more than three read requests): the spreadsheet's worksheets and grid sizes,
   the header row of each worksheet, and its key column.
2. Verify: every row the store had confirmed must still be in the key column; rows a person
   deleted are queued again. Columns are found by header name, so reordered columns and
   managers' own columns are harmless.
3. Plan positions: a row whose key is in the Sheet is rewritten in place; a new key gets the
   next row below the table. Rows are written at explicit positions with values.batchUpdate
   (never values.append), so repeating a write whose answer was lost rewrites the same cells:
   a crash between write and confirm cannot duplicate a row, because the next cycle finds
   the key in the Sheet and updates that row.
4. Write: at most one spreadsheets.batchUpdate when the layout must change (first run, a new
   column, more rows in the grid, a missing chart) or rows with links are new (split only if it
   would pass 2 MB), then one values.batchUpdate with every row,
   header and dashboard cell (split only if the payload would pass 2 MB). Cells of columns that
   are not Porch's are sent as null, which the API skips, so managers' notes are never touched.
   Links (layout.link_target) become clickable through updateCells setting the cell's
   userEnteredFormat.textFormat.link: no formula is ever written. A link is set when its row is
   first placed (or on a rebuild, or when its column is new); Porch's links never change for a
   given row key (a permalink, a profile), so rewriting the row's values later keeps it.
5. Confirm each chunk in the store (compare-and-set on the version) once Google answered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError
from sqlalchemy import Engine

from porch.sheets_sync import dashboard, outbox
from porch.sheets_sync.base import CycleResult, Progress
from porch.sheets_sync.client import (
    AmbiguousWrite,
    RequestStats,
    RetryPolicy,
    SheetsHTTPClient,
    TrackerError,
    WriteLimiter,
    connect,
    explain,
    load_credentials,
    spreadsheet_id,
)
from porch.sheets_sync.layout import (
    DASHBOARD,
    DATA_SHEETS,
    KEY_COLUMN,
    NOTES_COLUMNS,
    NUMBER_FORMATS,
    SHEET_ORDER,
    SPECS,
    a1,
    column_letter,
    key_cell,
    link_target,
    normalize_header,
    quote_sheet,
    sheet_cell,
)
from porch.sheets_sync.outbox import TrackerRow

logger = logging.getLogger(__name__)

MAX_PAYLOAD = 2_000_000  # bytes per values.batchUpdate, Google's recommended maximum
MAX_CELLS = 10_000_000  # per spreadsheet, counting every cell of every grid
META_FIELDS = (
    "spreadsheetId,properties(title,timeZone),sheets(properties,basicFilter,charts(chartId))"
)
HEADER_FORMAT = {
    "textFormat": {"bold": True},
    "backgroundColor": {"red": 0.93, "green": 0.95, "blue": 0.98},
}
PLAN_ATTEMPTS = 3


MIN_HEADROOM = 5_000


def headroom(rows: int, minimum: int = MIN_HEADROOM) -> int:
    """Spare grid rows when a worksheet is created or grows.

    Growing the grid costs a write request of its own (the values API refuses ranges beyond
    the grid), so it should be rare: the grid doubles, by at least MIN_HEADROOM rows. Most
    communities never grow past the first allocation; 100,000 members take four doublings.
    Empty rows count towards the 10 million cells too, which `_plan` keeps in check.
    """
    return max(minimum, rows)


@dataclass
class SheetState:
    """One worksheet as found in the Sheet, and what this cycle will do to it."""

    title: str
    sheet_id: int
    exists: bool
    rows: int = 0
    cols: int = 0
    basic_filter: dict[str, Any] | None = None
    chart_ids: set[int] = field(default_factory=set)
    headers: dict[str, int] = field(default_factory=dict)
    header_width: int = 0
    keys: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    last_row: int = 1
    # The plan:
    columns: dict[str, int] = field(default_factory=dict)
    new_columns: list[int] = field(default_factory=list)
    placed: list[tuple[int, TrackerRow]] = field(default_factory=list)
    fresh_rows: set[int] = field(default_factory=set)
    target_rows: int = 0
    target_cols: int = 0


@dataclass
class Chunk:
    data: list[dict[str, Any]] = field(default_factory=list)
    rows: list[TrackerRow] = field(default_factory=list)
    placed: list[tuple[str, str, int]] = field(default_factory=list)
    size: int = 0


class GoogleSheetTracker:
    """Writes the tracker to one Google Sheet (see the module docstring for a cycle's steps).

    Built once per process and reused: it holds the access token and the write-rate limiter.
    """

    def __init__(
        self,
        *,
        sheet: str,
        credentials_path: Path,
        api_url: str | None,
        tz: ZoneInfo,
        feedback_tags: Sequence[str] = (),
        retry: RetryPolicy | None = None,
        limiter: WriteLimiter | None = None,
        max_payload: int = MAX_PAYLOAD,
        min_headroom: int = MIN_HEADROOM,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sheet_id = spreadsheet_id(sheet)
        self.target = f"sheet:{self.sheet_id}"
        self.description = f"Google Sheet {self.sheet_id}"
        self.key_path = credentials_path
        self.tz = tz
        self.tags = tuple(feedback_tags)
        self.retry = retry or RetryPolicy()
        self.max_payload = max_payload
        self.min_headroom = min_headroom
        self.sleep = sleep
        credentials = load_credentials(credentials_path)
        self.email: str = credentials.service_account_email
        self.stats = RequestStats()
        self.http: SheetsHTTPClient = connect(
            credentials=credentials,
            api_url=api_url,
            retry=self.retry,
            limiter=limiter if limiter is not None else WriteLimiter(),
            stats=self.stats,
            sleep=sleep,
        )

    # ---- the cycle ---------------------------------------------------------------------------

    def sync(
        self,
        engine: Engine,
        *,
        team_id: str,
        now: dt.datetime,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> CycleResult:
        before = self.stats.snapshot()
        for attempt in range(1, PLAN_ATTEMPTS + 1):
            try:
                result = self._cycle(
                    engine, team_id=team_id, now=now, rebuild=rebuild, progress=progress
                )
                break
            except AmbiguousWrite as error:
                if attempt == PLAN_ATTEMPTS:
                    raise TrackerError(
                        "the Google Sheets API kept failing while Porch updated the layout; "
                        "every row stays queued and the next sync tries again"
                    ) from error
                delay = self.retry.delay(attempt, self.http.rng, None)
                logger.warning(
                    "a layout update may not have reached the Sheet; re-reading it in %.1f s",
                    delay,
                    exc_info=True,
                )
                self.sleep(delay)
            except (
                APIError,
                auth_exceptions.RefreshError,
                auth_exceptions.TransportError,
                requests.ConnectionError,
                requests.Timeout,
            ) as error:
                explained = explain(
                    error, sheet_id=self.sheet_id, email=self.email, key_path=self.key_path
                )
                if explained is None:
                    raise
                raise explained from error
        spent = self.stats.since(before)
        result.write_requests = spent.writes
        result.read_requests = spent.reads
        result.retries = spent.retries
        result.bytes_sent = spent.bytes_sent
        return result

    def erase_rows(self, engine: Engine, *, team_id: str, rows: Sequence[tuple[str, int]]) -> None:
        """One updateCells per row, clearing each cell's value and its link together."""
        meta = self.http.fetch_sheet_metadata(
            self.sheet_id, params={"includeGridData": "false", "fields": META_FIELDS}
        )
        found = {entry["properties"]["title"]: entry["properties"] for entry in meta["sheets"]}
        requests = []
        for title, number in rows:
            props = found.get(title)
            if props is None:
                continue  # the worksheet was deleted by hand: nothing of theirs is left there
            width = props.get("gridProperties", {}).get("columnCount", 26)
            blank = {"userEnteredValue": {"stringValue": ""}}
            requests.append(
                {
                    "updateCells": {
                        "range": {
                            "sheetId": props["sheetId"],
                            "startRowIndex": number - 1,
                            "endRowIndex": number,
                            "startColumnIndex": 0,
                            "endColumnIndex": width,
                        },
                        "rows": [{"values": [blank] * width}],
                        "fields": "userEnteredValue,userEnteredFormat.textFormat.link",
                    }
                }
            )
        if requests:
            self.http.batch_update(self.sheet_id, {"requests": requests})

    def _cycle(
        self,
        engine: Engine,
        *,
        team_id: str,
        now: dt.datetime,
        rebuild: bool,
        progress: Progress | None,
    ) -> CycleResult:
        with engine.connect() as conn:
            rows = outbox.pending(conn, team_id=team_id)
        if not rows and not rebuild:
            return CycleResult()
        meta = self.http.fetch_sheet_metadata(
            self.sheet_id, params={"includeGridData": "false", "fields": META_FIELDS}
        )
        states = self._read(meta)
        restored = self._verify(engine, states, team_id=team_id)
        if self._requeue_for_new_columns(engine, states, team_id=team_id) or restored:
            with engine.connect() as conn:
                rows = outbox.pending(conn, team_id=team_id)

        changed_sheets = {row.sheet for row in rows}
        dash = states[DASHBOARD]
        with_dashboard = (
            rebuild
            or not dash.exists
            or bool(changed_sheets & {"Health", "Feedback"})
            or not set(dashboard.CHART_IDS) <= dash.chart_ids
        )
        self._plan(states, rows, other_cells=_cells_outside(meta))
        setup = self._setup_requests(states, rebuild=rebuild)
        for batch in self._batches(setup, self._link_requests(states, rebuild=rebuild)):
            self.http.batch_update(self.sheet_id, {"requests": batch})

        dash_grid = None
        if with_dashboard:
            with engine.connect() as conn:
                dash_grid = dashboard.grid(
                    dashboard.load(conn, team_id=team_id, tags=self.tags, now=now)
                )
        chunks = self._chunks(states, dash_grid)
        total = sum(len(chunk.rows) for chunk in chunks)
        done = 0
        for chunk in chunks:
            self.http.values_batch_update(
                self.sheet_id, body={"valueInputOption": "RAW", "data": chunk.data}
            )
            with engine.begin() as conn:
                outbox.save_positions(
                    conn, team_id=team_id, target=self.target, placed=chunk.placed, now=now
                )
            outbox.confirm_in_steps(engine, chunk.rows)
            done += len(chunk.rows)
            if progress is not None:
                progress(done, total)
        return CycleResult(rows_written=done, restored=restored)

    # ---- reading and verifying ---------------------------------------------------------------

    def _read(self, meta: dict[str, Any]) -> dict[str, SheetState]:
        found = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
        used_ids = {s["properties"]["sheetId"] for s in meta.get("sheets", [])}
        states: dict[str, SheetState] = {}
        next_id = max(used_ids, default=0) + 1
        for title in SHEET_ORDER:
            entry = found.get(title)
            if entry is None:
                states[title] = SheetState(title=title, sheet_id=next_id, exists=False)
                next_id += 1
                continue
            props = entry["properties"]
            grid = props.get("gridProperties", {})
            states[title] = SheetState(
                title=title,
                sheet_id=props["sheetId"],
                exists=True,
                rows=grid.get("rowCount", 0),
                cols=grid.get("columnCount", 0),
                basic_filter=entry.get("basicFilter"),
                chart_ids={chart["chartId"] for chart in entry.get("charts", [])},
            )
        existing = [states[title] for title in DATA_SHEETS if states[title].exists]
        if not existing:
            return states
        answer = self.http.values_batch_get(
            self.sheet_id,
            [f"{quote_sheet(state.title)}!1:1" for state in existing],
            params={"valueRenderOption": "UNFORMATTED_VALUE"},
        )
        for state, value_range in zip(existing, answer.get("valueRanges", []), strict=True):
            header_row = (value_range.get("values") or [[]])[0]
            state.header_width = len(header_row)
            for index, value in enumerate(header_row):
                name = normalize_header(value)
                if name and name not in state.headers:
                    state.headers[name] = index
        keyed = []
        for state in existing:
            key_header = normalize_header(KEY_COLUMN[state.title])
            if key_header in state.headers:
                keyed.append(state)
            elif state.header_width:
                raise TrackerError(
                    f"The worksheet {state.title!r} in Google Sheet {self.sheet_id} has headers "
                    f"but no {KEY_COLUMN[state.title]!r} column: add that header, or rename the "
                    "worksheet so Porch can create its own"
                )
        # A worksheet whose grid is its header row alone (its headroom was given up near the
        # cell limit) has no rows to read, and Google refuses a range below its grid.
        keyed = [state for state in keyed if state.rows > 1]
        if not keyed:
            return states
        answer = self.http.values_batch_get(
            self.sheet_id,
            [
                "{0}!{1}2:{1}".format(
                    quote_sheet(state.title),
                    column_letter(state.headers[normalize_header(KEY_COLUMN[state.title])]),
                )
                for state in keyed
            ],
            params={"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "COLUMNS"},
        )
        for state, value_range in zip(keyed, answer.get("valueRanges", []), strict=True):
            column = (value_range.get("values") or [[]])[0]
            state.last_row = 1 + len(column)
            for offset, value in enumerate(column):
                text = _text(value)
                if not text:
                    continue
                if text in state.keys:
                    state.duplicates.setdefault(text, [state.keys[text]]).append(offset + 2)
                else:
                    state.keys[text] = offset + 2
            for key, numbers in state.duplicates.items():
                logger.warning(
                    "%s: key %r appears on rows %s; Porch updates row %d only",
                    state.title,
                    key,
                    ", ".join(map(str, numbers)),
                    numbers[0],
                )
        return states

    def _verify(self, engine: Engine, states: dict[str, SheetState], *, team_id: str) -> int:
        """Queue again every confirmed row that is no longer in the Sheet; how many there were."""
        with engine.begin() as conn:
            known = outbox.positions(conn, team_id=team_id, target=self.target)
            missing = [
                (sheet, key)
                for sheet, key in known
                if sheet in states and key_cell(key) not in states[sheet].keys
            ]
            if missing:
                logger.warning(
                    "%d rows Porch wrote are gone from %s (deleted by hand?); writing them again",
                    len(missing),
                    self.description,
                )
                outbox.requeue(conn, team_id=team_id, keys=missing)
                outbox.forget_positions(conn, team_id=team_id, target=self.target, keys=missing)
        return len(missing)

    def _requeue_for_new_columns(
        self, engine: Engine, states: dict[str, SheetState], *, team_id: str
    ) -> bool:
        """A Porch column missing from a worksheet with rows (deleted by hand, or new in this
        version of Porch) is added on the right; every row of that worksheet is queued so the
        new column is filled everywhere, not only in rows that happen to change."""
        stale = [
            title
            for title in DATA_SHEETS
            if states[title].keys
            and any(
                normalize_header(column.header) not in states[title].headers
                for column in SPECS[title]
            )
        ]
        if stale:
            with engine.begin() as conn:
                for title in stale:
                    outbox.requeue_sheet(conn, team_id=team_id, sheet=title)
        return bool(stale)

    # ---- planning ----------------------------------------------------------------------------

    def _plan(
        self, states: dict[str, SheetState], rows: list[TrackerRow], *, other_cells: int
    ) -> None:
        by_sheet: dict[str, list[TrackerRow]] = defaultdict(list)
        for row in rows:
            if row.sheet in SPECS:
                by_sheet[row.sheet].append(row)
        for title in DATA_SHEETS:
            state = states[title]
            next_col = state.header_width
            for column in SPECS[title]:
                index = state.headers.get(normalize_header(column.header))
                if index is None:
                    index = next_col
                    next_col += 1
                    state.new_columns.append(index)
                state.columns[column.header] = index
            next_row = state.last_row + 1
            for row in outbox.placement_order(title, by_sheet.get(title, [])):
                cell = key_cell(row.key)
                number = state.keys.get(cell)
                if number is None:
                    number = next_row
                    next_row += 1
                    state.keys[cell] = number
                    state.fresh_rows.add(number)
                state.placed.append((number, row))
            used_rows = next_row - 1
            used_cols = max(state.columns.values()) + 1
            if not state.exists:
                state.target_rows = used_rows + headroom(used_rows, self.min_headroom)
                state.target_cols = used_cols + NOTES_COLUMNS
            else:
                state.target_rows = (
                    state.rows
                    if used_rows <= state.rows
                    else used_rows + headroom(used_rows, self.min_headroom)
                )
                state.target_cols = max(state.cols, used_cols)
        dash = states[DASHBOARD]
        dash.target_rows = dash.rows if dash.exists else dashboard.CHART_END_ROW
        dash.target_cols = dash.cols if dash.exists else dashboard.WIDTH + 4
        total = other_cells + sum(s.target_rows * s.target_cols for s in states.values())
        # Near the limit, give up headroom (largest worksheets first) before refusing.
        for state in sorted(
            (states[title] for title in DATA_SHEETS), key=lambda s: -s.target_rows * s.target_cols
        ):
            if total <= MAX_CELLS:
                break
            # Never below the header plus one row: the next cycle reads each key column from
            # row 2, and Google refuses a range that starts beyond the grid.
            floor = max(state.rows, state.last_row, max((n for n, _ in state.placed), default=2))
            excess_rows = -(-(total - MAX_CELLS) // state.target_cols)
            cut = max(0, min(state.target_rows - floor, excess_rows))
            state.target_rows -= cut
            total -= cut * state.target_cols
        if total > MAX_CELLS:
            raise TrackerError(
                f"{self.description} would need {total:,} cells, above Google's limit of "
                f"{MAX_CELLS:,} per spreadsheet: delete unused worksheets or columns, or start "
                "a new Sheet"
            )

    def _setup_requests(
        self, states: dict[str, SheetState], *, rebuild: bool
    ) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = []
        for title in SHEET_ORDER:
            state = states[title]
            if state.exists:
                continue
            grid: dict[str, Any] = {"rowCount": state.target_rows, "columnCount": state.target_cols}
            if title != DASHBOARD:
                grid["frozenRowCount"] = 1
            requests.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": state.sheet_id,
                            "title": title,
                            "index": SHEET_ORDER.index(title),
                            "gridProperties": grid,
                        }
                    }
                }
            )
        for title in DATA_SHEETS:
            requests += self._data_layout(states[title], rebuild=rebuild)
        requests += self._dashboard_layout(states, rebuild=rebuild)
        return requests

    def _link_requests(
        self, states: dict[str, SheetState], *, rebuild: bool
    ) -> list[dict[str, Any]]:
        """updateCells requests that make link cells clickable, one per run of consecutive rows
        in a link column, for the rows whose links are not in the Sheet yet; a rebuild also
        clears the link of cells that should have none."""
        requests: list[dict[str, Any]] = []
        for title in DATA_SHEETS:
            state = states[title]
            for column in SPECS[title]:
                if column.kind != "link":
                    continue
                index = state.columns[column.header]
                every = rebuild or index in state.new_columns
                run: list[tuple[int, dict[str, Any]]] = []
                for number, row in sorted(state.placed, key=lambda item: item[0]):
                    if not (every or number in state.fresh_rows):
                        continue
                    url = link_target(column.kind, row.values.get(column.header))
                    if not url and not rebuild:
                        continue  # a cell new to Porch has no link to clear
                    if run and run[-1][0] + 1 != number:
                        requests.append(_link_cells(state.sheet_id, index, run))
                        run = []
                    cell = {"userEnteredFormat": {"textFormat": {"link": {"uri": url}}}}
                    run.append((number, cell if url else {}))
                if run:
                    requests.append(_link_cells(state.sheet_id, index, run))
        return requests

    def _batches(
        self, setup: list[dict[str, Any]], links: list[dict[str, Any]]
    ) -> Iterator[list[dict[str, Any]]]:
        """The layout requests and the link requests in as few batchUpdates as fit under
        max_payload (the layout first, whole: it is small and must apply atomically)."""
        batch = list(setup)
        size = len(json.dumps(setup))
        for request in links:
            request_size = len(json.dumps(request))
            if batch and size + request_size > self.max_payload:
                yield batch
                batch, size = [], 0
            batch.append(request)
            size += request_size
        if batch:
            yield batch

    def _data_layout(self, state: SheetState, *, rebuild: bool) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = []
        sheet_id = state.sheet_id
        grew = state.exists and (state.target_rows > state.rows or state.target_cols > state.cols)
        if grew:
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": sheet_id,
                            "gridProperties": {
                                "rowCount": state.target_rows,
                                "columnCount": state.target_cols,
                            },
                        },
                        "fields": "gridProperties(rowCount,columnCount)",
                    }
                }
            )
        if rebuild and state.exists:
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": sheet_id,
                            "gridProperties": {"frozenRowCount": 1},
                        },
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            )
        fresh = rebuild or not state.exists
        styled = {
            column.header
            for column in SPECS[state.title]
            if fresh or state.columns[column.header] in state.new_columns
        }
        for column in SPECS[state.title]:
            index = state.columns[column.header]
            columns = {"startColumnIndex": index, "endColumnIndex": index + 1}
            if column.header in styled:
                requests.append(
                    {
                        "repeatCell": {
                            "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1}
                            | columns,
                            "cell": {"userEnteredFormat": HEADER_FORMAT},
                            "fields": "userEnteredFormat(textFormat,backgroundColor)",
                        }
                    }
                )
                requests.append(
                    {
                        "updateDimensionProperties": {
                            "range": {
                                "sheetId": sheet_id,
                                "dimension": "COLUMNS",
                                "startIndex": index,
                                "endIndex": index + 1,
                            },
                            "properties": {"pixelSize": column.width},
                            "fields": "pixelSize",
                        }
                    }
                )
            # New rows must carry the date and number formats too, so growing re-applies them.
            if column.number_format and (column.header in styled or grew):
                requests.append(
                    {
                        "repeatCell": {
                            "range": {"sheetId": sheet_id, "startRowIndex": 1} | columns,
                            "cell": {"userEnteredFormat": {"numberFormat": column.number_format}},
                            "fields": "userEnteredFormat.numberFormat",
                        }
                    }
                )
        wanted = {
            "sheetId": sheet_id,
            "startRowIndex": 0,
            "endRowIndex": state.target_rows,
            "startColumnIndex": 0,
            "endColumnIndex": state.target_cols,
        }
        current = state.basic_filter
        if current is None and fresh:
            requests.append({"setBasicFilter": {"filter": {"range": wanted}}})
        elif current is not None and (grew or rebuild):
            old = current.get("range", {})
            if (
                old.get("endRowIndex", 0) < state.target_rows
                or old.get("endColumnIndex", 0) < state.target_cols
            ):
                # Keep the manager's filter criteria and sort; only widen the range.
                kept = {k: v for k, v in current.items() if k != "range"}
                requests.append({"setBasicFilter": {"filter": {**kept, "range": wanted}}})
        return requests

    def _dashboard_layout(
        self, states: dict[str, SheetState], *, rebuild: bool
    ) -> list[dict[str, Any]]:
        dash = states[DASHBOARD]
        requests: list[dict[str, Any]] = []
        if rebuild or not dash.exists:
            sheet_id = dash.sheet_id
            bold = {"userEnteredFormat": {"textFormat": {"bold": True}}}
            for row in (0, 3):
                requests.append(
                    {
                        "repeatCell": {
                            "range": {
                                "sheetId": sheet_id,
                                "startRowIndex": row,
                                "endRowIndex": row + 1,
                                "startColumnIndex": 0,
                                "endColumnIndex": dashboard.WIDTH,
                            },
                            "cell": bold,
                            "fields": "userEnteredFormat.textFormat",
                        }
                    }
                )
            formats = [(1, 1, "datetime")] + [
                (dashboard.FIRST_METRIC_ROW - 1 + i, col, kind)
                for i, (_, kind) in enumerate(dashboard.METRICS)
                for col in (1, 2)
            ]
            formats += [
                (dashboard.FIRST_METRIC_ROW - 1 + i, dashboard.TAG_COLUMN + 1, "int")
                for i in range(dashboard.TAG_ROWS)
            ]
            for row, col, kind in formats:
                number_format = _number_format(kind)
                if number_format:
                    requests.append(
                        {
                            "repeatCell": {
                                "range": {
                                    "sheetId": sheet_id,
                                    "startRowIndex": row,
                                    "endRowIndex": row + 1,
                                    "startColumnIndex": col,
                                    "endColumnIndex": col + 1,
                                },
                                "cell": {"userEnteredFormat": {"numberFormat": number_format}},
                                "fields": "userEnteredFormat.numberFormat",
                            }
                        }
                    )
            for index, width in enumerate(dashboard.COLUMN_WIDTHS):
                requests.append(
                    {
                        "updateDimensionProperties": {
                            "range": {
                                "sheetId": sheet_id,
                                "dimension": "COLUMNS",
                                "startIndex": index,
                                "endIndex": index + 1,
                            },
                            "properties": {"pixelSize": width},
                            "fields": "pixelSize",
                        }
                    }
                )
        present = set().union(*(state.chart_ids for state in states.values()))
        ours = set(dashboard.CHART_IDS)
        if rebuild:
            requests += [
                {"deleteEmbeddedObject": {"objectId": chart_id}}
                for chart_id in sorted(present & ours)
            ]
            present -= ours
        requests += [
            {"addChart": {"chart": chart}}
            for chart in self._charts(states)
            if chart["chartId"] not in present
        ]
        return requests

    def _charts(self, states: dict[str, SheetState]) -> list[dict[str, Any]]:
        health = states["Health"]
        dash = states[DASHBOARD]

        def column(state: SheetState, header: str) -> dict[str, Any]:
            index = state.columns[header]
            return {
                "sourceRange": {
                    "sources": [
                        {
                            "sheetId": state.sheet_id,
                            "startRowIndex": 0,
                            "startColumnIndex": index,
                            "endColumnIndex": index + 1,
                        }
                    ]
                }
            }

        def place(chart_id: int) -> dict[str, Any]:
            row, col = dashboard.chart_row(chart_id), 0
            return {
                "overlayPosition": {
                    "anchorCell": {"sheetId": dash.sheet_id, "rowIndex": row, "columnIndex": col},
                    "widthPixels": dashboard.CHART_WIDTH,
                    "heightPixels": dashboard.CHART_HEIGHT,
                }
            }

        def basic(kind: str, title: str, header: str) -> dict[str, Any]:
            return {
                "title": title,
                "basicChart": {
                    "chartType": kind,
                    "legendPosition": "NO_LEGEND",
                    "axis": [
                        {"position": "BOTTOM_AXIS", "title": "Week"},
                        {"position": "LEFT_AXIS", "title": header},
                    ],
                    "domains": [{"domain": column(health, "Week")}],
                    "series": [{"series": column(health, header), "targetAxis": "LEFT_AXIS"}],
                    "headerCount": 1,
                },
            }

        first = dashboard.FIRST_METRIC_ROW - 1
        tags = {
            "sheetId": dash.sheet_id,
            "startRowIndex": first,
            "endRowIndex": first + dashboard.TAG_ROWS,
        }
        tag_col = dashboard.TAG_COLUMN
        return [
            {
                "chartId": dashboard.PARTICIPATION_CHART[0],
                "spec": basic("LINE", dashboard.PARTICIPATION_CHART[1], "Participation %"),
                "position": place(dashboard.PARTICIPATION_CHART[0]),
            },
            {
                "chartId": dashboard.CONTRIBUTORS_CHART[0],
                "spec": basic("COLUMN", dashboard.CONTRIBUTORS_CHART[1], "Active members"),
                "position": place(dashboard.CONTRIBUTORS_CHART[0]),
            },
            {
                "chartId": dashboard.FEEDBACK_CHART[0],
                "spec": {
                    "title": dashboard.FEEDBACK_CHART[1],
                    "pieChart": {
                        "legendPosition": "RIGHT_LEGEND",
                        "domain": {
                            "sourceRange": {
                                "sources": [
                                    tags
                                    | {"startColumnIndex": tag_col, "endColumnIndex": tag_col + 1}
                                ]
                            }
                        },
                        "series": {
                            "sourceRange": {
                                "sources": [
                                    tags
                                    | {
                                        "startColumnIndex": tag_col + 1,
                                        "endColumnIndex": tag_col + 2,
                                    }
                                ]
                            }
                        },
                    },
                },
                "position": place(dashboard.FEEDBACK_CHART[0]),
            },
            {
                "chartId": dashboard.SCORE_CHART[0],
                "spec": basic("LINE", dashboard.SCORE_CHART[1], "Health score"),
                "position": place(dashboard.SCORE_CHART[0]),
            },
        ]

    # ---- the values payload ------------------------------------------------------------------

    def _chunks(
        self, states: dict[str, SheetState], dash_grid: list[list[dashboard.Cell]] | None
    ) -> list[Chunk]:
        """Value ranges for every header, row and dashboard cell, in chunks under max_payload."""
        chunks = [Chunk()]

        def add(entry: dict[str, Any], size: int) -> Chunk:
            if chunks[-1].data and chunks[-1].size + size > self.max_payload:
                chunks.append(Chunk())
            chunk = chunks[-1]
            chunk.data.append(entry)
            chunk.size += size
            return chunk

        for title in DATA_SHEETS:
            state = states[title]
            for index in state.new_columns:
                header = next(c.header for c in SPECS[title] if state.columns[c.header] == index)
                entry = _range(a1(title, row=1, col=index, end_row=1, end_col=index), [[header]])
                add(entry, len(json.dumps(entry)))
            for entry, size, run in self._row_ranges(state):
                chunk = add(entry, size)
                chunk.rows.extend(row for _, row in run)
                chunk.placed.extend((row.sheet, row.key, number) for number, row in run)
        if dash_grid is not None:
            values = [
                [sheet_cell(kind, value, self.tz) for kind, value in row] for row in dash_grid
            ]
            name = a1(
                DASHBOARD, row=1, col=0, end_row=dashboard.HEIGHT, end_col=dashboard.WIDTH - 1
            )
            add(_range(name, values), len(json.dumps(values)))
        return [chunk for chunk in chunks if chunk.data]

    def _row_ranges(
        self, state: SheetState
    ) -> Iterator[tuple[dict[str, Any], int, list[tuple[int, TrackerRow]]]]:
        """One value range per run of consecutive rows: (range, payload size, rows in it).

        The range spans Porch's columns from the leftmost to the rightmost; cells of other
        columns in between are null, which the API leaves untouched.
        """
        specs = SPECS[state.title]
        low = min(state.columns.values())
        high = max(state.columns.values())
        key_header = KEY_COLUMN[state.title]
        run: list[tuple[int, TrackerRow]] = []
        values_run: list[list[Any]] = []
        size = 0
        for number, row in sorted(state.placed, key=lambda item: item[0]):
            values: list[Any] = [None] * (high - low + 1)
            for column in specs:
                raw = row.key if column.header == key_header else row.values.get(column.header)
                values[state.columns[column.header] - low] = sheet_cell(column.kind, raw, self.tz)
            row_size = len(json.dumps(values)) + 2
            if run and (run[-1][0] + 1 != number or size + row_size > self.max_payload // 2):
                yield self._run_range(state.title, low, high, run, values_run), size + 60, run
                run, values_run, size = [], [], 0
            run.append((number, row))
            values_run.append(values)
            size += row_size
        if run:
            yield self._run_range(state.title, low, high, run, values_run), size + 60, run

    @staticmethod
    def _run_range(
        title: str,
        low: int,
        high: int,
        run: list[tuple[int, TrackerRow]],
        values: list[list[Any]],
    ) -> dict[str, Any]:
        name = a1(title, row=run[0][0], col=low, end_row=run[-1][0], end_col=high)
        return _range(name, values)


def _cells_outside(meta: dict[str, Any]) -> int:
    """Cells in worksheets that are not Porch's (they count towards the 10 million too)."""
    total = 0
    for entry in meta.get("sheets", []):
        props = entry["properties"]
        if props["title"] not in SHEET_ORDER:
            grid = props.get("gridProperties", {})
            total += grid.get("rowCount", 0) * grid.get("columnCount", 0)
    return total


def _link_cells(sheet_id: int, col: int, run: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    """One updateCells setting (or clearing) the cell-level link of rows run[0]..run[-1]."""
    return {
        "updateCells": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": run[0][0] - 1,
                "endRowIndex": run[-1][0],
                "startColumnIndex": col,
                "endColumnIndex": col + 1,
            },
            "rows": [{"values": [cell]} for _, cell in run],
            "fields": "userEnteredFormat.textFormat.link",
        }
    }


def _range(name: str, values: list[list[Any]]) -> dict[str, Any]:
    return {"range": name, "majorDimension": "ROWS", "values": values}


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def _number_format(kind: str) -> dict[str, str] | None:
    return NUMBER_FORMATS.get(kind)  # type: ignore[call-overload]
