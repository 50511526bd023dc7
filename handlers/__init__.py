"""Bolt listeners. Each module has one `register(app, *, porch)`. Events API deliveries are only
stored (events.py); buttons, modals and commands, which Slack needs answered in the request,
call the features directly and stay as thin."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    actions,
    commands,
    events,
    feedback_actions,
    feedback_commands,
    modmail_actions,
    nps_actions,
    payloads,
    privacy_actions,
    spotlight_actions,
)
from porch.runtime.context import Porch

MODULES = (
    events,
    actions,
    commands,
    spotlight_actions,
    feedback_actions,
    feedback_commands,
    nps_actions,
    privacy_actions,
    modmail_actions,
    payloads,
)


def register_all(app: App, *, porch: Porch) -> None:
    for module in MODULES:
        module.register(app, porch=porch)
