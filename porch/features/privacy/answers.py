"""`/porch my-data`, `/porch forget-me` and the forget-me confirmation button: any member, about
themselves only (so none of them is manager-only).

Forget-me erases nothing until the member presses the button. The erasure is one store
transaction (deletes and updates, no Slack or Sheets I/O); the Sheet rows are blanked at the next
tracker sync, and the answer goes out through the effect worker.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection

from porch.core import effect_queue
from porch.core.interactions import ActionRequest, CommandRequest, Private
from porch.core.templating import Templates
from porch.features.privacy.rights import Privacy

MY_DATA = "privacy/my_data.j2"
FORGET_CONFIRM = "privacy/forget_confirm.j2"
FORGOTTEN = "privacy/forgotten.j2"


@dataclass(frozen=True, kw_only=True)
class Answers:
    privacy: Privacy
    templates: Templates

    def my_data(self, request: CommandRequest) -> Private:
        summary = request.read(
            lambda conn: self.privacy.my_data(
                conn, team_id=request.team_id, user_id=request.user_id
            )
        )
        return Private(self.templates.render(MY_DATA, summary=summary))

    def forget_me(self, request: CommandRequest) -> Private:
        """Nothing is erased yet: the member confirms with the button (`confirmed`)."""
        return Private(self.templates.render(FORGET_CONFIRM))

    def confirmed(self, request: ActionRequest) -> None:
        """Erase the member who pressed the button, and replace the question with the answer.

        The answer is recorded here rather than returned as a `Private` reply: that one would be
        keyed by the member's ID, and after the erasure nothing may name them. Keyed by the
        click instead, a retried click is still answered once.
        """
        answer = self.templates.render(FORGOTTEN)
        response_url = request.response_url
        click = request.trigger_id or uuid.uuid4().hex

        def erase(conn: Connection, now: dt.datetime) -> None:
            self.privacy.forget(conn, team_id=request.team_id, user_id=request.user_id, now=now)
            if response_url:
                effect_queue.record(
                    conn,
                    team_id=request.team_id,
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

        request.transaction(erase)
