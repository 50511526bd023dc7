"""The names Slack echoes back for moderation: the ladder's buttons on a card, the reason modal,
the two message shortcuts and the guideline modal. The values are wire format (cards already
posted carry them): rename the Python name freely, never the string."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    MODERATION_STEP = "porch_moderation_step"
    MODERATION_FINE = "porch_moderation_fine"


class Input(StrEnum):
    MODERATION_REASON = "moderation_reason"
    MODERATION_GUIDELINE = "moderation_guideline"


class View(StrEnum):
    MODERATION_STEP = "porch_moderation_step_reason"
    MODERATION_GUIDELINE = "porch_moderation_guideline"


class Shortcut(StrEnum):
    """manifest.yml declares the same callback_ids."""

    REPORT_MESSAGE = "porch_report_message"
    REPLY_WITH_GUIDELINE = "porch_reply_with_guideline"
