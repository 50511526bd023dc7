"""The review queue: each submission is a card in the review channel (`channels.showcase`)
whose Approve / Request changes / Reject buttons only managers may press (declared). The
reviewer is recorded; the author hears each decision once. Approved work is posted once, with
credit, in the showcase's public channel; the author may withdraw it, which replaces that post
and takes it off the site at the next build.

Every message is a keyed effect: `showcase-card:<entry>` (the card), `showcase-post:<entry>`
(the public post), `showcase-told:<entry>:<decision>` (the author's DM), so a second delivery,
a double click or a worker that crashed mid-way still sends each once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from porch.core import effect_queue, member_records
from porch.core.excerpts import excerpt
from porch.core.interactions import ActionRequest, Private, Reply
from porch.core.message_context import MessageContext
from porch.core.message_links import member_name
from porch.core.posting import post
from porch.core.templating import Mrkdwn, escape, mention
from porch.features.showcase import entries
from porch.features.showcase.entries import APPROVED, CHANGES, OPEN, REJECTED, WITHDRAWN, Entry

if TYPE_CHECKING:
    from porch.features.showcase.showcase import Showcase

DESCRIPTION_IN_SLACK = 600
DECISIONS = {"approve": APPROVED, "changes": CHANGES, "reject": REJECTED}


class Review:
    def __init__(self, showcase: Showcase) -> None:
        self.showcase = showcase
        self.config = showcase.config
        self.templates = showcase.templates

    def submit(
        self,
        conn: Connection,
        *,
        team_id: str,
        entry_id: str,
        author_id: str,
        title: str,
        url: str,
        description: str,
        source: tuple[str, str] | None,
        now: dt.datetime,
    ) -> None:
        """A consented submission: stored once, shown to the managers, confirmed to the
        author."""
        entries.create(
            conn,
            team_id=team_id,
            entry_id=entry_id,
            author_id=author_id,
            title=title,
            url=url,
            description=description,
            source=source,
            now=now,
        )
        entry = entries.get(conn, team_id=team_id, entry_id=entry_id)
        assert entry is not None
        self._post(
            conn,
            entry,
            key=f"showcase-card:{entry_id}",
            template="showcase/card.j2",
            to={"channel_name": self.config.channels.showcase},
            now=now,
        )
        self._post(
            conn,
            entry,
            key=f"showcase-received:{entry_id}",
            template="showcase/received.j2",
            to={"channel": author_id},
            now=now,
        )
        entries.queue_row(conn, team_id=team_id, entry_id=entry_id, now=now)
        self.showcase.app_home.publish(conn, team_id=team_id, user_id=author_id, now=now)

    # ---- the managers' buttons -------------------------------------------------------------

    def approve(self, request: ActionRequest) -> Reply:
        return self._decide(request, "approve")

    def request_changes(self, request: ActionRequest) -> Reply:
        return self._decide(request, "changes")

    def reject(self, request: ActionRequest) -> Reply:
        return self._decide(request, "reject")

    def _decide(self, request: ActionRequest, decision: str) -> Reply:
        entry_id = request.value
        answer = request.transaction(
            lambda conn, now: self.decide(
                conn,
                team_id=request.team_id,
                entry_id=entry_id,
                decision=decision,
                manager_id=request.user_id,
                now=now,
            )
        )
        return self._answer(answer) if answer else None

    def decide(
        self,
        conn: Connection,
        *,
        team_id: str,
        entry_id: str,
        decision: str,
        manager_id: str,
        now: dt.datetime,
    ) -> str | None:
        """A manager's decision; None when it was made, else why not (for the manager)."""
        status = DECISIONS[decision]
        entry = entries.get(conn, team_id=team_id, entry_id=entry_id)
        if entry is None:
            return (
                "That submission is no longer in Porch (its author may have asked to be forgotten)."
            )
        if entry.status == status:
            return None  # a double click, or Slack's retry: already done
        if entry.status == WITHDRAWN:
            return (
                f"{mention(entry.author_id)} withdrew “{escape(entry.title)}”, so it can't be "
                f"{'approved' if status == APPROVED else 'reviewed'}. Nothing was published."
            )
        if entry.status not in OPEN:
            who = f" by {mention(entry.reviewer_id)}" if entry.reviewer_id else ""
            return f"“{escape(entry.title)}” was already {entry.label.lower()}{who}."
        if status == APPROVED and self._left(conn, team_id=team_id, user_id=entry.author_id):
            return (
                f"{mention(entry.author_id)} has left the workspace, so "
                f"“{escape(entry.title)}” can't be featured with their permission any more. "
                "Reject it to close it."
            )
        values: dict[str, Any] = {"status": status, "reviewer_id": manager_id, "reviewed_at": now}
        if status == APPROVED:
            values["published_at"] = now
        entries.change(conn, team_id=team_id, entry_id=entry_id, now=now, **values)
        entry = entries.get(conn, team_id=team_id, entry_id=entry_id)
        assert entry is not None
        self._update(
            conn, entry, of=f"showcase-card:{entry_id}", template="showcase/card.j2", now=now
        )
        if status == APPROVED:
            self._post(
                conn,
                entry,
                key=f"showcase-post:{entry_id}",
                template="showcase/featured.j2",
                to={"channel_name": self.showcase.public_channel},
                now=now,
            )
        self._post(
            conn,
            entry,
            key=f"showcase-told:{entry_id}:{status}",
            template="showcase/told.j2",
            to={"channel": entry.author_id},
            now=now,
        )
        entries.queue_row(conn, team_id=team_id, entry_id=entry_id, now=now)
        self.showcase.app_home.publish(conn, team_id=team_id, user_id=entry.author_id, now=now)
        return None

    @staticmethod
    def _left(conn: Connection, *, team_id: str, user_id: str) -> bool:
        member = member_records.get(conn, team_id=team_id, user_id=user_id)
        return member is not None and bool(member.is_deleted)

    # ---- the author's Withdraw -------------------------------------------------------------

    def withdraw(self, request: ActionRequest) -> Reply:
        answer = request.transaction(
            lambda conn, now: self.withdrawn(
                conn,
                team_id=request.team_id,
                entry_id=request.value,
                user_id=request.user_id,
                now=now,
            )
        )
        return self._answer(answer)

    def withdrawn(
        self, conn: Connection, *, team_id: str, entry_id: str, user_id: str, now: dt.datetime
    ) -> str:
        """The author takes their entry back: the public post and the card are replaced, and
        the site drops it at its next build. What to tell them."""
        entry = entries.get(conn, team_id=team_id, entry_id=entry_id)
        if entry is None or entry.author_id != user_id:
            return "Only the person who submitted it can withdraw a showcase entry."
        if entry.status == WITHDRAWN:
            return f"“{escape(entry.title)}” is already withdrawn."
        entries.change(
            conn, team_id=team_id, entry_id=entry_id, now=now, status=WITHDRAWN, withdrawn_at=now
        )
        entry = entries.get(conn, team_id=team_id, entry_id=entry_id)
        assert entry is not None
        if effect_queue.exists(conn, team_id=team_id, key=f"showcase-post:{entry_id}"):
            self._update(
                conn,
                entry,
                of=f"showcase-post:{entry_id}",
                template="showcase/withdrawn.j2",
                now=now,
                key="withdrawn",
            )
        self._update(
            conn, entry, of=f"showcase-card:{entry_id}", template="showcase/card.j2", now=now
        )
        entries.queue_row(conn, team_id=team_id, entry_id=entry_id, now=now)
        self.showcase.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)
        return (
            f"Withdrawn: “{escape(entry.title)}” is no longer featured in Slack, and it leaves the "
            "community site at its next build."
        )

    # ---- App Home --------------------------------------------------------------------------

    def home_section(
        self, conn: Connection, team_id: str, user_id: str
    ) -> Mapping[str, Any] | None:
        mine = entries.of_author(conn, team_id=team_id, author_id=user_id)
        if not mine:
            return None
        return {
            "template": "showcase/_home.j2",
            "showcase_entries": [entry.template_context() for entry in mine[:20]],
        }

    # ---- messages --------------------------------------------------------------------------

    def context(self, conn: Connection, entry: Entry) -> dict[str, Any]:
        return {
            "entry": entry.template_context(),
            "author_name": member_name(conn, team_id=entry.team_id, user_id=entry.author_id),
            "description": excerpt(
                entry.description or "(no description)", limit=DESCRIPTION_IN_SLACK
            ),
            "post_in": self.showcase.public_channel,
        }

    def _post(
        self,
        conn: Connection,
        entry: Entry,
        *,
        key: str,
        template: str,
        to: dict[str, str],
        now: dt.datetime,
    ) -> None:
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=entry.team_id,
            key=key,
            template=template,
            to=to,
            now=now,
            **self.context(conn, entry),
        )

    def _update(
        self,
        conn: Connection,
        entry: Entry,
        *,
        of: str,
        template: str,
        now: dt.datetime,
        key: str | None = None,
    ) -> None:
        message = self.templates.render(
            template,
            **self.context(conn, entry),
            **MessageContext.load(conn, config=self.config, team_id=entry.team_id).for_member(None),
        )
        effect_queue.record(
            conn,
            team_id=entry.team_id,
            key=f"{of}:update:{key or uuid.uuid4().hex[:16]}",
            kind="update",
            payload={"of": of, **message.payload()},
            now=now,
        )

    def _answer(self, text: str) -> Private:
        return Private(self.templates.render("showcase/answer.j2", text=Mrkdwn(text)))
