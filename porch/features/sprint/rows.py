"""The tracker's Decisions worksheet: one row per week the managers recorded a decision for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from porch.core.worksheets import SheetRow, column


@dataclass(frozen=True, kw_only=True)
class DecisionRow(SheetRow):
    SHEET: ClassVar[str] = "Decisions"

    week: str = field(metadata=column("Week"))
    verdict: str = field(metadata=column("Rule's verdict"))
    decision: str = field(metadata=column("Decision"))
    note: str = field(metadata=column("Note", "long_text"))
    decided_by: str = field(metadata=column("Decided by"))
    decided_at: dt.datetime | None = field(metadata=column("Decided", "datetime"))
    returning_engagers: str = field(metadata=column("Returning engagers (3 weeks)"))
    replies_per_1000: str = field(metadata=column("Replies per 1,000 (3 weeks)"))
