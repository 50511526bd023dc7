"""Bolt listeners. Each module has one `register(app, *, porch)`; handlers acknowledge, translate
the Slack payload and call domain code in porch/, which records what should happen."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, home, members, messages
from porch.runtime.context import Porch

MODULES = (members, messages, home, actions, commands)


def register_all(app: App, *, porch: Porch) -> None:
    for module in MODULES:
        module.register(app, porch=porch)
