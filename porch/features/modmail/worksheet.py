"""The Inbox worksheet: one row per conversation of the replies inbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from porch.core.worksheets import SheetRow, column


@dataclass(frozen=True, kw_only=True)
class InboxRow(SheetRow):
    """One conversation of the replies inbox: when it opened, how long the first answer took.
    No message text: the words stay in Slack, the Sheet measures."""

    SHEET: ClassVar[str] = "Inbox"

    conversation: str = field(metadata=column("Conversation"))
    member: str = field(metadata=column("Member"))
    opened: dt.datetime | None = field(metadata=column("Opened", "datetime"))
    first_answered: dt.datetime | None = field(metadata=column("First answered", "datetime"))
    answered_by: str = field(metadata=column("Answered by"))
    minutes_to_answer: int | None = field(metadata=column("Minutes to answer", "int"))
    closed: dt.datetime | None = field(metadata=column("Closed", "datetime"))
    status: str = field(metadata=column("Status"))
    card: str = field(metadata=column("Card", "link"))
