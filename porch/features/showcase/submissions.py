"""How member content comes in: the "Submit to showcase" message shortcut, `/porch share`, and
the one private suggestion a message carrying a showcase hashtag gets. Each opens the same
modal (title, link, description, consent); nothing is stored until the member ticks the consent
box and submits it. Validation answers under the inputs."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from porch.core import channel_directory
from porch.core.domain_events import CHANNEL_ID, SPOKEN, TS, USER_ID, MessagePosted
from porch.core.effect_queue import record
from porch.core.excerpts import decode
from porch.core.interactions import (
    ActionRequest,
    CommandRequest,
    Errors,
    MalformedPayload,
    Modal,
    Reply,
    ShortcutRequest,
    ViewSubmission,
    text_at,
)
from porch.features.showcase import entries
from porch.features.showcase.ids import Input, View

if TYPE_CHECKING:
    from porch.features.showcase.showcase import Showcase

logger = logging.getLogger(__name__)

MODAL_TITLE = "Submit to showcase"
WEB_LINK = re.compile(r"https?://[^\s<>|\"]+\.[^\s<>|\"]+", re.IGNORECASE)
LINK_IN_TEXT = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>|(https?://[^\s<>|]+)")
TITLE_CHARS, LINK_CHARS, DESCRIPTION_CHARS = 150, 500, 1500
NOT_YOURS = (
    "Only the person who wrote a message can submit it to the showcase: featuring someone's "
    "work needs their own yes. Let them know it's worth sharing!"
)
NOT_A_MEMBER = "Only members' messages can go to the showcase, not an app's or a bot's."
OFF = "The showcase is switched off in this community."


class Submissions:
    def __init__(self, showcase: Showcase) -> None:
        self.showcase = showcase
        self.config = showcase.config
        self.section = showcase.config.showcase
        self.templates = showcase.templates
        tags = "|".join(re.escape(tag) for tag in self.section.hashtags)
        self.hashtags = (
            re.compile(rf"(?<![\w#])(?:{tags})(?![\w-])", re.IGNORECASE) if tags else None
        )

    # ---- the modal -------------------------------------------------------------------------

    def modal(
        self, *, title: str = "", url: str = "", description: str = "", source: str = ""
    ) -> Modal:
        view = self.templates.render(
            "showcase/modal.j2",
            community_name=self.config.community.name,
            post_in=self.showcase.public_channel,
            title=title[:TITLE_CHARS],
            url=url[:LINK_CHARS],
            description=description[:DESCRIPTION_CHARS],
        )
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": MODAL_TITLE},
                "submit": {"type": "plain_text", "text": "Submit"},
                "close": {"type": "plain_text", "text": "Cancel"},
                "blocks": view.blocks,
            },
            callback_id=View.SUBMIT_SHOWCASE.value,
            private_metadata={"source": source},
        )

    def explain(self, problem: str) -> Modal:
        message = self.templates.render("showcase/explain.j2", problem=problem)
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": MODAL_TITLE},
                "close": {"type": "plain_text", "text": "OK"},
                "blocks": message.blocks,
            }
        )

    def from_message(self, text: str, source: str) -> Modal:
        """The modal prefilled from a member's own message: its first link and its words."""
        words = decode(text)
        found = LINK_IN_TEXT.search(text)
        url = (found.group(1) or found.group(2)) if found else ""
        return self.modal(url=decode(url), description=words.strip(), source=source)

    # ---- the ways in -----------------------------------------------------------------------

    def shortcut(self, request: ShortcutRequest) -> Reply:
        """ "Submit to showcase" on a message: the author's own message only."""
        if not self.section.enabled:
            return self.explain(OFF)
        channel_id = text_at(request.body, "channel", "id", pattern=CHANNEL_ID)
        message = request.message
        ts = text_at(message, "ts", pattern=TS)
        if message.get("bot_id") or not message.get("user") or message.get("subtype") not in SPOKEN:
            return self.explain(NOT_A_MEMBER)
        if text_at(message, "user", pattern=USER_ID) != request.user_id:
            return self.explain(NOT_YOURS)
        return self.from_message(text_at(message, "text", optional=True), f"{channel_id} {ts}")

    def command(self, request: CommandRequest) -> Reply:
        """`/porch share [link]`: the modal, the link filled in when given."""
        if not self.section.enabled:
            return self.explain(OFF)
        found = LINK_IN_TEXT.search(request.args)
        url = (found.group(1) or found.group(2)) if found else ""
        return self.modal(url=url)

    def suggested(self, request: ActionRequest) -> Reply:
        """The suggestion's button: the modal, naming the message it was about (Porch kept
        none of its words: nothing is collected before the member says yes)."""
        channel_id, _, ts = request.value.partition(" ")
        if not CHANNEL_ID.fullmatch(channel_id) or not TS.fullmatch(ts):
            raise MalformedPayload("value names no message")
        if not self.section.enabled:
            return self.explain(OFF)
        return self.modal(source=f"{channel_id} {ts}")

    # ---- the submission --------------------------------------------------------------------

    def submitted(self, request: ViewSubmission) -> Reply:
        title = " ".join(request.text(Input.SHOWCASE_TITLE).split())
        url = request.text(Input.SHOWCASE_LINK).strip()
        description = request.text(Input.SHOWCASE_DESCRIPTION).strip()
        problems: dict[str, str] = {}
        if not title:
            problems[Input.SHOWCASE_TITLE.value] = "Give it a title."
        if not url:
            problems[Input.SHOWCASE_LINK.value] = "Add a link to your work, starting with https://"
        elif not WEB_LINK.fullmatch(url) or len(url) > LINK_CHARS:
            problems[Input.SHOWCASE_LINK.value] = (
                "That isn't a web link: paste the address, starting with https://"
            )
        if not consented(request.view):
            problems[Input.SHOWCASE_CONSENT.value] = (
                "Tick the box to say yes: nothing is featured without your permission."
            )
        if problems:
            return Errors(problems)
        source = source_of(request.metadata())
        submission = text_at(request.view, "id", optional=True) or f"{title}|{url}"
        request.transaction(
            lambda conn, now: self.showcase.review.submit(
                conn,
                team_id=request.team_id,
                entry_id=entries.entry_id_for(request.user_id, submission),
                author_id=request.user_id,
                title=title[:TITLE_CHARS],
                url=url,
                description=description[:DESCRIPTION_CHARS],
                source=source,
                now=now,
            )
        )
        return None

    # ---- the hashtag suggestion ------------------------------------------------------------

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """A member's message carrying a showcase hashtag: one private suggestion to submit it
        (an ephemeral message keyed by the message, so a redelivery sends none)."""
        if self.hashtags is None or not self.section.enabled:
            return
        found = self.hashtags.search(event.text)
        if found is None:
            return
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id)
        if name == self.config.channels.showcase:
            return
        message = self.templates.render(
            "showcase/suggest.j2", hashtag=found.group(0), source=f"{event.channel_id} {event.ts}"
        )
        record(
            conn,
            team_id=team_id,
            key=f"showcase-suggest:{event.channel_id}:{event.ts}",
            kind="ephemeral",
            payload={"channel": event.channel_id, "user": event.user_id, **message.payload()},
            now=now,
        )


def consented(view: Mapping[str, Any]) -> bool:
    """Whether the consent box is ticked (its one option, "yes", among the selected ones)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    block = values.get(Input.SHOWCASE_CONSENT.value) if isinstance(values, Mapping) else None
    element = block.get(Input.SHOWCASE_CONSENT.value) if isinstance(block, Mapping) else None
    chosen = element.get("selected_options") if isinstance(element, Mapping) else None
    if not isinstance(chosen, list):
        return False
    return any(isinstance(o, Mapping) and o.get("value") == "yes" for o in chosen)


def source_of(metadata: Mapping[str, Any]) -> tuple[str, str] | None:
    """The message a submission came from, as the modal's metadata names it (the sender's to
    forge: only a reference, checked for shape; None when it names none)."""
    channel_id, _, ts = text_at(metadata, "source", optional=True).partition(" ")
    if CHANNEL_ID.fullmatch(channel_id) and TS.fullmatch(ts):
        return channel_id, ts
    return None
