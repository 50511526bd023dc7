"""Onboarding: every newcomer recorded and welcomed exactly once, then guided by a checklist.

Everything here runs inside a store transaction and only *records* what should happen: member
state, tracker rows and effects (messages to send). Slack I/O happens later in the worker, so a
retried event or a crash never sends a second welcome. Introductions and follow-ups are
features of their own (introductions.py, follow_ups.py); the buttons, the personalise modal
and `/porch welcome` are in controls.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Update, bindparam, func, update

from porch.core import activity_log, channel_directory, effect_queue, forget_marks, member_records
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.domain_events import (
    ChannelJoined,
    HomeOpened,
    MessagePosted,
    Newcomer,
    TeamJoined,
)
from porch.core.feature import Delivery, Feature
from porch.core.interactions import Interaction, Verb
from porch.core.member_records import member_view
from porch.core.posting import post
from porch.core.store.schema import members
from porch.core.templating import Templates, mention
from porch.features.onboarding.demo import DEMO_SCENES
from porch.features.onboarding.member_data import MEMBER_DATA
from porch.features.onboarding.previews import previews

__all__ = ["Newcomer", "Onboarding"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Onboarding:
    """The onboarding rules of one community, applied to any workspace's store rows."""

    config: Config
    templates: Templates
    app_home: AppHome

    def feature(
        self, *, interactions: Sequence[Interaction] = (), verbs: Sequence[Verb] = ()
    ) -> Feature:
        """The feature, with the buttons, modal and verbs controls.py answers for it."""
        return Feature(
            name="onboarding",
            handles={
                TeamJoined: self.on_team_joined,
                ChannelJoined: self.on_channel_joined,
                MessagePosted: self.on_message_posted,
                HomeOpened: self.on_home_opened,
            },
            home_section=self.home_section,
            worksheets=("Members",),
            effect_callbacks={"welcomed": self.on_welcome_delivered},
            personal_data=MEMBER_DATA,
            interactions=interactions,
            verbs=verbs,
            previews=lambda: previews(self.config),
            reconcile_members=self.reconcile,
            demo_scenes=DEMO_SCENES,
        )

    # ---- events ----------------------------------------------------------------------------

    def on_team_joined(
        self, conn: Connection, team_id: str, event: TeamJoined, now: dt.datetime
    ) -> None:
        if "team_join" in self.config.onboarding.triggers:
            self.member_joined(conn, team_id=team_id, user=event.user, via="team_join", now=now)

    def on_channel_joined(
        self, conn: Connection, team_id: str, event: ChannelJoined, now: dt.datetime
    ) -> None:
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=event.channel_id)
        if name is None:
            return
        if "home_channel_join" in self.config.onboarding.triggers and (
            name == self.config.channels.home
        ):
            # The event carries only the user ID; the welcome greets by mention, which Slack
            # renders as the member's current name, so no users.info call is needed.
            newcomer = Newcomer(event.user_id, "", "", None, False, False, False)
            self.member_joined(
                conn,
                team_id=team_id,
                user=newcomer,
                via="home_channel",
                inviter_id=event.inviter_id,
                now=now,
            )
        self._tick_channels(conn, team_id=team_id, user_id=event.user_id, now=now)

    def on_message_posted(
        self, conn: Connection, team_id: str, event: MessagePosted, now: dt.datetime
    ) -> None:
        """Any member message: last active, and the checklist's first post (one UPDATE)."""
        member = conn.execute(
            _message_posted_update(), {"team": team_id, "user": event.user_id, "now": now}
        ).first()
        if member is None:
            return
        member_records.queue_row(conn, team_id=team_id, member=member, now=now)
        if member.first_post_at == now:
            self.app_home.publish(conn, team_id=team_id, user_id=event.user_id, now=now)

    def on_home_opened(
        self, conn: Connection, team_id: str, event: HomeOpened, now: dt.datetime
    ) -> None:
        self.app_home.publish(conn, team_id=team_id, user_id=event.user_id, now=now, opened=True)

    # ---- joining ---------------------------------------------------------------------------

    def member_joined(
        self,
        conn: Connection,
        *,
        team_id: str,
        user: Newcomer,
        via: str,
        now: dt.datetime,
        inviter_id: str | None = None,
        welcome: bool = True,
    ) -> str:
        """Record a newcomer and queue their welcome. Returns what happened, for logs and tests.

        No App Home view is published here: the first one goes out when the member opens the
        tab (app_home_opened), so an import of thousands publishes nothing.
        """
        if user.is_bot:
            return "skipped: bot"
        if user.is_guest and self.config.onboarding.skip_guests:
            return "skipped: guest"
        if user.is_deleted:
            return "skipped: deleted"
        if forget_marks.is_forgotten(conn, team_id=team_id, user_id=user.user_id):
            # Only joining the workspace again (team_join) brings them back: their choice.
            if via != "team_join":
                return "skipped: forgotten"
            forget_marks.unmark(conn, team_id=team_id, user_id=user.user_id)
        created = member_records.insert_newcomer(
            conn,
            team_id=team_id,
            user=user,
            via=via,
            welcome_status="pending" if welcome else "not needed",
            now=now,
            inviter_id=inviter_id,
        )
        if not created:
            return "known member"
        if welcome:
            self._queue_welcome(conn, team_id=team_id, user_id=user.user_id, now=now)
            if self.config.onboarding.auto_invite:
                self._queue_invites(conn, team_id=team_id, user_id=user.user_id, now=now)
        member_records.queue_row(conn, team_id=team_id, user_id=user.user_id, now=now)
        return "welcome queued" if welcome else "recorded"

    def _queue_welcome(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> None:
        if self.config.onboarding.welcome == "warm":
            self._post(
                conn,
                team_id=team_id,
                key=f"welcome-card:{user_id}",
                template="onboarding/warm_welcome_card.j2",
                to={"channel_name": self.config.channels.moderators},
                member=member_records.get(conn, team_id=team_id, user_id=user_id),
                now=now,
            )
            conn.execute(
                member_records.where(team_id, user_id).values(welcome_status="awaiting manager")
            )
            return
        self.send_welcome(conn, team_id=team_id, user_id=user_id, now=now)

    def send_welcome(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        now: dt.datetime,
        text: str | None = None,
        sent_by: str | None = None,
        key: str | None = None,
    ) -> bool:
        """Queue the welcome DM. The key makes it once per member unless a manager re-sends."""
        member = member_records.get(conn, team_id=team_id, user_id=user_id)
        queued = self._post(
            conn,
            team_id=team_id,
            key=key or f"welcome:{user_id}",
            template="onboarding/welcome_dm.j2",
            to={"channel": user_id},
            then={"op": "welcomed", "user_id": user_id},
            member=member,
            now=now,
            personal_note=text,
            sent_by=sent_by,
        )
        if queued and effect_queue.exists(conn, team_id=team_id, key=f"welcome-card:{user_id}"):
            done = self.templates.render(
                "onboarding/warm_welcome_done.j2",
                member=member_view(member),
                manager=mention(sent_by) if sent_by else "Porch",
            )
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"welcome-card-done:{user_id}",
                kind="update",
                payload={"of": f"welcome-card:{user_id}", **done.payload()},
                now=now,
            )
        return queued

    def resend_welcome(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        now: dt.datetime,
        sent_by: str,
        invocation: str,
    ) -> bool:
        """A manager's `/porch welcome @user`: once per command invocation."""
        if member_records.get(conn, team_id=team_id, user_id=user_id) is None:
            self.member_joined(
                conn,
                team_id=team_id,
                user=Newcomer(user_id, "", "", None, False, False, False),
                via="manager",
                now=now,
                welcome=False,
            )
        return self.send_welcome(
            conn,
            team_id=team_id,
            user_id=user_id,
            now=now,
            sent_by=sent_by,
            key=f"welcome-resend:{user_id}:{invocation}",
        )

    # ---- the checklist ---------------------------------------------------------------------

    def join_recommended_channels(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> None:
        """The 'Join the recommended channels' button: invite, then tick the checklist."""
        self._queue_invites(conn, team_id=team_id, user_id=user_id, now=now)
        self._tick(conn, team_id=team_id, user_id=user_id, column="channels_joined_at", now=now)

    def guidelines_opened(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> None:
        self._tick(conn, team_id=team_id, user_id=user_id, column="guidelines_opened_at", now=now)

    def _tick_channels(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> None:
        """Tick 'channels joined' once the member is in every recommended channel."""
        wanted = {
            channel_directory.id_of(conn, team_id=team_id, name=name)
            for name in self.config.onboarding.recommended_channels
        }
        joined = activity_log.channels_joined(conn, team_id=team_id, user_id=user_id)
        if wanted and None not in wanted and wanted <= joined:
            self._tick(conn, team_id=team_id, user_id=user_id, column="channels_joined_at", now=now)

    def _tick(
        self, conn: Connection, *, team_id: str, user_id: str, column: str, now: dt.datetime
    ) -> None:
        if member_records.set_once(conn, team_id=team_id, user_id=user_id, column=column, now=now):
            self.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)

    def home_section(
        self, conn: Connection, team_id: str, user_id: str
    ) -> Mapping[str, Any] | None:
        return {"template": "onboarding/_home_checklist.j2"}

    def _queue_invites(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> None:
        for name in self.config.onboarding.recommended_channels:
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"invite:{name}:{user_id}",
                kind="invite",
                payload={"channel_name": name, "users": [user_id]},
                now=now,
            )

    # ---- reconciliation --------------------------------------------------------------------

    def reconcile(
        self,
        conn: Connection,
        team_id: str,
        users: Sequence[Newcomer],
        now: dt.datetime,
        welcome: bool = True,
    ) -> dict[str, int]:
        """Compare the workspace's users with the store (Feature.reconcile_members: the
        runtime's reconciliation job and `porch members import/reconcile` call it, a page of
        users.list at a time).

        Someone unknown to the store joined while Porch was not listening. Slack's user object has
        no join date, only `updated` (the last profile change, never earlier than joining), so a
        user updated inside the window may have joined inside it and is welcomed; one not updated
        for longer is recorded without a welcome. `welcome=False` is the install-time import.
        """
        window = dt.timedelta(days=self.config.onboarding.reconcile_window_days)
        counts = {"welcomed": 0, "recorded": 0, "skipped": 0, "known": 0}
        for user in users:
            if user.is_deleted:
                counts["skipped"] += self._left(
                    conn, team_id=team_id, user_id=user.user_id, now=now
                )
                continue
            recent = user.updated is not None and (
                dt.datetime.fromtimestamp(user.updated, dt.UTC) >= now - window
            )
            outcome = self.member_joined(
                conn,
                team_id=team_id,
                user=user,
                via="reconcile" if welcome else "import",
                now=now,
                welcome=welcome and recent,
            )
            if outcome == "welcome queued":
                counts["welcomed"] += 1
            elif outcome == "recorded":
                counts["recorded"] += 1
            elif outcome == "known member":
                counts["known"] += 1
            else:
                counts["skipped"] += 1
        return counts

    def _left(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> int:
        """A deactivated account: keep the record (history counts), stop all follow-ups."""
        result = conn.execute(
            member_records.where(team_id, user_id)
            .where(members.c.is_deleted.is_(False))
            .values(is_deleted=True, updated_at=now)
        )
        if result.rowcount:
            member_records.queue_row(conn, team_id=team_id, user_id=user_id, now=now)
        return 1

    # ---- delivery outcomes -----------------------------------------------------------------

    def on_welcome_delivered(self, delivery: Delivery) -> None:
        conn, team_id, then = delivery.conn, delivery.team_id, delivery.then
        error, now = delivery.error, delivery.now
        user_id = then["user_id"]
        if error:
            conn.execute(
                member_records.where(team_id, user_id).values(
                    welcome_status=f"failed: {error}", updated_at=now
                )
            )
        else:
            conn.execute(
                member_records.where(team_id, user_id)
                .where(members.c.welcomed_at.is_(None))
                .values(welcomed_at=now)
            )
            conn.execute(
                member_records.where(team_id, user_id).values(welcome_status="sent", updated_at=now)
            )
        member_records.queue_row(conn, team_id=team_id, user_id=user_id, now=now)

    # ---- helpers ---------------------------------------------------------------------------

    def _post(self, conn: Connection, **kwargs: Any) -> bool:
        return post(conn, config=self.config, templates=self.templates, **kwargs)


@functools.cache
def _message_posted_update() -> Update:
    """Built once: it runs for every message, and building it each time costs more than the
    query itself."""
    now = bindparam("now", type_=members.c.last_active_at.type)
    return (
        update(members)
        .where(members.c.team_id == bindparam("team"), members.c.user_id == bindparam("user"))
        .values(
            last_active_at=now,
            first_post_at=func.coalesce(members.c.first_post_at, now),
            updated_at=now,
        )
        .returning(*members.c)
    )
