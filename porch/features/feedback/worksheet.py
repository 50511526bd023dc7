"""The Feedback worksheet: one row per feedback item, as the managers triage it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from porch.core.worksheets import SheetRow, column


@dataclass(frozen=True, kw_only=True)
class FeedbackRow(SheetRow):
    SHEET: ClassVar[str] = "Feedback"

    feedback_id: str = field(metadata=column("Feedback ID"))
    received: dt.datetime | None = field(metadata=column("Received", "datetime"))
    sender: str = field(metadata=column("From"))
    tag: str = field(metadata=column("Tag"))
    feedback: str = field(metadata=column("Feedback", "long_text"))
    channel: str = field(metadata=column("Channel"))
    link: str = field(metadata=column("Link", "link"))
    status: str = field(metadata=column("Status"))
    acknowledged: dt.datetime | None = field(metadata=column("Acknowledged", "datetime"))
    closed: dt.datetime | None = field(default=None, metadata=column("Closed", "datetime"))
    votes: int = field(default=0, metadata=column("Votes", "int"))
