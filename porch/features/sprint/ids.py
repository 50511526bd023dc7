"""The sprint's names Slack echoes back: the scorecard's decision buttons, the note modal and
its input. The values are wire format (scorecards already sent carry them): never change one."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    SPRINT_DECIDE_KEEP = "porch_sprint_decide_keep"
    SPRINT_DECIDE_NARROW = "porch_sprint_decide_narrow"
    SPRINT_DECIDE_REDUCE = "porch_sprint_decide_reduce"
    SPRINT_DECIDE_OTHER = "porch_sprint_decide_other"
    SPRINT_START = "porch_sprint_start"
    SPRINT_TICK = "porch_sprint_tick"


class Input(StrEnum):
    SPRINT_DECISION_NOTE = "sprint_decision_note"


class View(StrEnum):
    SPRINT_DECISION = "porch_sprint_decision"


class Shortcut(StrEnum):
    """manifest.yml declares the same callback_id."""

    SPRINT_KEY_POST = "porch_mark_key_post"
