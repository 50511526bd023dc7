"""The names Slack echoes back for feedback: the triage card's status menu, the "Tag as
feedback" shortcut and its modal's inputs, and `/feedback`. The values are wire format (cards
already posted carry them): rename the Python name freely, never the string."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    FEEDBACK_STATUS = "porch_feedback_status"


class Input(StrEnum):
    FEEDBACK_TAG = "feedback_tag"
    FEEDBACK_SUMMARY = "feedback_summary"
    FEEDBACK_AREA = "feedback_area"


class View(StrEnum):
    TAG_FEEDBACK = "porch_tag_feedback"


class Shortcut(StrEnum):
    """manifest.yml declares the same callback_id."""

    TAG_FEEDBACK = "porch_tag_as_feedback"


class Command(StrEnum):
    """manifest.yml declares the same command."""

    FEEDBACK = "/feedback"
