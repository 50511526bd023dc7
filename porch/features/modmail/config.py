"""community.yml's `inbox` section (optional): how the replies inbox treats the managers'
answers."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints, field_validator

from porch.core.config import Strict


class InboxConfig(Strict):
    """The replies inbox: members' DMs to Porch go to the managers' channel, answers come back."""

    # A reply in a conversation's thread whose first line starts with this stays among the
    # managers (a note, not an answer).
    internal_prefix: Annotated[str, StringConstraints(min_length=1, max_length=10)] = "//"
    # Tell the member once per conversation that their message reached the team.
    acknowledge: bool = True

    @field_validator("internal_prefix")
    @classmethod
    def _no_blank_prefix(cls, value: str) -> str:
        if not value.strip() or value != value.strip():
            raise ValueError('must be visible characters without spaces around them, e.g. "//"')
        return value
