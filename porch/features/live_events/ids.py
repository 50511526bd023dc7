"""The events' Slack IDs (wire format: never rename the values)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    EVENT_GOING = "porch_event_going"
    EVENT_MAYBE = "porch_event_maybe"
    EVENT_CANT = "porch_event_cant"
    EVENT_CHECK_IN = "porch_event_check_in"
    EVENT_CONFIRM = "porch_event_confirm_attendance"


class View(StrEnum):
    EVENT_FORM = "porch_event_form"


class Input(StrEnum):
    EVENT_TITLE = "porch_event_title"
    EVENT_WHEN = "porch_event_when"
    EVENT_LENGTH = "porch_event_length"
    EVENT_WHERE = "porch_event_where"
    EVENT_DESCRIPTION = "porch_event_description"
