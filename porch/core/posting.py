"""Recording a message: render its template, then record it as a keyed `post` effect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.message_context import MessageContext
from porch.core.templating import Templates


def post(
    conn: Connection,
    *,
    config: Config,
    templates: Templates,
    team_id: str,
    key: str,
    template: str,
    to: dict[str, str],
    now: dt.datetime,
    member: Any = None,
    then: dict[str, Any] | None = None,
    **extra: Any,
) -> bool:
    """Render `template` and record it as a message effect; False if `key` was recorded."""
    context = MessageContext.load(conn, config=config, team_id=team_id).for_member(member)
    message = templates.render(template, **extra, **context)
    payload: dict[str, Any] = {**to, **message.payload()}
    if then:
        payload["then"] = then
    return effect_queue.record(
        conn, team_id=team_id, key=key, kind="post", payload=payload, now=now
    )
