"""The monthly feedback digest for the product team: themes, top requests, closed items and
how fast the team answered, written once in Markdown and shown in Slack or saved as HTML.

Which items count: those received in the month (community timezone) that are feedback (tagged,
or submitted with /feedback), not withdrawn. Requests are those items that are not praise alone
(`feedback.praise_tags`): only they are ranked by votes (and only with a vote), closed and
acknowledged; praise is counted apart, as thanked. Closed requests are those closed in the
month, whenever they were received. Acknowledged means a person acted: replied in the item's
thread or set its status (Porch's own reply never counts), so a month nobody answered reads
"none yet", not a time.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, or_, select

from porch.core import effect_queue
from porch.core.config import Config
from porch.core.markdown_report import escape_inline, render_blocks, render_html
from porch.core.templating import Templates
from porch.features.feedback.store import NOT_FEEDBACK, is_praise
from porch.features.feedback.tables import feedback_items

logger = logging.getLogger(__name__)


def month_bounds(month: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The month "YYYY-MM" as [start, end) in UTC; ValueError when it is not one."""
    start = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=tz)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def previous_month(now: dt.datetime, tz: ZoneInfo) -> str:
    first = now.astimezone(tz).replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


@dataclass(frozen=True)
class Figures:
    month: str
    received: int
    by_tag: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    # (excerpt or summary, votes, tags)
    top_requests: list[tuple[str, int, str]]
    closed: int
    median_hours_to_close: float | None
    median_minutes_to_acknowledge: float | None
    # Requests received in the month, and how many of them a person acknowledged.
    requests: int
    acknowledged: int
    # Praise alone received in the month (thanked, never triaged).
    thanked: int


def figures(
    conn: Connection, *, team_id: str, month: str, tz: ZoneInfo, praise: list[str]
) -> Figures:
    start, end = month_bounds(month, tz)
    rows = conn.execute(
        select(feedback_items).where(
            feedback_items.c.team_id == team_id,
            or_(
                and_(feedback_items.c.created_at >= start, feedback_items.c.created_at < end),
                and_(feedback_items.c.closed_at >= start, feedback_items.c.closed_at < end),
            ),
        )
    ).all()
    received = [r for r in rows if start <= r.created_at < end and r.status not in NOT_FEEDBACK]
    by_tag = Counter(tag for r in received for tag in (r.tags or ["untagged"]))
    by_area = Counter(r.area for r in received if r.area)
    requests = [r for r in received if not is_praise(list(r.tags or []), praise)]
    voted = [r for r in requests if r.votes > 0]
    top = sorted(voted, key=lambda r: (-r.votes, r.created_at, r.item_id))[:3]
    closed = [
        r
        for r in rows
        if r.closed_at is not None
        and start <= r.closed_at < end
        and r.status not in NOT_FEEDBACK
        and not is_praise(list(r.tags or []), praise)
    ]
    to_close = [(r.closed_at - r.created_at).total_seconds() / 3600 for r in closed]
    to_ack = [
        (r.acknowledged_at - r.created_at).total_seconds() / 60
        for r in requests
        if r.acknowledged_at is not None
    ]
    return Figures(
        month=month,
        received=len(received),
        by_tag=sorted(by_tag.items(), key=lambda kv: (-kv[1], kv[0])),
        by_area=sorted(by_area.items(), key=lambda kv: (-kv[1], kv[0])),
        top_requests=[
            (r.summary or r.excerpt or "(no text)", r.votes, ", ".join(r.tags)) for r in top
        ],
        closed=len(closed),
        median_hours_to_close=statistics.median(to_close) if to_close else None,
        median_minutes_to_acknowledge=statistics.median(to_ack) if to_ack else None,
        requests=len(requests),
        acknowledged=len(to_ack),
        thanked=len(received) - len(requests),
    )


def markdown(data: Figures, *, community: str) -> str:
    lines = [f"# Feedback digest: {data.month}", ""]
    lines.append(f"**{data.received}** feedback items received in {escape_inline(community)}.")
    lines += ["", "## Themes", ""]
    if data.by_tag:
        lines += ["| Tag | Items |", "| --- | --- |"]
        lines += [f"| {escape_inline(tag)} | {count} |" for tag, count in data.by_tag]
    else:
        lines.append("No feedback this month.")
    if data.by_area:
        lines += ["", "| Area | Items |", "| --- | --- |"]
        lines += [f"| {escape_inline(area)} | {count} |" for area, count in data.by_area]
    lines += ["", "## Most-voted requests", ""]
    if data.top_requests:
        for text, votes, tags in data.top_requests:
            label = f" ({escape_inline(tags)})" if tags else ""
            lines.append(f"- **{votes} votes**{label}: {escape_inline(text)}")
    else:
        lines.append("None yet.")
    lines += ["", "## Closing the loop", ""]
    close = (
        f"{data.median_hours_to_close:.1f} hours"
        if data.median_hours_to_close is not None
        else "none yet"
    )
    ack = (
        _minutes(data.median_minutes_to_acknowledge)
        if data.median_minutes_to_acknowledge is not None
        else "none yet"
    )
    lines.append(f"- Requests closed: **{data.closed}** (median time to close: {close})")
    lines.append(
        f"- Acknowledged by a person: **{data.acknowledged} of {data.requests}** requests "
        f"(median time: {ack})"
    )
    lines.append(f"- Praise thanked: **{data.thanked}**")
    return "\n".join(lines) + "\n"


def _minutes(minutes: float) -> str:
    """Minutes up to two hours; hours past that, as "1335.0 minutes" is hard to read."""
    return f"{minutes:.1f} minutes" if minutes <= 120 else f"{minutes / 60:.1f} hours"


def report_path(config: Config, month: str) -> Path:
    """Where the HTML digest is saved: beside the local tracker, under reports/."""
    return Path(config.tracker.local_dir) / "reports" / f"feedback-{month}.html"


def save_html(source: str, *, path: Path, month: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(source, title=f"Feedback digest {month}"), encoding="utf-8")
    return path


class MonthlyDigest:
    """The job: early in each month, last month's digest to the managers' channel, once."""

    def __init__(self, *, config: Config, templates: Templates) -> None:
        self.config = config
        self.templates = templates

    def build(self, conn: Connection, *, team_id: str, month: str) -> str:
        data = figures(
            conn,
            team_id=team_id,
            month=month,
            tz=self.config.community.tz,
            praise=self.config.feedback.praise_tags,
        )
        return markdown(data, community=self.config.community.name)

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        tz = self.config.community.tz
        # The first three days of the month, so a few days' downtime still sends it.
        if now.astimezone(tz).day > 3:
            return {"digests": 0}
        month = previous_month(now, tz)
        with engine.begin() as conn:
            data = figures(
                conn, team_id=team_id, month=month, tz=tz, praise=self.config.feedback.praise_tags
            )
            if not data.received and not data.closed:
                return {"digests": 0}  # a month without feedback gets no digest
            source = markdown(data, community=self.config.community.name)
            recorded = effect_queue.record(
                conn,
                team_id=team_id,
                key=f"feedback-digest:{month}",
                kind="post",
                payload={
                    "channel_name": self.config.channels.moderators,
                    "text": f"Feedback digest for {month}",
                    "blocks": render_blocks(source),
                },
                now=now,
            )
        if recorded:
            path = save_html(source, path=report_path(self.config, month), month=month)
            logger.info("feedback digest for %s saved to %s", month, path)
        return {"digests": int(recorded)}
