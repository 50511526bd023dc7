"""The keyword alert's button (the string is wire format: never rename it)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    KEYWORD_ALERT_DISMISS = "porch_keyword_alert_dismiss"
