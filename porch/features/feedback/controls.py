"""What Slack needs answered in the request: the "Tag as feedback" message shortcut and its
modal, the status menu on the managers' triage card (managers only), `/feedback <text>` and
`/porch feedback digest [YYYY-MM]` (managers only). Each is a plain function over a typed
request (porch.core.interactions); the Slack adapter (handlers/) calls it and checks the
manager-only ones first."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from porch.core.domain_events import CHANNEL_ID, SPOKEN, TS, USER_ID
from porch.core.interactions import (
    ActionRequest,
    CommandRequest,
    Errors,
    Interaction,
    MalformedPayload,
    Modal,
    Private,
    Reply,
    ShortcutRequest,
    Verb,
    ViewSubmission,
    text_at,
)
from porch.core.markdown_report import render_blocks
from porch.core.templating import Message, Templates
from porch.features.feedback.digest import month_bounds, previous_month
from porch.features.feedback.ids import Action, Command, Input, Shortcut, View
from porch.features.feedback.store import excerpt_of

if TYPE_CHECKING:
    from porch.features.feedback.tagging import Feedback

logger = logging.getLogger(__name__)

ITEM_ID_CHARS = 80
MONTH = re.compile(r"\d{4}-\d{2}")
MODAL_TITLE = "Tag as feedback"
NOT_A_MEMBER = "Only members' messages can be tagged as feedback, not an app's or a bot's."
MANAGERS_TAG = "Here the community team tags feedback. React or reply and they'll see it."


class Controls:
    def __init__(self, *, feedback: Feedback, templates: Templates) -> None:
        self.feedback = feedback
        self.config = feedback.config
        self.templates = templates

    def interactions(self) -> list[Interaction]:
        return [
            Interaction(kind="shortcut", id=Shortcut.TAG_FEEDBACK, handle=self.tag_as_feedback),
            Interaction(kind="view", id=View.TAG_FEEDBACK, handle=self.tagged),
            Interaction(
                kind="action",
                id=Action.FEEDBACK_STATUS,
                handle=self.status_chosen,
                managers_only=True,
            ),
            Interaction(kind="command", id=Command.FEEDBACK, handle=self.submitted),
        ]

    def verbs(self) -> list[Verb]:
        # /porch help lists it (templates/command_help.j2).
        return [Verb(name="feedback", handle=self.digest, managers_only=True)]

    # ---- the shortcut and its modal --------------------------------------------------------

    def tag_as_feedback(self, request: ShortcutRequest) -> Reply:
        channel_id = text_at(request.body, "channel", "id", pattern=CHANNEL_ID)
        message = request.message
        ts = text_at(message, "ts", pattern=TS)
        problem = None
        if message.get("bot_id") or not message.get("user") or message.get("subtype") not in SPOKEN:
            logger.info("Tag as feedback on %s:%s ignored: not a member's message", channel_id, ts)
            problem = NOT_A_MEMBER
        elif not self.feedback.may_tag(request.user_id):
            logger.info("Tag as feedback by %s ignored: tag_by managers", request.user_id)
            problem = MANAGERS_TAG
        if problem:
            return self.explain(problem)
        author = text_at(message, "user", pattern=USER_ID)
        excerpt = excerpt_of(text_at(message, "text", optional=True))
        view = self.templates.render(
            "feedback/modal.j2",
            excerpt=excerpt,
            tags=[(tag, tag) for tag in self.feedback.tag_names],
            areas=[(area, area) for area in self.config.feedback.areas],
        )
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": MODAL_TITLE},
                "submit": {"type": "plain_text", "text": "Tag"},
                "close": {"type": "plain_text", "text": "Cancel"},
                "blocks": view.blocks,
            },
            callback_id=View.TAG_FEEDBACK.value,
            # Only what names the message: its author and words are read back from Slack
            # when the modal is submitted (the metadata is the sender's to forge).
            private_metadata={"channel": channel_id, "ts": ts, "author": author},
        )

    def explain(self, problem: str) -> Modal:
        """Why the shortcut does nothing here, in a modal (a shortcut cannot answer in a
        message)."""
        message = self.templates.render("feedback/empty.j2", problem=problem)
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": MODAL_TITLE},
                "close": {"type": "plain_text", "text": "OK"},
                "blocks": message.blocks,
            }
        )

    def tagged(self, request: ViewSubmission) -> Reply:
        """The modal submitted. Its private_metadata is the sender's to forge, so nothing is
        tagged here: the worker reads the message from Slack first (Feedback.on_checked), and
        the item's author and text are Slack's, never the metadata's."""
        metadata = request.metadata()
        channel_id = text_at(metadata, "channel", pattern=CHANNEL_ID)
        ts = text_at(metadata, "ts", pattern=TS)
        author = text_at(metadata, "author", pattern=USER_ID)
        tag = request.selected(Input.FEEDBACK_TAG)
        summary = request.text(Input.FEEDBACK_SUMMARY)
        area = request.selected(Input.FEEDBACK_AREA)
        if tag not in self.feedback.tag_names:
            return Errors({Input.FEEDBACK_TAG.value: "Pick a tag."})
        if area and area not in self.config.feedback.areas:
            return Errors({Input.FEEDBACK_AREA.value: "Pick an area."})
        if not self.feedback.may_tag(request.user_id):
            return Errors({Input.FEEDBACK_TAG.value: "Only community managers tag feedback here."})
        request.transaction(
            lambda conn, now: self.feedback.check_then_tag(
                conn,
                team_id=request.team_id,
                channel_id=channel_id,
                ts=ts,
                claimed_author=author,
                tag=tag,
                summary=summary.strip(),
                area=area,
                submission=f"{request.user_id}:{text_at(request.view, 'id', optional=True)}",
                now=now,
            )
        )
        return None

    # ---- triage ----------------------------------------------------------------------------

    def status_chosen(self, request: ActionRequest) -> Reply:
        choice = text_at(request.action, "selected_option", "value")
        status, _, item_id = choice.partition(" ")
        if not status or not item_id or len(item_id) > ITEM_ID_CHARS:
            raise MalformedPayload("selected_option.value names no feedback item")
        changed = request.transaction(
            lambda conn, now: self.feedback.protocol.set_status(
                conn,
                team_id=request.team_id,
                item_id=item_id,
                status=status,
                manager_id=request.user_id,
                now=now,
            )
        )
        if not changed:
            logger.warning("feedback status %r on %r: no such item or status", status, item_id)
        return None

    # ---- commands --------------------------------------------------------------------------

    def submitted(self, request: CommandRequest) -> Reply:
        """`/feedback <text>`: an item of its own, acknowledged in the command's answer."""
        text = request.args
        if not text:
            return self._private(
                "feedback/empty.j2",
                problem="Add your feedback after the command, e.g. `/feedback the search "
                "misses old threads`.",
            )
        request.transaction(
            lambda conn, now: self.feedback.submit(
                conn,
                team_id=request.team_id,
                user_id=request.user_id,
                text=text,
                invocation=request.trigger_id,
                now=now,
            )
        )
        return self._private(
            "feedback/submitted.j2", response_hours=self.config.feedback.response_hours
        )

    def digest(self, request: CommandRequest) -> Reply:
        """/porch feedback digest [YYYY-MM]: last month's (or that month's) digest, just for
        the manager who asked."""
        words = request.args.split()
        if not words or words[0].lower() != "digest" or len(words) > 2:
            return self._private("command_help.j2")
        tz = self.config.community.tz

        def build(conn: Any, now: Any) -> tuple[str, str | None]:
            month = words[1] if len(words) == 2 else previous_month(now, tz)
            try:
                if not MONTH.fullmatch(month):
                    raise ValueError(month)
                month_bounds(month, tz)
            except ValueError:
                return month, None
            return month, self.feedback.digests.build(conn, team_id=request.team_id, month=month)

        month, source = request.transaction(build)
        if source is None:
            return self._private(
                "feedback/empty.j2", problem=f"`{month}` is not a month: use YYYY-MM."
            )
        return Private(Message(text=f"Feedback digest for {month}", blocks=render_blocks(source)))

    def _private(self, template: str, **context: Any) -> Private:
        return Private(self.templates.render(template, **context))
