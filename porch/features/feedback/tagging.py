"""Feedback: any member message becomes a tracked feedback item, and the loop gets closed.

A message becomes an item three ways: a tag reaction (config `feedback.tags`) on it in any
channel Porch is in, the "Tag as feedback" message shortcut, or `/feedback <text>`. A top-level
post in the feedback channel is an item from the start, untagged until someone tags it.

The protocol, once an item is first tagged: one public acknowledgement in the message's thread,
optionally one DM to the author asking for details (their reply lands in Porch's DM inbox), and
a card in the managers' channel whose status menu closes the item. A closing status posts one
follow-up in the original thread (or, for /feedback, a DM), mentioning the author. Every step
is a keyed effect (see porch/core/effect_queue.py), so a retry never posts twice.

A reaction event does not carry the message's text, and Porch does not keep the text of every
message it sees: when a message outside the feedback channel is tagged by reaction, a "fetch"
effect reads that one message (conversations.history, latest=ts inclusive, limit 1) in the
worker, never in a request, and the protocol starts once it is back. A message that turns out
to be a bot's or deleted is withdrawn with a log line, never acknowledged.

The "Tag as feedback" modal's private_metadata names the message and its author, and is the
sender's to forge: its submission is kept as a pending "fetch" effect, and the message is tagged
only once Slack's copy is back and its author is the one the modal named; the item's author
and text are Slack's. A message that is gone, a bot's, or by someone else is dropped with one
log line, and nothing is posted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from sqlalchemy import Connection, func, select

from porch.core import channel_directory, effect_queue
from porch.core.activity_log import reaction_kind
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.domain_events import MessagePosted, ReactionChanged
from porch.core.feature import Delivery, Feature, Job, PersonalData
from porch.core.store.schema import activity as activity_rows
from porch.core.templating import Templates
from porch.features.feedback import digest
from porch.features.feedback import store as items
from porch.features.feedback.controls import Controls
from porch.features.feedback.demo import SCENES
from porch.features.feedback.previews import samples
from porch.features.feedback.protocol import Protocol
from porch.features.feedback.store import IGNORED, NEW, OPEN, THANKED, UNTRIAGED, WITHDRAWN
from porch.features.feedback.themes import feedback_themes

logger = logging.getLogger(__name__)


class Feedback:
    """The feature object: events, the tagging rules, and (controls.py) what Slack asks."""

    def __init__(self, *, config: Config, templates: Templates, app_home: AppHome) -> None:
        self.config = config
        self.templates = templates
        self.protocol = Protocol(config=config, templates=templates, app_home=app_home)
        self.digests = digest.MonthlyDigest(config=config, templates=templates)

    def feature(self) -> Feature:
        controls = Controls(feedback=self, templates=self.templates)
        return Feature(
            name="feedback",
            handles={
                MessagePosted: self.on_message_posted,
                ReactionChanged: self.on_reaction_changed,
            },
            jobs=(Job(name="feedback-digest", every=dt.timedelta(hours=1), run=self.digests.tick),),
            home_section=self.protocol.home_section,
            worksheets=("Feedback",),
            effect_callbacks={
                "feedback_fetched": self.on_fetched,
                "feedback_checked": self.on_checked,
                "feedback_acknowledged": self.protocol.on_acknowledged,
            },
            personal_data=(
                PersonalData(
                    table="feedback_items",
                    label="Your feedback",
                    user_columns=("author_id",),
                    purpose="Feedback you gave, so the team can answer it and tell you what "
                    "came of it.",
                    text_columns=("excerpt", "summary"),
                    timestamp_column="created_at",
                    retention="feedback_excerpt",
                ),
                PersonalData(
                    table="tracker_rows",
                    worksheet="Feedback",
                    user_columns=("From",),
                    purpose="Feedback you gave, as the community managers see it in the tracker.",
                    text_columns=("Feedback",),
                    timestamp_column="Received",
                    retention="feedback_excerpt",
                ),
            ),
            interactions=controls.interactions(),
            verbs=controls.verbs(),
            previews=lambda: samples(config=self.config),
            demo_scenes=SCENES,
            site_context=self.site_context,
            # What members raised in a period, by tag and area (the sprint's reports).
            period_figures={"feedback_themes": feedback_themes},
        )

    def site_context(self) -> dict[str, Any]:
        """The feedback page lists each tag emoji with its tag."""
        section = self.config.feedback
        return {
            "feedback": {
                **section.model_dump(mode="json"),
                "tag_list": [{"emoji": emoji, "tag": tag} for emoji, tag in section.tags.items()],
            }
        }

    # ---- tags ------------------------------------------------------------------------------

    @property
    def tag_names(self) -> list[str]:
        return list(dict.fromkeys(self.config.feedback.tags.values()))

    def may_tag(self, user_id: str) -> bool:
        """`feedback.tag_by: managers` is checked against `managers.users`: a managers user
        group would need a Web API call, which event processing never makes."""
        return self.config.feedback.tag_by == "anyone" or user_id in self.config.managers.users

    def tag(
        self,
        conn: Connection,
        *,
        team_id: str,
        channel_id: str,
        ts: str,
        author_id: str | None,
        tag: str,
        now: dt.datetime,
        text: str | None = None,
        summary: str = "",
        area: str = "",
    ) -> str:
        """Tag a message as feedback (a reaction or the shortcut); the item's id."""
        item_id = items.item_id_for(channel_id, ts)
        items.create(
            conn,
            team_id=team_id,
            item_id=item_id,
            channel_id=channel_id,
            ts=ts,
            author_id=author_id,
            text=text or "",
            status=OPEN,
            now=now,
        )
        item = items.get(conn, team_id=team_id, item_id=item_id)
        assert item is not None
        if item.status == IGNORED:
            logger.info("feedback item %s: not a member's message, tag ignored", item_id)
            return item_id
        values: dict[str, Any] = {"votes": self._votes(conn, team_id=team_id, item_id=item_id)}
        tags = item.tags if tag in item.tags else [*item.tags, tag]
        if tag not in item.tags:
            values["tags"] = tags
        if summary:
            values["summary"] = items.excerpt_of(summary)
        if area:
            values["area"] = area
        if text and not item.excerpt:
            values["excerpt"] = items.excerpt_of(text)
        if author_id and not item.author_id:
            values["author_id"] = author_id
        if item.status in UNTRIAGED:
            values.update(
                items.untriaged(item, tags=tags, praise=self.config.feedback.praise_tags, now=now)
            )
        items.change(conn, team_id=team_id, item_id=item_id, now=now, **values)
        if values.keys() & {"tags", "summary", "area"}:
            self.protocol.refresh_card(conn, team_id=team_id, item_id=item_id, now=now)
        known = text is not None or item.excerpt or values.get("excerpt")
        if known:
            self.protocol.start(conn, team_id=team_id, item_id=item_id, now=now)
        else:
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"feedback-fetch:{item_id}",
                kind="fetch",
                payload={
                    "channel": channel_id,
                    "ts": ts,
                    "then": {"op": "feedback_fetched", "item_id": item_id},
                },
                now=now,
            )
        items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)
        return item_id

    def check_then_tag(
        self,
        conn: Connection,
        *,
        team_id: str,
        channel_id: str,
        ts: str,
        claimed_author: str,
        tag: str,
        summary: str,
        area: str,
        submission: str,
        now: dt.datetime,
    ) -> None:
        """The shortcut's modal was submitted: read the message from Slack first (in the
        worker), then tag it (on_checked). Keyed by the submission, so a redelivered one is
        read and tagged once."""
        item_id = items.item_id_for(channel_id, ts)
        then = {
            "op": "feedback_checked",
            "channel": channel_id,
            "ts": ts,
            "author": claimed_author,
            "tag": tag,
            "summary": summary,
            "area": area,
        }
        fingerprint = json.dumps([submission, then], sort_keys=True).encode()
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"feedback-check:{item_id}:{hashlib.sha256(fingerprint).hexdigest()[:16]}",
            kind="fetch",
            payload={"channel": channel_id, "ts": ts, "then": then},
            now=now,
        )

    def on_checked(self, delivery: Delivery) -> None:
        """The message a "Tag as feedback" modal named is back from Slack: tag it with Slack's
        author and text, or drop the submission when it is not what the modal said."""
        then, error = delivery.then, delivery.error
        where = f"{then['channel']}:{then['ts']}"
        message = (delivery.result or {}).get("message")
        reason = None
        if error or not message:
            reason = f"the message is gone or unreadable ({error or 'not found'})"
        elif message.get("bot") or not message.get("user"):
            reason = "it is not a member's message"
        elif message["user"] != then["author"]:
            reason = f"it names {then['author']} as the author, Slack says {message['user']}"
        if reason:
            logger.warning("Tag as feedback on %s dropped: %s", where, reason)
            return
        self.tag(
            delivery.conn,
            team_id=delivery.team_id,
            channel_id=then["channel"],
            ts=then["ts"],
            author_id=message["user"],
            tag=then["tag"],
            text=message.get("text") or "",
            summary=then["summary"],
            area=then["area"],
            now=delivery.now,
        )

    def submit(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        text: str,
        invocation: str,
        now: dt.datetime,
    ) -> str:
        """`/feedback <text>`: an item of its own, keyed by the command's trigger so a retried
        request is the same item."""
        item_id = f"cmd:{invocation}"[:80]
        if items.create(
            conn,
            team_id=team_id,
            item_id=item_id,
            channel_id=None,
            ts=None,
            author_id=user_id,
            text=text,
            status=OPEN,
            now=now,
        ):
            self.protocol.start(conn, team_id=team_id, item_id=item_id, now=now)
            items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)
        return item_id

    def on_fetched(self, delivery: Delivery) -> None:
        """The tagged message is back from Slack: fill in the item, or withdraw it."""
        conn, team_id, then = delivery.conn, delivery.team_id, delivery.then
        result, error, now = delivery.result, delivery.error, delivery.now
        item_id = then["item_id"]
        message = (result or {}).get("message")
        reason = None
        if error or not message:
            reason = f"the message is gone or unreadable ({error or 'deleted'})"
        elif message.get("bot") or not message.get("user"):
            reason = "it is a bot's message"
        if reason:
            logger.info("feedback item %s ignored: %s", item_id, reason)
            items.change(conn, team_id=team_id, item_id=item_id, now=now, status=IGNORED)
            items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)
            return
        items.change(
            conn,
            team_id=team_id,
            item_id=item_id,
            now=now,
            author_id=message["user"],
            excerpt=items.excerpt_of(message.get("text") or ""),
        )
        item = items.get(conn, team_id=team_id, item_id=item_id)
        if item is not None and item.status in (OPEN, THANKED):
            self.protocol.start(conn, team_id=team_id, item_id=item_id, now=now)
        items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)

    # ---- events ----------------------------------------------------------------------------

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A top-level post in the feedback channel is an item, untagged until tagged; a reply
        in an item's thread may acknowledge it."""
        if event.is_reply:
            item_id = items.item_id_for(event.channel_id, event.thread_ts or "")
            self.protocol.replied(
                conn, team_id=team_id, item_id=item_id, user_id=event.user_id, now=now
            )
            return
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id)
        if name != self.config.channels.feedback:
            return
        item_id = items.item_id_for(event.channel_id, event.ts)
        if not items.create(
            conn,
            team_id=team_id,
            item_id=item_id,
            channel_id=event.channel_id,
            ts=event.ts,
            author_id=event.user_id,
            text=event.text,
            status=NEW,
            now=now,
        ):
            # An edit or a redelivery: the text may have changed, nothing else.
            items.change(
                conn,
                team_id=team_id,
                item_id=item_id,
                now=now,
                excerpt=items.excerpt_of(event.text),
            )
        items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)

    def on_reaction_changed(
        self, conn: Connection, team_id: str, event: ReactionChanged, now: dt.datetime
    ) -> None:
        kind = reaction_kind(event.name)
        item_id = items.item_id_for(event.channel_id, event.ts)
        if kind == reaction_kind(self.config.feedback.vote_emoji):
            self._count_votes(conn, team_id=team_id, item_id=item_id, now=now)
            return
        tags = {reaction_kind(emoji): tag for emoji, tag in self.config.feedback.tags.items()}
        tag = tags.get(kind)
        if tag is None:
            return
        if not self.may_tag(event.user_id):
            logger.info("feedback tag by %s ignored: tag_by is managers", event.user_id)
            return
        if event.added:
            self.tag(
                conn,
                team_id=team_id,
                channel_id=event.channel_id,
                ts=event.ts,
                author_id=event.item_user,
                tag=tag,
                now=now,
            )
            return
        self._untag(conn, team_id=team_id, event=event, item_id=item_id, tag=tag, now=now)

    def _untag(
        self,
        conn: Connection,
        *,
        team_id: str,
        event: ReactionChanged,
        item_id: str,
        tag: str,
        now: dt.datetime,
    ) -> None:
        """A tag reaction taken back before triage withdraws that tag, unless another reaction
        still carries it; an item left with no tag is withdrawn, never deleted."""
        item = items.get(conn, team_id=team_id, item_id=item_id)
        if item is None or item.status not in UNTRIAGED or tag not in item.tags:
            return
        kinds = [reaction_kind(e) for e, t in self.config.feedback.tags.items() if t == tag]
        still = conn.execute(
            select(func.count()).where(
                activity_rows.c.team_id == team_id,
                activity_rows.c.channel_id == event.channel_id,
                activity_rows.c.message_ts == event.ts,
                activity_rows.c.kind.in_(kinds),
            )
        ).scalar_one()
        if still:
            return
        remaining = [t for t in item.tags if t != tag]
        values = (
            items.untriaged(item, tags=remaining, praise=self.config.feedback.praise_tags, now=now)
            if remaining
            else {"status": WITHDRAWN, "closed_at": None}
        )
        items.change(conn, team_id=team_id, item_id=item_id, now=now, tags=remaining, **values)
        self.protocol.refresh_card(conn, team_id=team_id, item_id=item_id, now=now)
        items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)

    def _count_votes(
        self, conn: Connection, *, team_id: str, item_id: str, now: dt.datetime
    ) -> None:
        if items.get(conn, team_id=team_id, item_id=item_id) is None:
            return
        votes = self._votes(conn, team_id=team_id, item_id=item_id)
        items.change(conn, team_id=team_id, item_id=item_id, now=now, votes=votes)
        items.queue_row(conn, team_id=team_id, item_id=item_id, now=now)

    def _votes(self, conn: Connection, *, team_id: str, item_id: str) -> int:
        """Vote reactions on the item's message now (participation keeps one row per reaction
        and deletes it when the reaction is taken back)."""
        channel_id, _, ts = item_id.partition(":")
        return conn.execute(
            select(func.count()).where(
                activity_rows.c.team_id == team_id,
                activity_rows.c.channel_id == channel_id,
                activity_rows.c.message_ts == ts,
                activity_rows.c.kind == reaction_kind(self.config.feedback.vote_emoji),
            )
        ).scalar_one()
