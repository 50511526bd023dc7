"""The Dashboard worksheet: the latest health figures, feedback by tag, and four charts.

Managers look rather than read, so the first worksheet answers "how are we doing?" at a glance:
this week next to last week, and charts of participation, active members, feedback by tag
and the Community Health Score by week. Its content is derived from the store, not queued: it
is rewritten whenever Health or Feedback rows change. Both trackers (Google Sheet and local
.xlsx) draw it from `grid()`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from porch.core.store.schema import tracker_rows
from porch.sheets_sync.layout import Kind

TITLE = "Community health"
METRICS: tuple[tuple[str, Kind], ...] = (
    ("Week", "text"),
    ("Members", "int"),
    ("New members", "int"),
    ("Active members", "int"),
    ("Participation %", "pct"),
    ("Messages", "int"),
    ("Returning engagers", "int"),
    ("Returning engagers %", "pct"),
    ("Replies per 1,000", "pct"),
    ("Reactions per 1,000", "pct"),
    ("Health score", "pct"),
    ("Status", "text"),
)
TAG_ROWS = 12
FIRST_METRIC_ROW = 5  # 1-based: rows 5.. hold METRICS, and the tag table starts there too
TAG_COLUMN = 4  # 0-based column E
WIDTH = 6  # columns A-F
HEIGHT = FIRST_METRIC_ROW - 1 + max(len(METRICS), TAG_ROWS)
CHART_ROW = HEIGHT + 1  # 0-based row index where the charts start, one blank row below
COLUMN_WIDTHS = (170, 120, 120, 30, 150, 80)
# The charts are stacked below the tables, each spanning columns A-F and a few pixels narrower
# than they are together, so that none spills into the next column or overlaps another.
CHART_WIDTH = sum(COLUMN_WIDTHS) - 10  # pixels
CHART_HEIGHT = 300  # pixels: 15 rows of 20 px (Excel) or 21 px (Google Sheets)
CHART_ROWS = 17  # rows from one chart's top to the next one's, leaving a blank row or two

# Charts, as (id, title). Fixed IDs let the worker tell its charts from ones managers added.
PARTICIPATION_CHART = (724_110_001, "Participation % by week")
CONTRIBUTORS_CHART = (724_110_002, "Active members (30 days) by week")
FEEDBACK_CHART = (724_110_003, "Feedback by tag")
SCORE_CHART = (724_110_004, "Community Health Score by week")
CHART_IDS = (PARTICIPATION_CHART[0], CONTRIBUTORS_CHART[0], FEEDBACK_CHART[0], SCORE_CHART[0])
# Where each chart goes, top to bottom.
CHART_ORDER = (PARTICIPATION_CHART[0], CONTRIBUTORS_CHART[0], SCORE_CHART[0], FEEDBACK_CHART[0])
CHART_END_ROW = CHART_ROW + len(CHART_ORDER) * CHART_ROWS  # 0-based, first row below the charts


def chart_row(chart_id: int) -> int:
    """The 0-based row of the chart's top left corner (always in column A)."""
    return CHART_ROW + CHART_ORDER.index(chart_id) * CHART_ROWS


Cell = tuple[Kind, Any]


@dataclass(frozen=True)
class DashboardData:
    this_week: dict[str, Any]
    last_week: dict[str, Any]
    tag_counts: list[tuple[str, int]]
    updated: dt.datetime


def load(conn: Connection, *, team_id: str, tags: Sequence[str], now: dt.datetime) -> DashboardData:
    """The workspace's figures for the dashboard, from its Health and Feedback rows."""
    weeks = [
        dict(row.row_values or {})
        for row in conn.execute(
            select(tracker_rows.c.row_values)
            .where(tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == "Health")
            .order_by(tracker_rows.c.row_key.desc())
            .limit(2)
        )
    ]
    counts: Counter[str] = Counter()
    for row in conn.execute(
        select(tracker_rows.c.row_values).where(
            tracker_rows.c.team_id == team_id, tracker_rows.c.sheet == "Feedback"
        )
    ):
        # An item tagged several ways ("bug, idea") counts once under each of its tags.
        for tag in str((row.row_values or {}).get("Tag") or "").split(","):
            if tag.strip():
                counts[tag.strip().casefold()] += 1
    ordered = list(dict.fromkeys(tag for tag in tags if tag))
    known = {tag.casefold() for tag in ordered}
    ordered += sorted(tag for tag in counts if tag not in known)
    tag_counts = [(tag, counts.get(tag.casefold(), 0)) for tag in ordered][:TAG_ROWS]
    return DashboardData(
        this_week=weeks[0] if weeks else {},
        last_week=weeks[1] if len(weeks) > 1 else {},
        tag_counts=tag_counts,
        updated=now,
    )


def grid(data: DashboardData) -> list[list[Cell]]:
    """The dashboard's A1:F{HEIGHT} block, every cell given (so stale values are cleared)."""
    rows: list[list[Cell]] = [[("text", "")] * WIDTH for _ in range(HEIGHT)]

    def put(row: int, col: int, kind: Kind, value: Any) -> None:
        rows[row - 1][col] = (kind, value)

    put(1, 0, "text", TITLE)
    put(1, TAG_COLUMN, "text", "Feedback by tag")
    put(2, 0, "text", "Updated")
    put(2, 1, "datetime", data.updated.isoformat())
    put(4, 0, "text", "Metric")
    put(4, 1, "text", "This week")
    put(4, 2, "text", "Last week")
    put(4, TAG_COLUMN, "text", "Tag")
    put(4, TAG_COLUMN + 1, "text", "Items")
    for i, (name, kind) in enumerate(METRICS):
        put(FIRST_METRIC_ROW + i, 0, "text", name)
        put(FIRST_METRIC_ROW + i, 1, kind, data.this_week.get(name, ""))
        put(FIRST_METRIC_ROW + i, 2, kind, data.last_week.get(name, ""))
    for i, (tag, count) in enumerate(data.tag_counts):
        put(FIRST_METRIC_ROW + i, TAG_COLUMN, "text", tag)
        put(FIRST_METRIC_ROW + i, TAG_COLUMN + 1, "int", count)
    return rows
