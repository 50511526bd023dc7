"""The names Slack echoes back to Porch: button action IDs, modal callback and input IDs, commands.

A template puts a button's action_id into a message and a handler listens for it; manifest.yml
declares the command. A typo on either side fails silently in Slack (the button shows an error
icon, nothing is recorded), so both sides use these constants: handlers as `Action.NAME`,
templates as `{{ ids.NAME }}` (a Jinja global, see porch/core/templating.py), and the tests
check that every rendered action_id has a listener and every listener a button.

The values are part of the wire format: messages already sent keep the old IDs, so renaming a
value strands the buttons in them. Rename the Python name freely, never the string.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Action(StrEnum):
    """action_id of every core button Porch sends (feature packages declare their own in
    their ids.py); each has a listener in handlers/."""


class Input(StrEnum):
    """block_id and action_id of modal inputs; the view listener reads the value under them."""


class View(StrEnum):
    """callback_id of every modal Porch opens; each has a view listener."""


class Command(StrEnum):
    """Slash commands; manifest.yml declares the same ones."""

    PORCH = "/porch"


# What templates see as `ids`: buttons and inputs by name (views and commands are not rendered).
TEMPLATE_IDS: Mapping[str, StrEnum] = MappingProxyType(
    {member.name: member for kind in (Action, Input) for member in kind}
)
