"""The names Slack echoes back for the replies inbox: the Close button on a conversation's card
(wire format: cards already posted carry it, so never change the string)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    INBOX_CLOSE = "porch_inbox_close"
