"""Onboarding: every newcomer welcomed exactly once, introduced, guided and followed up.

Everything here runs inside a store transaction and only *records* what should happen: member
state, tracker rows and effects (messages to send). Slack I/O happens later in the worker, so a
retried event or a crash never sends a second welcome.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, select, update

from porch.core import activity_log, channel_directory, effect_queue, tracker_queue
from porch.core.config import Config
from porch.core.local_time import week_key, weekly_slot, within_hours, zone
from porch.core.store.schema import intro_threads, members
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Mrkdwn, Templates, channel_link, mention
from porch.core.worksheets import MemberRow

logger = logging.getLogger(__name__)

DAY = dt.timedelta(days=1)

# Slack answers these when a DM can never be delivered; retrying would only spam the logs.
UNDELIVERABLE = {
    "user_not_found",
    "user_disabled",
    "account_inactive",
    "cannot_dm_bot",
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "restricted_action",
    "user_is_restricted",
    "messages_tab_disabled",
}


@dataclass(frozen=True)
class Newcomer:
    """The parts of a Slack user object that onboarding needs."""

    user_id: str
    display_name: str
    real_name: str
    tz: str | None
    is_bot: bool
    is_guest: bool
    is_deleted: bool
    updated: int | None = None

    @classmethod
    def from_slack(cls, user: dict[str, Any]) -> Newcomer:
        profile = user.get("profile") or {}
        return cls(
            user_id=user["id"],
            display_name=profile.get("display_name") or user.get("name") or user["id"],
            real_name=user.get("real_name") or profile.get("real_name") or "",
            tz=user.get("tz"),
            is_bot=bool(user.get("is_bot") or user.get("is_app_user")) or user["id"] == "USLACKBOT",
            is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
            is_deleted=bool(user.get("deleted")),
            updated=user.get("updated"),
        )


class Onboarding:
    """The onboarding rules of one community, applied to any workspace's store rows."""

    def __init__(self, *, config: Config, templates: Templates) -> None:
        self.config = config
        self.templates = templates

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
        """Record a newcomer and queue their welcome. Returns what happened, for logs and tests."""
        if user.is_bot:
            return "skipped: bot"
        if user.is_guest and self.config.onboarding.skip_guests:
            return "skipped: guest"
        if user.is_deleted:
            return "skipped: deleted"
        created = insert_ignore(
            conn,
            members,
            team_id=team_id,
            user_id=user.user_id,
            display_name=user.display_name,
            real_name=user.real_name,
            tz=user.tz,
            is_guest=user.is_guest,
            is_deleted=False,
            joined_at=now,
            joined_via=via,
            inviter_id=inviter_id,
            welcome_status="pending" if welcome else "not needed",
            updated_at=now,
        )
        if not created:
            return "known member"
        if welcome:
            self._queue_welcome(conn, team_id=team_id, user_id=user.user_id, now=now)
            if self.config.onboarding.auto_invite:
                self._queue_invites(conn, team_id=team_id, user_id=user.user_id, now=now)
        self._changed(conn, team_id=team_id, user_id=user.user_id, now=now)
        return "welcome queued" if welcome else "recorded"

    def _queue_welcome(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime):
        member = self.member(conn, team_id=team_id, user_id=user_id)
        if self.config.onboarding.welcome == "warm":
            self._post(
                conn,
                team_id=team_id,
                key=f"welcome-card:{user_id}",
                template="warm_welcome_card.j2",
                to={"channel_name": self.config.channels.moderators},
                member=member,
                now=now,
            )
            conn.execute(_member_update(team_id, user_id).values(welcome_status="awaiting manager"))
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
        member = self.member(conn, team_id=team_id, user_id=user_id)
        queued = self._post(
            conn,
            team_id=team_id,
            key=key or f"welcome:{user_id}",
            template="welcome_dm.j2",
            to={"channel": user_id},
            then={"op": "welcomed", "user_id": user_id},
            member=member,
            now=now,
            personal_note=text,
            sent_by=sent_by,
        )
        if queued and effect_queue.exists(conn, team_id=team_id, key=f"welcome-card:{user_id}"):
            done = self.templates.render(
                "warm_welcome_done.j2",
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
        if self.member(conn, team_id=team_id, user_id=user_id) is None:
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
            key=f"welcome-resend:{user_id}:{invocation}",
        )

    def personalise_view(self, conn: Connection, *, team_id: str, user_id: str) -> dict[str, Any]:
        """The modal in which a manager edits a warm welcome before it goes out."""
        member = self.member(conn, team_id=team_id, user_id=user_id)
        message = self.templates.render(
            "personalise_modal.j2", **self.context(conn, team_id=team_id, member=member)
        )
        return {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Personal welcome"},
            "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": message.blocks,
        }

    def personalise_problem(self, conn: Connection, *, team_id: str, user_id: str) -> str:
        """What the modal says under an empty note.

        Slack shows field errors as plain text, which never pings anyone, so the mrkdwn escaping
        is undone rather than shown as `&lt;`.
        """
        member = self.member(conn, team_id=team_id, user_id=user_id)
        message = self.templates.render(
            "personalise_empty.j2", **self.context(conn, team_id=team_id, member=member)
        )
        return html.unescape(message.text)

    def _queue_invites(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime):
        for name in self.config.onboarding.recommended_channels:
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"invite:{name}:{user_id}",
                kind="invite",
                payload={"channel_name": name, "users": [user_id]},
                now=now,
            )

    def join_recommended_channels(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> None:
        """The 'Join the recommended channels' button: invite, then tick the checklist."""
        self._queue_invites(conn, team_id=team_id, user_id=user_id, now=now)
        self._set_once(conn, team_id=team_id, user_id=user_id, column="channels_joined_at", now=now)

    def guidelines_opened(
        self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime
    ) -> None:
        self._set_once(
            conn, team_id=team_id, user_id=user_id, column="guidelines_opened_at", now=now
        )

    def channel_joined(
        self, conn: Connection, *, team_id: str, user_id: str, channel_id: str, now: dt.datetime
    ) -> None:
        """Tick 'channels joined' once the member is in every recommended channel."""
        if channel_directory.name_of(conn, team_id=team_id, channel_id=channel_id) is None:
            return
        activity_log.record(
            conn,
            team_id=team_id,
            channel_id=channel_id,
            ts="joined",
            kind="join",
            user_id=user_id,
            at=now,
        )
        wanted = {
            channel_directory.id_of(conn, team_id=team_id, name=name)
            for name in self.config.onboarding.recommended_channels
        }
        joined = activity_log.channels_joined(conn, team_id=team_id, user_id=user_id)
        if wanted and None not in wanted and wanted <= joined:
            self._set_once(
                conn, team_id=team_id, user_id=user_id, column="channels_joined_at", now=now
            )

    # ---- introductions ---------------------------------------------------------------------

    def message_posted(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        channel_id: str,
        ts: str,
        thread_ts: str | None,
        now: dt.datetime,
    ) -> None:
        """Any member message: first post, last active, and introductions."""
        member = self.member(conn, team_id=team_id, user_id=user_id)
        if member is None:
            return
        values: dict[str, Any] = {"last_active_at": now, "updated_at": now}
        if member.first_post_at is None:
            values["first_post_at"] = now
        conn.execute(_member_update(team_id, user_id).values(**values))
        name = channel_directory.name_of(conn, team_id=team_id, channel_id=channel_id)
        if name == self.config.channels.introductions and member.introduced_at is None:
            is_intro_reply = thread_ts is not None and self._is_intro_thread(
                conn, team_id=team_id, thread_ts=thread_ts
            )
            if thread_ts is None or is_intro_reply:
                self._introduced(
                    conn, team_id=team_id, user_id=user_id, channel_id=channel_id, ts=ts, now=now
                )
        self._changed(conn, team_id=team_id, user_id=user_id, now=now)

    def _introduced(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        channel_id: str,
        ts: str,
        now: dt.datetime,
    ) -> None:
        self._set_once(conn, team_id=team_id, user_id=user_id, column="introduced_at", now=now)
        reaction = self.config.onboarding.react_to_introductions
        if reaction:
            effect_queue.record(
                conn,
                team_id=team_id,
                key=f"intro-reaction:{user_id}",
                kind="react",
                payload={"channel": channel_id, "ts": ts, "name": reaction},
                now=now,
            )

    def _is_intro_thread(self, conn: Connection, *, team_id: str, thread_ts: str) -> bool:
        return (
            conn.execute(
                select(intro_threads.c.week).where(
                    intro_threads.c.team_id == team_id, intro_threads.c.thread_ts == thread_ts
                )
            ).first()
            is not None
        )

    def ensure_intro_thread(self, conn: Connection, *, team_id: str, now: dt.datetime) -> bool:
        """Post this week's introductions thread once its time has come (once per week)."""
        settings = self.config.onboarding.intro_thread
        tz = self.config.community.tz
        slot = weekly_slot(now, tz, weekday=settings.weekday, time=settings.time)
        # Catch up after downtime, but a thread that would open midweek or later is skipped.
        if not slot <= now < slot + 2 * DAY:
            return False
        week = week_key(now, tz)
        if not insert_ignore(conn, intro_threads, team_id=team_id, week=week, created_at=now):
            return False
        self._post(
            conn,
            team_id=team_id,
            key=f"intro-thread:{week}",
            template="intro_thread.j2",
            to={"channel_name": self.config.channels.introductions},
            then={"op": "intro_thread", "week": week},
            now=now,
        )
        return True

    def tag_newcomers(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """Mention untagged newcomers in this week's thread, one reply per batch.

        A join storm becomes a handful of replies, not hundreds of posts.
        """
        settings = self.config.onboarding.intro_thread
        week = week_key(now, self.config.community.tz)
        thread = conn.execute(
            select(intro_threads).where(
                intro_threads.c.team_id == team_id, intro_threads.c.week == week
            )
        ).first()
        if thread is None:
            return 0
        waiting = conn.execute(
            select(members.c.user_id, members.c.joined_at)
            .where(
                members.c.team_id == team_id,
                members.c.intro_tagged_at.is_(None),
                members.c.introduced_at.is_(None),
                members.c.is_deleted.is_(False),
                members.c.joined_via.in_(("team_join", "home_channel", "reconcile")),
                members.c.joined_at >= now - dt.timedelta(days=7),
            )
            .order_by(members.c.joined_at, members.c.user_id)
        ).all()
        if not waiting:
            return 0
        # A newcomer waits at most one interval: a full batch goes at once, a partial one when
        # its longest-waiting member has waited that long.
        oldest_wait = now - waiting[0].joined_at
        interval_passed = oldest_wait >= dt.timedelta(minutes=settings.mention_every_minutes)
        tagged = 0
        for start in range(0, len(waiting), settings.mention_batch_size):
            batch = waiting[start : start + settings.mention_batch_size]
            if len(batch) < settings.mention_batch_size and not interval_passed:
                break
            user_ids = [row.user_id for row in batch]
            self._post(
                conn,
                team_id=team_id,
                key=f"intro-mentions:{week}:{user_ids[0]}:{len(user_ids)}",
                template="intro_mentions.j2",
                to={"thread_of": f"intro-thread:{week}"},
                now=now,
                mentions=Mrkdwn(" ".join(mention(u) for u in user_ids)),
                count=len(user_ids),
            )
            conn.execute(
                update(members)
                .where(members.c.team_id == team_id, members.c.user_id.in_(user_ids))
                .values(intro_tagged_at=now, updated_at=now)
            )
            tagged += len(user_ids)
        return tagged

    # ---- follow-ups ------------------------------------------------------------------------

    def follow_ups(self, conn: Connection, *, team_id: str, now: dt.datetime) -> int:
        """Queue due nudges and check-ins, each once per member, in the member's waking hours."""
        settings = self.config.onboarding.follow_ups
        hours = settings.waking_hours
        rows = conn.execute(
            select(members).where(
                members.c.team_id == team_id,
                members.c.opted_out_at.is_(None),
                members.c.is_deleted.is_(False),
                members.c.welcomed_at.is_not(None),
            )
        ).all()
        queued = 0
        for member in rows:
            tz = zone(member.tz, self.config.community.tz)
            if not within_hours(now, tz, start=hours.start_time, end=hours.end_time):
                continue
            keys = [f"{key}:{member.user_id}" for key, _, _ in self._follow_up_kinds()]
            # One follow-up a day at most: two DMs at once from a bot feel like spam.
            latest = effect_queue.latest_created(conn, team_id=team_id, keys=keys)
            if latest is not None and now - latest < dt.timedelta(days=1):
                continue
            for key, template, extra in self._due_follow_ups(member, now):
                effect_key = f"{key}:{member.user_id}"
                if effect_queue.exists(conn, team_id=team_id, key=effect_key):
                    continue
                self._post(
                    conn,
                    team_id=team_id,
                    key=effect_key,
                    template=template,
                    to={"channel": member.user_id},
                    member=member,
                    now=now,
                    **extra,
                )
                queued += 1
                break
        return queued

    def _follow_up_kinds(self) -> list[tuple[str, str, dict[str, Any]]]:
        settings = self.config.onboarding.follow_ups
        return [
            ("nudge", "nudge_introduce.j2", {}),
            *((f"check-in-{d}", "check_in.j2", {"days": d}) for d in settings.check_in_days),
            ("inactive", "inactive.j2", {"days": settings.inactive_after_days}),
        ]

    def _due_follow_ups(self, member: Any, now: dt.datetime) -> list[tuple[str, str, dict]]:
        settings = self.config.onboarding.follow_ups
        since_join = now - member.joined_at
        due: list[tuple[str, str, dict]] = []
        nudge_at = dt.timedelta(days=settings.nudge_after_days)
        # The nudge says "a few days ago": past a few more days it would ring false.
        if member.introduced_at is None and nudge_at <= since_join < nudge_at * 2 + DAY:
            due.append(("nudge", "nudge_introduce.j2", {}))
        # A check-in only makes sense near its day; one missed while Porch was down is skipped.
        for days in settings.check_in_days:
            if dt.timedelta(days=days) <= since_join < dt.timedelta(days=days) + 3 * DAY:
                due.append((f"check-in-{days}", "check_in.j2", {"days": days}))
        last_active = member.last_active_at or member.joined_at
        if now - last_active >= dt.timedelta(days=settings.inactive_after_days):
            due.append(("inactive", "inactive.j2", {"days": settings.inactive_after_days}))
        return due

    def opt_out(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
        self._set_once(conn, team_id=team_id, user_id=user_id, column="opted_out_at", now=now)
        # Follow-ups recorded but not yet sent are dropped: opting out must stick at once.
        keys = [f"{key}:{user_id}" for key, _, _ in self._follow_up_kinds()]
        effect_queue.cancel_pending(conn, team_id=team_id, keys=keys)

    # ---- reconciliation --------------------------------------------------------------------

    def reconcile(
        self,
        conn: Connection,
        *,
        team_id: str,
        users: list[Newcomer],
        now: dt.datetime,
        welcome: bool = True,
    ) -> dict[str, int]:
        """Compare the workspace's users with the store.

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
            _member_update(team_id, user_id)
            .where(members.c.is_deleted.is_(False))
            .values(is_deleted=True, updated_at=now)
        )
        if result.rowcount:
            self._changed(conn, team_id=team_id, user_id=user_id, now=now)
        return 1

    # ---- delivery outcomes -----------------------------------------------------------------

    def after_effect(
        self,
        conn: Connection,
        *,
        team_id: str,
        then: dict[str, Any],
        result: dict[str, Any] | None,
        error: str | None,
        now: dt.datetime,
    ) -> None:
        """What a delivered (or undeliverable) effect changes in the store."""
        op = then.get("op")
        if op == "welcomed":
            user_id = then["user_id"]
            if error:
                conn.execute(
                    _member_update(team_id, user_id).values(
                        welcome_status=f"failed: {error}", updated_at=now
                    )
                )
            else:
                conn.execute(
                    _member_update(team_id, user_id)
                    .where(members.c.welcomed_at.is_(None))
                    .values(welcomed_at=now)
                )
                conn.execute(
                    _member_update(team_id, user_id).values(welcome_status="sent", updated_at=now)
                )
            self._changed(conn, team_id=team_id, user_id=user_id, now=now)
        elif op == "intro_thread" and result:
            conn.execute(
                update(intro_threads)
                .where(intro_threads.c.team_id == team_id, intro_threads.c.week == then["week"])
                .values(channel_id=result["channel"], thread_ts=result["ts"])
            )

    # ---- App Home and the tracker ----------------------------------------------------------

    def publish_home(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime):
        """Queue an App Home view for the member's current checklist (once per distinct view)."""
        member = self.member(conn, team_id=team_id, user_id=user_id)
        context = self.context(conn, team_id=team_id, member=member)
        message = self.templates.render("app_home.j2", **context)
        view = {"type": "home", "blocks": message.blocks}
        digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16]
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"home:{user_id}:{digest}",
            kind="home",
            payload={"user_id": user_id, "view": view},
            now=now,
        )

    def _changed(self, conn: Connection, *, team_id: str, user_id: str, now: dt.datetime) -> None:
        member = self.member(conn, team_id=team_id, user_id=user_id)
        if member is None:
            return
        tracker_queue.put_row(
            conn,
            team_id=team_id,
            sheet="Members",
            key=user_id,
            values=member_row(member),
            now=now,
        )
        self.publish_home(conn, team_id=team_id, user_id=user_id, now=now)

    # ---- helpers ---------------------------------------------------------------------------

    def _post(
        self,
        conn: Connection,
        *,
        team_id: str,
        key: str,
        template: str,
        to: dict[str, str],
        now: dt.datetime,
        member: Any = None,
        then: dict[str, Any] | None = None,
        **extra: Any,
    ) -> bool:
        """Render `template` and record it as a message effect; False if `key` was recorded."""
        message = self.templates.render(
            template, **extra, **self.context(conn, team_id=team_id, member=member)
        )
        payload: dict[str, Any] = {**to, **message.payload()}
        if then:
            payload["then"] = then
        return effect_queue.record(
            conn, team_id=team_id, key=key, kind="post", payload=payload, now=now
        )

    def _set_once(
        self, conn: Connection, *, team_id: str, user_id: str, column: str, now: dt.datetime
    ) -> bool:
        result = conn.execute(
            _member_update(team_id, user_id)
            .where(members.c[column].is_(None))
            .values({column: now, "updated_at": now})
        )
        if result.rowcount:
            self._changed(conn, team_id=team_id, user_id=user_id, now=now)
        return bool(result.rowcount)

    def member(self, conn: Connection, *, team_id: str, user_id: str) -> Any:
        return conn.execute(
            select(members).where(members.c.team_id == team_id, members.c.user_id == user_id)
        ).first()

    def context(self, conn: Connection, *, team_id: str, member: Any) -> dict[str, Any]:
        config = self.config
        site = config.community.site_url.rstrip("/") + "/"

        ids = channel_directory.all_ids(conn, team_id=team_id)

        def channel(name: str) -> Mrkdwn:
            return channel_link(ids.get(name), name)

        def open_channel(name: str) -> str:
            channel_id = ids.get(name)
            if not channel_id:
                return site
            return "https://slack.com/app_redirect?" + urlencode(
                {"channel": channel_id, "team": team_id}
            )

        return {
            "community": config.community,
            "promise": config.community.promise,
            "config": config,
            "member": member_view(member) if member is not None else None,
            "links": {
                "site": site,
                "guidelines": site + "guidelines/",
                "getting_started": site + "getting-started/",
                "introductions": open_channel(config.channels.introductions),
            },
            "channel": channel,
            "recommended": [channel(name) for name in config.onboarding.recommended_channels],
            "managers": Mrkdwn(", ".join(mention(u) for u in config.managers.users)),
        }


def member_view(member: Any) -> dict[str, Any]:
    """What templates may show about a member. Names stay plain text: templates escape them."""
    checklist = [
        ("Read the guidelines", member.guidelines_opened_at),
        ("Introduce yourself", member.introduced_at),
        ("Join the recommended channels", member.channels_joined_at),
        ("Post your first message", member.first_post_at),
    ]
    return {
        "user_id": member.user_id,
        "mention": mention(member.user_id),
        "name": member.display_name or member.real_name or member.user_id,
        "joined_at": member.joined_at,
        "introduced": member.introduced_at is not None,
        "opted_out": member.opted_out_at is not None,
        "checklist": [{"label": label, "done": done is not None} for label, done in checklist],
        "done_count": sum(1 for _, done in checklist if done is not None),
    }


def member_row(member: Any) -> MemberRow:
    """The member's row in the tracker's Members sheet."""
    if member.is_deleted:
        status = "Left"
    elif member.opted_out_at:
        status = "Opted out of follow-ups"
    elif member.introduced_at:
        status = "Introduced"
    elif member.welcomed_at:
        status = "Welcomed"
    else:
        status = (member.welcome_status or "").capitalize() or "New"
    return MemberRow(
        user_id=member.user_id,
        name=member.display_name or member.real_name or "",
        joined=member.joined_at,
        joined_via=member.joined_via or "",
        welcomed=member.welcomed_at,
        introduced=member.introduced_at,
        first_post=member.first_post_at,
        last_active=member.last_active_at,
        status=status,
    )


def _member_update(team_id: str, user_id: str):  # type: ignore[no-untyped-def]
    return update(members).where(members.c.team_id == team_id, members.c.user_id == user_id)
