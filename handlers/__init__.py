"""The Slack adapter: Bolt listeners, one module per Slack surface, each with one
`register(app, *, porch)`. Events API deliveries are only stored (events.py); buttons (actions.py),
modals (views.py), message shortcuts (shortcuts.py) and commands (commands.py), which Slack needs
answered in the request, are routed to the functions features declare (porch.core.interactions),
with the manager-only rule applied in one place (access.py)."""

from __future__ import annotations

from slack_bolt import App

from porch.handlers import (
    actions,
    commands,
    events,
    payloads,
    shortcuts,
    views,
)
from porch.handlers.services import Services

MODULES = (
    events,
    actions,
    views,
    shortcuts,
    commands,
    payloads,
)


def register_all(app: App, *, porch: Services) -> None:
    for module in MODULES:
        module.register(app, porch=porch)
