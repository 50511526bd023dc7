"""The `keyword_alerts` section of community.yml."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator

from porch.core.config import ChannelName, Strict


def _word(value: object) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise ValueError('must be a word or phrase in quotes, e.g. "giveaway"')
    return text


class KeywordAlertsConfig(Strict):
    """Words that, in a member's message, bring it to the managers' attention. Off while the
    list is empty."""

    # Matched as whole words, ignoring case: "scam" matches "Scam!" but not "scampi".
    words: list[Annotated[str, BeforeValidator(_word)]] = Field(default=[], max_length=200)
    # Channels to watch (names, without #); empty: every channel Porch is in.
    channels: list[ChannelName] = Field(default=[])

    @field_validator("words")
    @classmethod
    def _no_duplicates(cls, words: list[str]) -> list[str]:
        seen: set[str] = set()
        for word in words:
            if word.casefold() in seen:
                raise ValueError(f"{word!r} is listed twice")
            seen.add(word.casefold())
        return words
