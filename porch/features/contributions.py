"""Wins and feedback items: a member's post in the wins or feedback channel becomes one row in
the tracker, and reactions on it keep that row current (a win's reaction count, a feedback
item's tag).

Rows are keyed by the message (channel and ts), so Slack's retries, edits and redelivered
reactions land on the same row. The participation feature, which runs first, has already recorded
the reaction, so a win's count includes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import Connection, func, select

from porch.core import channel_directory, member_records, tracker_queue
from porch.core.config import Config
from porch.core.domain_events import MessagePosted, ReactionChanged
from porch.core.feature import Feature, PersonalData
from porch.core.store.schema import activity as activity_rows
from porch.core.store.schema import members
from porch.core.worksheets import FeedbackRow, WinRow
from porch.features.participation import REACTION_PREFIX, reaction_kind

NEW = "New"
TAGGED = "Tagged"


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
    row = conn.execute(
        select(members.c.display_name, members.c.real_name).where(
            members.c.team_id == team_id, members.c.user_id == user_id
        )
    ).first()
    return (row.display_name or row.real_name or user_id) if row else user_id


def message_posted(
    conn: Connection,
    *,
    config: Config,
    team_id: str,
    user_id: str,
    channel_id: str,
    channel_name: str | None,
    ts: str,
    text: str,
    thread_ts: str | None,
    now: dt.datetime,
) -> str | None:
    """Queue a Wins or Feedback row for a top-level post there; the sheet's name, or None.

    Replies in a thread are conversation about the item, not new items.
    """
    if thread_ts not in (None, ts):
        return None
    # Checked first, so a message anywhere else costs no queries.
    if channel_name == config.channels.wins:
        sheet = "Wins"
    elif channel_name == config.channels.feedback:
        sheet = "Feedback"
    else:
        return None
    key = item_key(channel_id, ts)
    who = member_name(conn, team_id=team_id, user_id=user_id)
    link = permalink(conn, team_id=team_id, channel_id=channel_id, ts=ts)
    row: WinRow | FeedbackRow
    if sheet == "Wins":
        row = WinRow(
            win_id=key,
            posted=now,
            member=who,
            win=text,
            channel=f"#{channel_name}",
            link=link,
            reactions=reaction_count(conn, team_id=team_id, channel_id=channel_id, ts=ts),
        )
    else:
        # An edited item keeps the tag, status and acknowledgement it has in the tracker.
        queued = tracker_queue.get_row(conn, team_id=team_id, sheet=sheet, key=key)
        before = FeedbackRow.from_cells(queued) if queued is not None else None
        row = FeedbackRow(
            feedback_id=key,
            received=now,
            sender=who,
            tag=before.tag if before else "",
            feedback=text,
            channel=f"#{channel_name}",
            link=link,
            status=before.status if before else NEW,
            acknowledged=before.acknowledged if before else None,
        )
    tracker_queue.put(conn, team_id=team_id, row=row, now=now)
    return sheet


def reaction_count(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> int:
    return conn.execute(
        select(func.count()).where(
            activity_rows.c.team_id == team_id,
            activity_rows.c.channel_id == channel_id,
            activity_rows.c.message_ts == ts,
            activity_rows.c.kind.startswith(REACTION_PREFIX),
        )
    ).scalar_one()


def reaction_changed(
    conn: Connection,
    *,
    config: Config,
    team_id: str,
    user_id: str,
    channel_id: str,
    ts: str,
    name: str,
    added: bool,
    now: dt.datetime,
) -> None:
    """A reaction added or removed anywhere: engagement, and an update to a win or feedback."""
    kind = reaction_kind(name)
    key = item_key(channel_id, ts)
    win = tracker_queue.get_row(conn, team_id=team_id, sheet="Wins", key=key)
    if win is not None:
        count = reaction_count(conn, team_id=team_id, channel_id=channel_id, ts=ts)
        row = replace(WinRow.from_cells(win), reactions=count)
        tracker_queue.put(conn, team_id=team_id, row=row, now=now)
        return
    feedback = tracker_queue.get_row(conn, team_id=team_id, sheet="Feedback", key=key)
    tags_by_kind = {reaction_kind(emoji): tag for emoji, tag in config.feedback.tags.items()}
    if feedback is None or kind not in tags_by_kind:
        return
    # The item keeps its tag while that reaction stays; when it goes, the earliest tag reaction
    # still on the message takes over rather than leaving the item untagged.
    remaining = conn.execute(
        select(activity_rows.c.kind)
        .where(
            activity_rows.c.team_id == team_id,
            activity_rows.c.channel_id == channel_id,
            activity_rows.c.message_ts == ts,
            activity_rows.c.kind.in_(tags_by_kind),
        )
        .order_by(activity_rows.c.at)
    ).scalars()
    still_tagged = [tags_by_kind[k] for k in remaining]
    current = feedback.get("Tag") or ""
    tag = current if current in still_tagged else next(iter(still_tagged), "")
    if tag == current:
        return
    item = FeedbackRow.from_cells(feedback)
    status = item.status
    if tag and status == NEW:
        status = TAGGED
    elif not tag and status == TAGGED:
        status = NEW
    tracker_queue.put(conn, team_id=team_id, row=replace(item, tag=tag, status=status), now=now)


class Contributions:
    """The feature: wins and feedback rows from posts and reactions."""

    def __init__(self, *, config: Config) -> None:
        self.config = config

    def feature(self) -> Feature:
        return Feature(
            name="contributions",
            handles={
                MessagePosted: self.on_message_posted,
                ReactionChanged: self.on_reaction_changed,
            },
            worksheets=("Wins", "Feedback"),
            personal_data=(
                PersonalData(
                    table="tracker_rows",
                    worksheet="Wins",
                    user_columns=("Member",),
                    purpose="Wins you shared in the wins channel, to celebrate them.",
                    text_columns=("Win",),
                    timestamp_column="Posted",
                    retention="wins",
                ),
                PersonalData(
                    table="tracker_rows",
                    worksheet="Feedback",
                    user_columns=("From",),
                    purpose="Feedback you posted, so the team can act on it and tell you.",
                    text_columns=("Feedback",),
                    timestamp_column="Received",
                    retention="feedback_excerpt",
                ),
            ),
        )

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        if event.is_reply:
            return
        message_posted(
            conn,
            config=self.config,
            team_id=team_id,
            user_id=event.user_id,
            channel_id=event.channel_id,
            channel_name=channel_directory.name_of(
                conn, team_id=team_id, channel_id=event.channel_id
            ),
            ts=event.ts,
            text=event.text,
            thread_ts=event.thread_ts,
            now=now,
        )

    def on_reaction_changed(
        self, conn: Connection, team_id: str, event: ReactionChanged, now: dt.datetime
    ) -> None:
        reaction_changed(
            conn,
            config=self.config,
            team_id=team_id,
            user_id=event.user_id,
            channel_id=event.channel_id,
            ts=event.ts,
            name=event.name,
            added=event.added,
            now=now,
        )
