"""Events API deliveries: validated into a domain event, stored in the inbox, acknowledged.

Nothing else runs before the ack: the features act on stored events in the inbox processor.
A delivery Porch cannot use (a bot's message, an edit) is acknowledged and dropped; one that
lacks a field Porch needs is logged once and acknowledged too, since Slack would otherwise
retry it for hours.

`app_rate_limited` is not an `event_callback`, so no Bolt event listener matches it; a global
middleware (which runs after Bolt's signature check) stores it and answers 200 itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from porch.core.domain_events import (
    EVENT_ID,
    SLACK_EVENT_TYPES,
    TEAM_ID,
    InvalidEvent,
    app_rate_limited,
    from_slack,
)
from porch.handlers.services import Services as Porch

logger = logging.getLogger(__name__)


def storer(porch: Porch) -> Callable[[dict[str, Any]], None]:
    """What is done with an Events API delivery: validated into a domain event and stored.

    Bolt's event listeners call it (Socket Mode, and any delivery the edge hands to Bolt), and
    so does the HTTP edge directly for a signed `event_callback` (porch/runtime/edge.py), which
    spares every acknowledgement Bolt's listener matching.
    """

    def store(body: dict[str, Any]) -> None:
        team_id, event_id = body.get("team_id"), body.get("event_id")
        try:
            if not isinstance(team_id, str) or not TEAM_ID.fullmatch(team_id):
                raise InvalidEvent("team_id must be a Slack team ID")
            if not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id):
                raise InvalidEvent("event_id must be a Slack event ID")
            event = from_slack(body.get("event"))
        except InvalidEvent as problem:
            porch.failures.refused(
                logger,
                "ignored a malformed event %r: %s",
                event_id,
                problem,
                where="ignored malformed events",
                reason=str(problem),
            )
            return
        if event is not None:
            porch.accept(team_id=team_id, event_id=event_id, event=event)

    return store


def register(app: App, *, porch: Porch) -> None:
    store = storer(porch)
    for event_type in SLACK_EVENT_TYPES:
        app.event(event_type)(store)

    def rate_limited(body: Any, next_: Any) -> BoltResponse | None:
        if not isinstance(body, dict) or body.get("type") != "app_rate_limited":
            return next_()
        team_id = body.get("team_id")
        try:
            if not isinstance(team_id, str) or not TEAM_ID.fullmatch(team_id):
                raise InvalidEvent("team_id must be a Slack team ID")
            event = app_rate_limited(body)
        except InvalidEvent as problem:
            logger.warning("ignored a malformed app_rate_limited notice: %s", problem)
            return BoltResponse(status=200, body="")
        logger.warning(
            "Slack is rate-limiting this app's events for workspace %s (more than 30,000 an "
            "hour): events are dropped for the rest of the minute",
            team_id,
        )
        porch.accept(team_id=team_id, event_id=event.event_id, event=event)
        return BoltResponse(status=200, body="")

    app.use(rate_limited)
