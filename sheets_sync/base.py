"""What every tracker (Google Sheet, local .xlsx) offers the sync worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

# progress(done, total): rows confirmed so far in this cycle, out of the rows it is writing.
Progress = Callable[[int, int], None]


@dataclass
class CycleResult:
    rows_written: int = 0
    write_requests: int = 0
    read_requests: int = 0
    retries: int = 0
    bytes_sent: int = 0
    # Rows the store had confirmed but the tracker no longer held (deleted by hand), rewritten.
    restored: int = 0


class TrackerBackend(Protocol):
    # Identifies where rows go (e.g. "sheet:<id>"), for row positions and the cycle log.
    target: str
    # For people: "Google Sheet <id>" or "local tracker <path>".
    description: str

    def sync(
        self,
        engine: Engine,
        *,
        team_id: str,
        now: dt.datetime,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> CycleResult:
        """Write the workspace's pending rows, confirming each in the store once the tracker
        has it. A tracker belongs to one workspace: it never sees another's rows.

        `rebuild` also re-applies the layout (formats, widths, filter, charts).
        """
        ...

    def erase_rows(self, engine: Engine, *, team_id: str, rows: Sequence[tuple[str, int]]) -> None:
        """Blank whole rows, (worksheet, 1-based row number): an erased member's rows. Porch
        no longer tracks them, so nothing writes them again."""
        ...
