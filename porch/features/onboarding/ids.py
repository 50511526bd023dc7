"""The names Slack echoes back for onboarding's buttons and its personalise modal.

Templates use them as `ids.OPT_OUT` (the registry adds every package's Action and Input IDs to
the templates' `ids`). The values are the wire format: messages already sent keep them, so
never rename a value.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """Buttons in the welcome DM, the follow-ups, App Home and the warm-welcome card."""

    OPEN_GUIDELINES = "porch_open_guidelines"
    OPEN_INTRODUCTIONS = "porch_open_introductions"
    OPEN_GETTING_STARTED = "porch_open_getting_started"
    JOIN_CHANNELS = "porch_join_channels"
    OPT_OUT = "porch_followups_opt_out"
    WARM_SEND = "porch_warm_send"
    WARM_PERSONALISE = "porch_warm_personalise"


class Input(StrEnum):
    """The personalise modal's note (its block_id and action_id)."""

    WELCOME_TEXT = "welcome_text"


class View(StrEnum):
    """The modal in which a manager personalises a warm welcome."""

    PERSONALISE_WELCOME = "porch_personalise_welcome"
