"""Participation: every message, reply, reaction and channel join recorded once, for the metrics.

Runs first in the registry, so features that count activity (a win's reactions, the channels a
newcomer has joined) see this event's row. Only who did what where and when is kept here; no
message text.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete

from porch.core import activity_log, channel_directory
from porch.core.activity_log import reaction_kind
from porch.core.config import Config
from porch.core.domain_events import ChannelJoined, MessagePosted, ReactionChanged
from porch.core.feature import Feature, PersonalData
from porch.core.questions import QUESTION, is_question
from porch.core.store.schema import activity


def feature(*, config: Config) -> Feature:
    def on_message_posted(
        conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        activity_log.record(
            conn,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            kind=message_kind(conn, config=config, team_id=team_id, event=event),
            user_id=event.user_id,
            thread_ts=event.thread_ts,
            at=now,
        )

    return Feature(
        name="participation",
        handles={
            MessagePosted: on_message_posted,
            ReactionChanged: on_reaction_changed,
            ChannelJoined: on_channel_joined,
        },
        personal_data=(
            PersonalData(
                table="activity",
                label="Your activity",
                user_columns=("user_id",),
                purpose="Who posted, replied, reacted or joined where and when (never the "
                "text), for the community's weekly health figures.",
            ),
        ),
    )


def message_kind(conn: Connection, *, config: Config, team_id: str, event: MessagePosted) -> str:
    """ "reply" in a thread; a top-level post is a QUESTION or a plain "message"."""
    if event.thread_ts:
        return "reply"
    channel_name = channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id)
    if is_question(config=config, channel_name=channel_name, text=event.text):
        return QUESTION
    return "message"


def on_reaction_changed(
    conn: Connection, team_id: str, event: ReactionChanged, now: dt.datetime
) -> None:
    kind = reaction_kind(event.name)
    if event.added:
        activity_log.record(
            conn,
            team_id=team_id,
            channel_id=event.channel_id,
            ts=event.ts,
            kind=kind,
            user_id=event.user_id,
            at=now,
        )
        return
    conn.execute(
        delete(activity).where(
            activity.c.team_id == team_id,
            activity.c.channel_id == event.channel_id,
            activity.c.message_ts == event.ts,
            activity.c.kind == kind,
            activity.c.user_id == event.user_id,
        )
    )


def on_channel_joined(
    conn: Connection, team_id: str, event: ChannelJoined, now: dt.datetime
) -> None:
    """Joins are counted only for the channels Porch knows (those named in community.yml)."""
    if channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id) is None:
        return
    activity_log.record(
        conn,
        team_id=team_id,
        channel_id=event.channel_id,
        ts="joined",
        kind="join",
        user_id=event.user_id,
        at=now,
    )
