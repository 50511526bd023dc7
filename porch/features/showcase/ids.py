"""The names Slack echoes back for the showcase: the review card's buttons, Withdraw, the
suggestion's button, the submission modal and its inputs, and the message shortcut. The values
are wire format (messages already posted carry them): never rename the strings."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    SHOWCASE_APPROVE = "porch_showcase_approve"
    SHOWCASE_CHANGES = "porch_showcase_changes"
    SHOWCASE_REJECT = "porch_showcase_reject"
    SHOWCASE_WITHDRAW = "porch_showcase_withdraw"
    SHOWCASE_SUGGESTED = "porch_showcase_suggested"


class Input(StrEnum):
    SHOWCASE_TITLE = "showcase_title"
    SHOWCASE_LINK = "showcase_link"
    SHOWCASE_DESCRIPTION = "showcase_description"
    SHOWCASE_CONSENT = "showcase_consent"


class View(StrEnum):
    SUBMIT_SHOWCASE = "porch_submit_showcase"


class Shortcut(StrEnum):
    """manifest.yml declares the same callback_id."""

    SUBMIT_SHOWCASE = "porch_submit_to_showcase"
