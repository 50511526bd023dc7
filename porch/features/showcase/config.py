"""community.yml's `showcase` section: where approved member work is posted, and which hashtags
bring a private suggestion to submit it. The review queue is in `channels.showcase`."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from porch.core.config import Strict

HASHTAG = re.compile(r"#[\w-]{1,40}")


def _hashtag(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    text = text if text.startswith("#") else f"#{text}"
    if not HASHTAG.fullmatch(text):
        raise ValueError('must be a hashtag in quotes, e.g. "#showcase"')
    return text


class ShowcaseConfig(Strict):
    """Member content: submitted with the member's consent, reviewed by the managers in
    `channels.showcase`, then credited in Slack and on the site's Showcase page."""

    enabled: bool = True
    # The channel (a key of `channels`) approved work is posted in, with credit.
    post_in: Literal["home", "introductions", "feedback", "wins", "ambassadors"] = "wins"
    # A member's message carrying one of these gets one private suggestion to submit it.
    hashtags: list[Annotated[str, BeforeValidator(_hashtag)]] = Field(
        default=["#showcase"], max_length=20
    )

    @field_validator("hashtags")
    @classmethod
    def _no_duplicates(cls, tags: list[str]) -> list[str]:
        seen: set[str] = set()
        for tag in tags:
            if tag.casefold() in seen:
                raise ValueError(f"{tag!r} is listed twice")
            seen.add(tag.casefold())
        return tags
