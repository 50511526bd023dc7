"""Links to a message in Slack, built locally so no Web API call is needed inside a request."""

from __future__ import annotations

from sqlalchemy import Connection

from porch.core import member_records


def permalink(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> str:
    """Slack's permalink shape (`<workspace>/archives/<channel>/p<ts without the dot>`), or ""
    before Porch has learnt the workspace's URL."""
    base = member_records.workspace_url(conn, team_id=team_id)
    if not base:
        return ""
    return f"{base.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"
