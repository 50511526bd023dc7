"""Feedback listeners that Slack needs answered in the request: the "Tag as feedback" message
shortcut and its modal, and the status menu on the managers' triage card."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.access import is_manager
from handlers.payloads import TRIGGER_ID, MalformedPayload, json_object, text_at
from handlers.services import Services as Porch
from porch.core import effect_queue
from porch.core.domain_events import CHANNEL_ID, SPOKEN, TEAM_ID, TS, USER_ID
from porch.core.slack_ids import Action, Input, Shortcut, View
from porch.features.feedback_store import excerpt_of

logger = logging.getLogger(__name__)
ITEM_ID_CHARS = 80


def register(app: App, *, porch: Porch) -> None:
    def refuse(body: dict[str, Any], *, team_id: str, user_id: str) -> None:
        """The refusal goes to the click's response_url, which only the person who clicked
        sees; the worker delivers it, once per click (keyed by the click's trigger)."""
        response_url = text_at(body, "response_url", optional=True)
        if not response_url:
            return
        trigger = text_at(body, "trigger_id", pattern=TRIGGER_ID)
        denied = porch.templates.render("feedback_denied.j2")
        porch.transaction(
            lambda conn, now: effect_queue.record(
                conn,
                team_id=team_id,
                key=f"feedback-denied:{user_id}:{trigger}",
                kind="respond",
                payload={
                    "response_url": response_url,
                    "message": {
                        "text": denied.text,
                        "blocks": denied.blocks,
                        "response_type": "ephemeral",
                        "replace_original": False,
                    },
                },
                now=now,
            )
        )

    feedback = porch.features.feedback

    def who(body: dict[str, Any]) -> tuple[str, str]:
        return (
            text_at(body, "team", "id", pattern=TEAM_ID),
            text_at(body, "user", "id", pattern=USER_ID),
        )

    @app.shortcut(Shortcut.TAG_FEEDBACK)
    def tag_as_feedback(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        _, user_id = who(body)
        channel_id = text_at(body, "channel", "id", pattern=CHANNEL_ID)
        message = body.get("message")
        if not isinstance(message, dict):
            raise MalformedPayload("message must be an object")
        ts = text_at(message, "ts", pattern=TS)
        trigger_id = text_at(body, "trigger_id", pattern=TRIGGER_ID)
        ack()
        problem = None
        if message.get("bot_id") or not message.get("user") or message.get("subtype") not in SPOKEN:
            logger.info("Tag as feedback on %s:%s ignored: not a member's message", channel_id, ts)
            problem = "Only members' messages can be tagged as feedback, not an app's or a bot's."
        elif not feedback.may_tag(user_id):
            logger.info("Tag as feedback by %s ignored: tag_by managers", user_id)
            problem = "Here the community team tags feedback. React or reply and they'll see it."
        if problem:
            explain(client, trigger_id=trigger_id, problem=problem)
            return
        author = text_at(message, "user", pattern=USER_ID)
        excerpt = excerpt_of(text_at(message, "text", optional=True))
        view = porch.templates.render(
            "feedback_modal.j2",
            excerpt=excerpt,
            tags=[(tag, tag) for tag in feedback.tag_names],
            areas=[(area, area) for area in porch.config.feedback.areas],
        )
        metadata = {"channel": channel_id, "ts": ts, "author": author, "text": excerpt}
        # views.open must happen within the trigger's 3 seconds: the one Web API call here.
        try:
            client.views_open(
                trigger_id=trigger_id,
                view={
                    "type": "modal",
                    "callback_id": View.TAG_FEEDBACK.value,
                    "title": {"type": "plain_text", "text": "Tag as feedback"},
                    "submit": {"type": "plain_text", "text": "Tag"},
                    "close": {"type": "plain_text", "text": "Cancel"},
                    "blocks": view.blocks,
                    "private_metadata": json.dumps(metadata),
                },
            )
        except SlackApiError as exc:
            logger.warning("could not open the feedback modal: %s", exc.response.get("error"))

    def explain(client: WebClient, *, trigger_id: str, problem: str) -> None:
        """Why the shortcut does nothing here, in a modal (a shortcut cannot answer in a
        message)."""
        message = porch.templates.render("feedback_empty.j2", problem=problem)
        try:
            client.views_open(
                trigger_id=trigger_id,
                view={
                    "type": "modal",
                    "title": {"type": "plain_text", "text": "Tag as feedback"},
                    "close": {"type": "plain_text", "text": "OK"},
                    "blocks": message.blocks,
                },
            )
        except SlackApiError as exc:
            logger.warning("could not open the feedback modal: %s", exc.response.get("error"))

    @app.view(View.TAG_FEEDBACK)
    def tagged(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team_id, user_id = who(body)
        metadata = json_object(text_at(view, "private_metadata"), field="private_metadata")
        channel_id = text_at(metadata, "channel", pattern=CHANNEL_ID)
        ts = text_at(metadata, "ts", pattern=TS)
        author = text_at(metadata, "author", pattern=USER_ID)
        text = text_at(metadata, "text", optional=True)
        values = ("state", "values")
        tag = text_at(
            view,
            *values,
            Input.FEEDBACK_TAG,
            Input.FEEDBACK_TAG,
            "selected_option",
            "value",
            optional=True,
        )
        summary = text_at(
            view, *values, Input.FEEDBACK_SUMMARY, Input.FEEDBACK_SUMMARY, "value", optional=True
        )
        area = text_at(
            view,
            *values,
            Input.FEEDBACK_AREA,
            Input.FEEDBACK_AREA,
            "selected_option",
            "value",
            optional=True,
        )
        if tag not in feedback.tag_names:
            ack(response_action="errors", errors={Input.FEEDBACK_TAG.value: "Pick a tag."})
            return
        if area and area not in porch.config.feedback.areas:
            ack(response_action="errors", errors={Input.FEEDBACK_AREA.value: "Pick an area."})
            return
        if not feedback.may_tag(user_id):
            ack(
                response_action="errors",
                errors={Input.FEEDBACK_TAG.value: "Only community managers tag feedback here."},
            )
            return
        ack()
        porch.transaction(
            lambda conn, now: feedback.tag(
                conn,
                team_id=team_id,
                channel_id=channel_id,
                ts=ts,
                author_id=author,
                tag=tag,
                text=text,
                summary=summary.strip(),
                area=area,
                now=now,
            )
        )

    @app.action(Action.FEEDBACK_STATUS)
    def status_chosen(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        team_id, user_id = who(body)
        choice = text_at(action, "selected_option", "value")
        status, _, item_id = choice.partition(" ")
        if not status or not item_id or len(item_id) > ITEM_ID_CHARS:
            raise MalformedPayload("selected_option.value names no feedback item")
        ack()
        if not is_manager(client=client, config=porch.config, user_id=user_id):
            logger.info(
                "feedback status %s on %s refused: %s is not a manager", status, item_id, user_id
            )
            refuse(body, team_id=team_id, user_id=user_id)
            return
        changed = porch.transaction(
            lambda conn, now: feedback.protocol.set_status(
                conn,
                team_id=team_id,
                item_id=item_id,
                status=status,
                manager_id=user_id,
                now=now,
            )
        )
        if not changed:
            logger.warning("feedback status %r on %r: no such item or status", status, item_id)
