"""The `moderation` section of community.yml: rules that tie words and patterns to a guideline."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from porch.core.config import ChannelName, Strict, Text

# The guideline key of the anti-harassment rule (guidelines.anti_harassment).
ANTI_HARASSMENT = "anti_harassment"
# A pattern longer than this is more likely a mistake than a rule.
MAX_PATTERN_CHARS = 300


def _phrase(value: object) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise ValueError('must be a word or phrase in quotes, e.g. "crypto"')
    return text


def _pattern(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(r'must be a regular expression in quotes, e.g. "\bt\.me/"')
    if len(value) > MAX_PATTERN_CHARS:
        raise ValueError(f"is longer than {MAX_PATTERN_CHARS} characters")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None
    return value


class ModerationRule(Strict):
    """Words or patterns that bring a message to the moderators, and the guideline it may break."""

    # What the card calls it ("Crypto pitch").
    name: Text
    # The title of the guideline (guidelines.rules) it enforces, or the anti-harassment rule
    # with "anti_harassment".
    guideline: Text
    # Matched as whole words, ignoring case.
    keywords: list[Annotated[str, BeforeValidator(_phrase)]] = Field(default=[], max_length=200)
    # Regular expressions (Python syntax), matched ignoring case, each run with a time limit.
    patterns: list[Annotated[str, BeforeValidator(_pattern)]] = Field(default=[], max_length=50)

    @field_validator("guideline")
    @classmethod
    def _a_known_guideline(cls, guideline: str, info: ValidationInfo) -> str:
        """When community.yml is read, the guideline must be one it publishes."""
        document = (info.context or {}).get("document")
        guidelines = document.get("guidelines") if isinstance(document, dict) else None
        if not isinstance(guidelines, dict) or guideline == ANTI_HARASSMENT:
            return guideline
        rules = guidelines.get("rules") if isinstance(guidelines.get("rules"), list) else []
        titles = [r.get("title") for r in rules if isinstance(r, dict)]
        if titles and guideline.casefold() not in {str(t).strip().casefold() for t in titles}:
            raise ValueError(
                f"{guideline!r} is not a guidelines.rules title (or {ANTI_HARASSMENT}); "
                f"one of: {', '.join(repr(str(t)) for t in titles)}"
            )
        return guideline

    @model_validator(mode="after")
    def _says_something(self) -> ModerationRule:
        if not self.keywords and not self.patterns:
            raise ValueError("give the rule keywords, patterns or both")
        return self


class ModerationConfig(Strict):
    """Rules checked on every member's message (and again when it is edited), the "Report
    message" shortcut and the consequence ladder on the moderators' cards."""

    rules: list[ModerationRule] = Field(default=[], max_length=100)
    # Channels to watch (names, without #); empty: every channel Porch is in.
    channels: list[ChannelName] = Field(default=[])
    # How long one message's patterns may run, in milliseconds, before Porch gives up on them.
    pattern_time_limit_ms: int = Field(default=200, ge=10, le=5000)
    # A newcomer's first message that contains a link gets a card for a quick look (spam
    # defence). Slack lets an app hide nothing, so the message stays up; the card records how
    # soon a manager looked.
    first_post_review: bool = False

    def summary_line(self) -> str:
        """`porch check`'s line for this section."""
        patterns = sum(len(rule.patterns) for rule in self.rules)
        review = "on" if self.first_post_review else "off"
        return (
            f"  moderation: {len(self.rules)} rules ({patterns} patterns), "
            f"first-post review {review}"
        )

    @field_validator("rules")
    @classmethod
    def _names_differ(cls, rules: list[ModerationRule]) -> list[ModerationRule]:
        seen: set[str] = set()
        for rule in rules:
            if rule.name.casefold() in seen:
                raise ValueError(f"the rule {rule.name!r} is listed twice")
            seen.add(rule.name.casefold())
        return rules
