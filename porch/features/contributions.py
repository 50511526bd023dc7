"""Wins and feedback items: a member's post in the wins or feedback channel becomes one row in
the tracker, and reactions on it keep that row current (a win's reaction count, a feedback
item's tag).

Rows are keyed by the message (channel and ts), so Slack's retries, edits and redelivered
reactions land on the same row. The participation feature, which runs first, has already recorded
the reaction, so a win's count includes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from porch.core import channel_directory, tracker_queue
from porch.core.config import Config
from porch.core.domain_events import MessagePosted, ReactionChanged
from porch.core.feature import Feature
from porch.core.store.schema import activity as activity_rows
from porch.core.store.schema import members, workspaces
from porch.features.participation import REACTION_PREFIX, reaction_kind

NEW = "New"
TAGGED = "Tagged"
# The item's ID, when it was posted, who posted it and its text, per worksheet.
WIN_COLUMNS = ("Win ID", "Posted", "Member", "Win")
FEEDBACK_COLUMNS = ("Feedback ID", "Received", "From", "Feedback")


def item_key(channel_id: str, ts: str) -> str:
    """A message's identity in the tracker: stable across retries and edits."""
    return f"{channel_id}:{ts}"


def permalink(conn: Connection, *, team_id: str, channel_id: str, ts: str) -> str:
    """Slack's permalink shape, built locally so no Web API call is needed inside a request."""
    base = conn.execute(select(workspaces.c.url).where(workspaces.c.team_id == team_id)).scalar()
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


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


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
        sheet, (id_column, when_column, who_column, text_column) = "Wins", WIN_COLUMNS
    elif channel_name == config.channels.feedback:
        sheet, (id_column, when_column, who_column, text_column) = "Feedback", FEEDBACK_COLUMNS
    else:
        return None
    key = item_key(channel_id, ts)
    values: dict[str, object] = {
        id_column: key,
        when_column: _stamp(now),
        who_column: member_name(conn, team_id=team_id, user_id=user_id),
        text_column: text,
        "Channel": f"#{channel_name}",
        "Link": permalink(conn, team_id=team_id, channel_id=channel_id, ts=ts),
    }
    if sheet == "Wins":
        values["Reactions"] = reaction_count(conn, team_id=team_id, channel_id=channel_id, ts=ts)
    elif tracker_queue.get_row(conn, team_id=team_id, sheet=sheet, key=key) is None:
        values |= {"Tag": "", "Status": NEW, "Acknowledged": ""}
    tracker_queue.put_row(conn, team_id=team_id, sheet=sheet, key=key, values=values, now=now)
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
    if tracker_queue.get_row(conn, team_id=team_id, sheet="Wins", key=key) is not None:
        count = reaction_count(conn, team_id=team_id, channel_id=channel_id, ts=ts)
        tracker_queue.put_row(
            conn, team_id=team_id, sheet="Wins", key=key, values={"Reactions": count}, now=now
        )
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
    values: dict[str, str] = {"Tag": tag}
    if tag and feedback.get("Status") == NEW:
        values["Status"] = TAGGED
    elif not tag and feedback.get("Status") == TAGGED:
        values["Status"] = NEW
    tracker_queue.put_row(conn, team_id=team_id, sheet="Feedback", key=key, values=values, now=now)


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
