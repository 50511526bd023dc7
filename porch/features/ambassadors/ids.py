"""The ambassador program's buttons, modal and inputs (wire format: never rename them)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    AMBASSADOR_INVITE = "porch_ambassador_invite"
    AMBASSADOR_ACCEPT = "porch_ambassador_accept"
    AMBASSADOR_DECLINE = "porch_ambassador_decline"
    AMBASSADOR_SUGGEST_PROMPT = "porch_ambassador_suggest_prompt"
    AMBASSADOR_PROMPT_APPROVE = "porch_ambassador_prompt_approve"
    AMBASSADOR_PROMPT_DECLINE = "porch_ambassador_prompt_decline"


class View(StrEnum):
    AMBASSADOR_PROMPT = "porch_ambassador_prompt"


class Input(StrEnum):
    AMBASSADOR_PROMPT_RITUAL = "porch_ambassador_prompt_ritual"
    AMBASSADOR_PROMPT_TEXT = "porch_ambassador_prompt_text"
