"""Reading buttons, modals and commands without trusting their shape, and Bolt's error handler.

A signed request is Slack's, but its fields can still be missing or of a type Porch does not
expect (a forged payload signed with a leaked secret, a changed Slack shape, Socket Mode, where
the HTTP edge's checks do not run). Listeners read fields through `text_at`, so such a payload
is a MalformedPayload: a warning line and a 400, not a KeyError, a traceback and a 500. Bolt
sends every error here. With the database unreachable, every request fails alike: each is
answered 503 at once (Slack redelivers Events API deliveries), and the log gets the first
traceback, then a count a minute (porch.core.failure_log), not a traceback per request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError

from porch.core.failure_log import HANDLING_REQUESTS
from porch.core.interactions import TRIGGER_ID, MalformedPayload, json_object, text_at
from porch.core.store import unreachable
from porch.handlers.services import Services

__all__ = ["TRIGGER_ID", "MalformedPayload", "json_object", "register", "text_at"]

logger = logging.getLogger(__name__)

# Deliveries to the Events API request URL: Slack redelivers them (and counts the failures
# against the app) unless they get a 200, so one no listener takes is acknowledged.
EVENTS_API_TYPES = ("event_callback", "app_rate_limited")


def describe(body: Any) -> str:
    """What kind of request this was, for the one log line."""
    if not isinstance(body, Mapping):
        return "request"
    kind = body.get("type") or ("command" if "command" in body else "request")
    detail = body.get("command")
    if isinstance(body.get("actions"), list) and body["actions"]:
        first = body["actions"][0]
        detail = first.get("action_id") if isinstance(first, Mapping) else None
    elif isinstance(body.get("view"), Mapping):
        detail = body["view"].get("callback_id")
    elif isinstance(body.get("event"), Mapping):
        detail = body["event"].get("type")
    return f"{kind} {detail!r}" if detail is not None else str(kind)


def register(app: App, *, porch: Services) -> None:
    """Bolt's error handler: a client's mistake is one line and a 4xx (or the 200 an Events API
    delivery needs so that Slack stops redelivering it); anything else is Porch's failure and
    keeps its traceback and the 500."""

    def on_error(error: Exception, body: Any) -> BoltResponse:
        what = describe(body)
        failures = porch.failures
        if isinstance(error, BoltUnhandledRequestError):
            if isinstance(body, Mapping) and body.get("type") in EVENTS_API_TYPES:
                failures.refused(
                    logger,
                    "ignored an event no listener takes: %s",
                    what,
                    where="ignored events",
                    reason=what,
                )
                return BoltResponse(status=200, body="")
            failures.refused(
                logger,
                "refused a request no listener takes: %s",
                what,
                where="refused requests",
                reason=what,
            )
            return BoltResponse(status=400, body="unhandled request")
        if isinstance(error, MalformedPayload):
            failures.refused(
                logger,
                "refused a malformed %s: %s",
                what,
                error,
                where="refused requests",
                reason=f"malformed {what}",
            )
            return BoltResponse(status=400, body="malformed payload")
        status = 503 if unreachable(error) else 500
        failures.failed(
            logger, where=HANDLING_REQUESTS, error=error, then=f"answered {status} to {what}"
        )
        return BoltResponse(status=status, body="")

    app.error(on_error)
