"""community.yml's `feedback` section (required): which emoji tag a message as feedback, and
how the team promises to answer it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from porch.core.config import EmojiName, Strict, Text


class FeedbackConfig(Strict):
    tags: dict[EmojiName, Text] = Field(min_length=1, description="emoji name -> tag")
    response_hours: int = Field(default=4, ge=1)
    # Who may turn a message into feedback with a tag reaction or the shortcut.
    tag_by: Literal["anyone", "managers"] = "anyone"
    # A reaction with this emoji on a feedback item counts as a vote.
    vote_emoji: EmojiName = "+1"
    # DM the author once, asking for details (their reply lands in Porch's DM inbox).
    ask_for_details: bool = False
    # Product areas a manager can file an item under (the shortcut's "Area" menu).
    areas: list[Text] = Field(default_factory=list)
    # Tags that are thanks, not requests: an item with only these is recorded as thanked
    # (closed at once, nothing to triage) and is never one of the digest's requests.
    praise_tags: list[Text] = Field(default=["praise"])
    # Statuses that close an item: setting one posts the follow-up in the original thread.
    closing_statuses: list[Text] = Field(
        default=["shipped", "answered", "planned", "declined", "duplicate"], min_length=1
    )
