"""Builds Porch's Bolt app. Kept thin: settings in, listeners registered, nothing else."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from porch import handlers
from porch.handlers.services import Services


def build_app(*, porch: Services, client: WebClient, authorize: Any = None) -> App:
    """The Bolt app for one workspace token, or (`authorize`, many workspaces) for each
    installed workspace's token, read from the installation store per request.

    process_before_response: a listener only writes to the local store (milliseconds), and
    answering Slack after that commit means an event is never acknowledged and then lost;
    Slack I/O happens later in the effect worker.

    raise_error_for_unhandled_request: a request no listener takes goes to the error handler
    (handlers/payloads.py), which answers it with one log line instead of Bolt's 404 and its
    multi-line hint.

    request_verification_enabled is off because every HTTP request has passed the same check
    (slack_sdk's SignatureVerifier, the same signing secret) at the edge before Bolt sees it
    (porch/runtime/edge.py); Socket Mode has no signatures to check.
    """
    app = App(
        client=client,
        authorize=authorize,
        logger=_bolt_logger(),
        signing_secret=porch.settings.slack_signing_secret,
        process_before_response=True,
        request_verification_enabled=False,
        raise_error_for_unhandled_request=True,
    )
    handlers.register_all(app, porch=porch)
    return app


class _ClientIsIntended(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and, finding a `client` too, warns that the token is
    unused on every start. Porch passes its client on purpose (one per workspace, its own retry
    policy), so that line says nothing to an operator and is dropped; all else passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    """A logger for this app alone (not registered globally), logging under `slack_bolt`."""
    logger = logging.Logger("slack_bolt.App")
    logger.parent = logging.getLogger("slack_bolt")
    logger.addFilter(_ClientIsIntended())
    return logger
