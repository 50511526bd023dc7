"""The spotlight's names Slack echoes back: the draft card's buttons, the Edit modal and its
input. The values are wire format (cards already sent carry them): never change a string."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    SPOTLIGHT_APPROVE = "porch_spotlight_approve"
    SPOTLIGHT_EDIT = "porch_spotlight_edit"
    SPOTLIGHT_SKIP = "porch_spotlight_skip"


class Input(StrEnum):
    SPOTLIGHT_NOTE = "spotlight_note"


class View(StrEnum):
    EDIT_SPOTLIGHT = "porch_edit_spotlight"
