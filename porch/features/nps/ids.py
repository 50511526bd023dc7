"""The survey's Slack IDs: its buttons, its comment modal and the modal's input. The values are
part of the wire format (surveys already sent keep them): rename the Python names freely, never
the strings."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # One button per score (Slack wants action_ids unique within a block).
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


class Input(StrEnum):
    NPS_COMMENT_TEXT = "nps_comment_text"


class View(StrEnum):
    NPS_COMMENT = "porch_nps_comment_modal"
