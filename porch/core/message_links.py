"""A member's message as the tracker and the managers' messages name it: its key, its link and
its author's name, all read from the store (no Web API call inside a request or a job).

Several features point at the same messages (a win, a feedback item, a ritual reply, a question
waiting for an answer), so they name and link them the same way.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from porch.core import member_records
from porch.core.store.schema import members


def item_key(channel_id: str, ts: str) -> str:
    """A message's identity in the tracker: stable across retries and edits."""
    return f"{channel_id}:{ts}"


def permalink(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> str:
    """Slack's permalink shape, built locally so no Web API call is needed inside a request."""
    base = member_records.workspace_url(conn, team_id=team_id)
    if not base:
        return ""
    return f"{base.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"


def member_name(conn: Connection, *, team_id: str, user_id: str) -> str:
    """The name a member shows in Slack (display name, else real name, else their ID)."""
    row = conn.execute(
        select(members.c.display_name, members.c.real_name).where(
            members.c.team_id == team_id, members.c.user_id == user_id
        )
    ).first()
    return (row.display_name or row.real_name or user_id) if row else user_id
