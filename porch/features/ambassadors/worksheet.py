"""The Candidates worksheet: members at the ambassador threshold or in the program, with the
counts behind their level (never message text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from porch.core.worksheets import SheetRow, column


@dataclass(frozen=True, kw_only=True)
class CandidateRow(SheetRow):
    SHEET: ClassVar[str] = "Candidates"

    user_id: str = field(metadata=column("User ID"))
    member: str = field(metadata=column("Member"))
    level: str = field(metadata=column("Level"))
    program: str = field(metadata=column("Program"))
    days_active: int = field(metadata=column("Days active", "int"))
    replies_to_others: int = field(metadata=column("Replies to others", "int"))
    first_answers: int = field(metadata=column("First answers", "int"))
    reactions_received: int = field(metadata=column("Reactions received", "int"))
    wins_shared: int = field(metadata=column("Wins shared", "int"))
    content_approved: int = field(metadata=column("Content approved", "int"))
    tenure_days: int = field(metadata=column("Days as member", "int"))
    updated: dt.datetime | None = field(metadata=column("Updated", "datetime"))
