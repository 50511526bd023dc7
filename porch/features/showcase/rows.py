"""The Content worksheet: the showcase's queue, one row per submission and its state
(Pending review, Changes requested, Approved, Rejected, Withdrawn)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from porch.core.worksheets import SheetRow, column


@dataclass(frozen=True, kw_only=True)
class ContentRow(SheetRow):
    SHEET: ClassVar[str] = "Content"

    content_id: str = field(metadata=column("Content ID"))
    submitted: dt.datetime | None = field(metadata=column("Submitted", "datetime"))
    member: str = field(metadata=column("Member"))
    type: str = field(metadata=column("Type"))
    title: str = field(metadata=column("Title", "long_text"))
    # Submitted by the member, so never made clickable (see Kind).
    link: str = field(metadata=column("Link"))
    status: str = field(metadata=column("Status"))
    featured: dt.datetime | None = field(metadata=column("Featured", "datetime"))
