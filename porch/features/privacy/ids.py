"""The privacy feature's Slack IDs (the string values are the wire format: never change them)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """The forget-me confirmation button (templates/privacy/forget_confirm.j2)."""

    FORGET_ME_CONFIRM = "porch_forget_me_confirm"
