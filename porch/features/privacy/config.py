"""The `privacy` section of community.yml: how long member text is kept, what happens to an
account Slack deactivates, and what the site's privacy page tells members.

Other parts of Porch read these values at runtime through the loaded config
(`config.privacy.retention`, the site's privacy page), never by importing this module.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from porch.core.config import Strict, Text


class RetentionConfig(Strict):
    """Days each kind of member text is kept before the daily privacy job clears it."""

    feedback_excerpt: int = Field(default=365, ge=1)
    wins: int = Field(default=730, ge=1)
    inbox_text: int = Field(default=90, ge=1)
    ritual_text: int = Field(default=180, ge=1)
    nps_comment: int = Field(default=365, ge=1)
    showcase: int = Field(default=730, ge=1)
    moderation_text: int = Field(default=365, ge=1)


class PrivacyConfig(Strict):
    # What happens to a member Slack deactivates: kept as is, anonymized (name and text
    # cleared, counts kept), or erased like forget-me, `erase_after_days` after deactivation.
    deactivated: Literal["keep", "anonymize", "erase"] = "keep"
    erase_after_days: int = Field(default=30, ge=0)
    retention: RetentionConfig = RetentionConfig()
    # Who can read the tracker Sheet, in a member's words (the privacy page says it).
    sheet_readers: Text = "Only the community managers can open it."
    contact: Text = (
        "Run /porch forget-me or /porch my-data in Slack, or message a community manager."
    )
