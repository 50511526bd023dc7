"""`/porch my-data`, `/porch forget-me` and the forget-me confirmation button: any member, about
themselves only (so none of them is manager-only).

Forget-me erases nothing until the member presses the button. The erasure is one store
transaction (deletes and updates, no Slack or Sheets I/O); the Sheet rows are blanked at the next
tracker sync, and the answer goes out through the effect worker.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection

from porch.core import effect_queue
from porch.core.feature import PersonalData
from porch.core.interactions import ActionRequest, CommandRequest, Private
from porch.core.templating import Templates
from porch.features.privacy.rights import Privacy, label

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
        view = member_view(
            summary,
            declarations=self.privacy.declarations,
            community_tz=self.privacy.config.community.tz,
        )
        return Private(self.templates.render(MY_DATA, **view))

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


def member_view(
    summary: Mapping[str, Any],
    *,
    declarations: Sequence[PersonalData],
    community_tz: ZoneInfo,
) -> dict[str, Any]:
    """What my_data.j2 shows of `Privacy.my_data`'s summary, in a member's words: dates in
    their own timezone (the community's when Slack gave none), each kind of data by the name
    its declaration gives it. The summary itself (the export's JSON) is left as it is."""
    profile = dict(summary.get("profile") or {})
    tz = _zone(profile.get("tz")) or community_tz

    def day(name: str) -> str | None:
        value = profile.get(name)
        if not value:
            return None
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        local = moment.astimezone(tz)
        return f"{local.day} {local:%B %Y}"

    by_name = {d.worksheet or d.table: d for d in declarations}
    parts = []
    for part in summary.get("data") or ():
        if part["data"] == "members":
            continue  # the profile, shown above
        declared = by_name.get(part["data"])
        parts.append({**part, "label": label(declared) if declared else part["data"]})
    return {
        "profile": {
            "name": profile.get("real_name") or profile.get("display_name"),
            "handle": profile.get("display_name") if profile.get("real_name") else None,
            "timezone": getattr(tz, "key", str(tz)),
            "timezone_is_yours": _zone(profile.get("tz")) is not None,
            "imported": profile.get("joined_via") == "import",
            "joined": day("joined_at"),
            "welcomed": day("welcomed_at"),
            "introduced": day("introduced_at"),
            "first_post": day("first_post_at"),
            "last_active": day("last_active_at"),
            "opted_out": day("opted_out_at"),
        }
        if profile
        else None,
        "parts": parts,
    }


def _zone(name: object) -> ZoneInfo | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
