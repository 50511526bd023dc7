"""Wins: a member's post in the wins channel becomes one row in the tracker, and reactions on
it keep that row's reaction count current.

Rows are keyed by the message (channel and ts, porch.core.message_links), so Slack's retries,
edits and redelivered reactions land on the same row. The participation feature, which runs
first, has already recorded the reaction, so a win's count includes it. WinRow stays in
porch.core.worksheets: the rituals' recap also writes Wins rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import Connection

from porch.core import channel_directory, tracker_queue
from porch.core.activity_log import reaction_count
from porch.core.config import Config
from porch.core.domain_events import MessagePosted, ReactionChanged
from porch.core.feature import Feature, PersonalData
from porch.core.message_links import item_key, member_name, permalink
from porch.core.worksheets import WinRow


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
    """Queue a Wins row for a top-level post there; the sheet's name, or None.

    Replies in a thread are conversation about the win, not new wins.
    """
    if thread_ts not in (None, ts):
        return None
    # Checked first, so a message anywhere else costs no queries.
    if channel_name != config.channels.wins:
        return None
    sheet = "Wins"
    key = item_key(channel_id, ts)
    row = WinRow(
        win_id=key,
        posted=now,
        member=member_name(conn, team_id=team_id, user_id=user_id),
        win=text,
        channel=f"#{channel_name}",
        link=permalink(conn, team_id=team_id, channel_id=channel_id, ts=ts),
        reactions=reaction_count(conn, team_id=team_id, channel_id=channel_id, ts=ts),
    )
    tracker_queue.put(conn, team_id=team_id, row=row, now=now)
    return sheet


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
    """A reaction added or removed on a win: its count again."""
    key = item_key(channel_id, ts)
    win = tracker_queue.get_row(conn, team_id=team_id, sheet="Wins", key=key)
    if win is not None:
        count = reaction_count(conn, team_id=team_id, channel_id=channel_id, ts=ts)
        row = replace(WinRow.from_cells(win), reactions=count)
        tracker_queue.put(conn, team_id=team_id, row=row, now=now)


class Contributions:
    """The feature: wins rows from posts and reactions."""

    def __init__(self, *, config: Config) -> None:
        self.config = config

    def feature(self) -> Feature:
        return Feature(
            name="contributions",
            handles={
                MessagePosted: self.on_message_posted,
                ReactionChanged: self.on_reaction_changed,
            },
            worksheets=("Wins",),
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
