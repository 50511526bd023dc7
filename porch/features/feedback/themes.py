"""The period figure "feedback_themes": what members raised in a period, by tag and by area,
most raised first (the sprint's reports list the top themes)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Connection, select

from porch.features.feedback.store import NOT_FEEDBACK
from porch.features.feedback.tables import feedback_items


def feedback_themes(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> dict[str, Any]:
    """{"items": n, "tags": [(tag, n)], "areas": [(area, n)]} for feedback received in
    [since, until) (withdrawn and not-feedback items left out, as in the digest)."""
    items = feedback_items.c
    rows = conn.execute(
        select(items.tags, items.area, items.status).where(
            items.team_id == team_id, items.created_at >= since, items.created_at < until
        )
    ).all()
    kept = [row for row in rows if row.status not in NOT_FEEDBACK]
    tags = Counter(tag for row in kept for tag in (row.tags or ["untagged"]))
    areas = Counter(row.area for row in kept if row.area)

    def ranked(counts: Counter[str]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    return {"items": len(kept), "tags": ranked(tags), "areas": ranked(areas)}
