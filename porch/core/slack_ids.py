"""The names Slack echoes back to Porch: button action IDs, modal callback and input IDs, commands.

A template puts a button's action_id into a message and a handler listens for it; manifest.yml
declares the command. A typo on either side fails silently in Slack (the button shows an error
icon, nothing is recorded), so both sides use these constants: handlers as `Action.OPT_OUT`,
templates as `{{ ids.OPT_OUT }}` (a Jinja global, see porch/core/templating.py), and the tests
check that every rendered action_id has a listener and every listener a button.

The values are part of the wire format: messages already sent keep the old IDs, so renaming a
value strands the buttons in them. Rename the Python name freely, never the string.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Action(StrEnum):
    """action_id of every button Porch sends; each has a listener in handlers/ (actions.py,
    nps_actions.py)."""

    OPEN_GUIDELINES = "porch_open_guidelines"
    OPEN_INTRODUCTIONS = "porch_open_introductions"
    OPEN_GETTING_STARTED = "porch_open_getting_started"
    JOIN_CHANNELS = "porch_join_channels"
    OPT_OUT = "porch_followups_opt_out"
    WARM_SEND = "porch_warm_send"
    WARM_PERSONALISE = "porch_warm_personalise"
    # The NPS survey: one button per score (Slack wants action_ids unique within a block).
    NPS_SCORE_0 = "porch_nps_score_0"
    NPS_SCORE_1 = "porch_nps_score_1"
    NPS_SCORE_2 = "porch_nps_score_2"
    NPS_SCORE_3 = "porch_nps_score_3"
    NPS_SCORE_4 = "porch_nps_score_4"
    NPS_SCORE_5 = "porch_nps_score_5"
    NPS_SCORE_6 = "porch_nps_score_6"
    NPS_SCORE_7 = "porch_nps_score_7"
    NPS_SCORE_8 = "porch_nps_score_8"
    NPS_SCORE_9 = "porch_nps_score_9"
    NPS_SCORE_10 = "porch_nps_score_10"
    NPS_COMMENT = "porch_nps_comment"
    NPS_OPT_OUT = "porch_nps_opt_out"
    SPOTLIGHT_APPROVE = "porch_spotlight_approve"
    SPOTLIGHT_EDIT = "porch_spotlight_edit"
    SPOTLIGHT_SKIP = "porch_spotlight_skip"
    FORGET_ME_CONFIRM = "porch_forget_me_confirm"


class Input(StrEnum):
    """block_id and action_id of modal inputs; the view listener reads the value under them."""

    WELCOME_TEXT = "welcome_text"
    NPS_COMMENT_TEXT = "nps_comment_text"
    SPOTLIGHT_NOTE = "spotlight_note"


class View(StrEnum):
    """callback_id of every modal Porch opens; each has a view listener."""

    PERSONALISE_WELCOME = "porch_personalise_welcome"
    NPS_COMMENT = "porch_nps_comment_modal"
    EDIT_SPOTLIGHT = "porch_edit_spotlight"


class Command(StrEnum):
    """Slash commands; manifest.yml declares the same ones."""

    PORCH = "/porch"


# What templates see as `ids`: buttons and inputs by name (views and commands are not rendered).
TEMPLATE_IDS: Mapping[str, StrEnum] = MappingProxyType(
    {member.name: member for kind in (Action, Input) for member in kind}
)
