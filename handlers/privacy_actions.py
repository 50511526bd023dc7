"""The forget-me confirmation button: erase the member who clicked it, answer ephemerally.

The erasure is one store transaction (deletes and updates, no Slack or Sheets I/O); the Sheet
rows are blanked at the next tracker sync and the answer goes out through the worker.
"""

from __future__ import annotations

import uuid
from typing import Any

from slack_bolt import Ack, App

from handlers.payloads import text_at
from handlers.services import Services as Porch
from porch.core import effect_queue
from porch.core.domain_events import TEAM_ID, USER_ID
from porch.core.slack_ids import Action


def register(app: App, *, porch: Porch) -> None:
    @app.action(Action.FORGET_ME_CONFIRM)
    def forget_me_confirmed(ack: Ack, body: dict[str, Any]) -> None:
        team_id = text_at(body, "team", "id", pattern=TEAM_ID)
        user_id = text_at(body, "user", "id", pattern=USER_ID)
        response_url = text_at(body, "response_url", optional=True)
        click = text_at(body, "trigger_id", optional=True) or uuid.uuid4().hex
        ack()
        answer = porch.templates.render("privacy_forgotten.j2")

        def erase(conn: Any, now: Any) -> None:
            porch.features.privacy.forget(conn, team_id=team_id, user_id=user_id, now=now)
            if response_url:
                # Keyed by the click, not the member: nothing left names them.
                effect_queue.record(
                    conn,
                    team_id=team_id,
                    key=f"forgotten:{click}",
                    kind="respond",
                    payload={
                        "response_url": response_url,
                        "message": {
                            "replace_original": True,
                            "text": answer.text,
                            "blocks": answer.blocks,
                        },
                    },
                    now=now,
                )

        porch.transaction(erase)
