"""A member's record in the store: read it, tick a checklist step once, keep its tracker row.

Shared by the features that change a member (onboarding, introductions, follow-ups), so each
of them updates the record and the Members row the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Connection, Update, select, text, update

from porch.core import batch_cache, tracker_queue
from porch.core.domain_events import Newcomer
from porch.core.store.schema import members, workspaces
from porch.core.store.upsert import insert_ignore
from porch.core.templating import mention
from porch.core.worksheets import MemberRow


def lock_workspace(conn: Connection, *, team_id: str) -> None:
    """Take the workspace's member-writes lock until this transaction ends (PostgreSQL).

    Why: a transaction that writes several members rows (an inbox batch, a page of
    reconciliation, the introductions' tagging) locks them, and their tracker rows, one at a
    time in its own order: an inbox batch in arrival order, reconciliation in users.list order.
    Two such transactions on two replicas that share two members each wait for the other, and
    PostgreSQL breaks the deadlock by failing one (issue 19: one round in six). Sorting each
    path's writes would not be enough (a batch's writes follow its events, and features write
    other tables in between), so every transaction that writes several members rows of a
    workspace takes this lock first, before its first member write: they run one after the
    other per workspace, different workspaces in parallel. Writers of a single member row (a
    button, a delivery outcome) need not take it: one row lock cannot close a cycle.

    A transaction-scoped advisory lock, keyed by the workspace: released by the commit or
    rollback, so a crash cannot leave it held. SQLite needs none (BEGIN IMMEDIATE already lets
    one writer at a time).
    """
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(team_id)})


def _lock_key(team_id: str) -> int:
    """A stable signed 64-bit key for the workspace (Python's hash() changes per process)."""
    digest = hashlib.blake2b(f"porch-members:{team_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def get(conn: Connection, *, team_id: str, user_id: str) -> Any:
    return conn.execute(
        select(members).where(members.c.team_id == team_id, members.c.user_id == user_id)
    ).first()


def insert_newcomer(
    conn: Connection,
    *,
    team_id: str,
    user: Newcomer,
    via: str,
    welcome_status: str,
    now: dt.datetime,
    inviter_id: str | None = None,
) -> bool:
    """A member's record as they join; False when Porch already had one (a retry, a replay)."""
    return insert_ignore(
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
        welcome_status=welcome_status,
        updated_at=now,
    )


def where(team_id: str, user_id: str) -> Update:
    """An UPDATE of one member's row, to which callers add .where() and .values()."""
    return update(members).where(members.c.team_id == team_id, members.c.user_id == user_id)


def set_once(
    conn: Connection, *, team_id: str, user_id: str, column: str, now: dt.datetime
) -> bool:
    """Stamp `column` unless it is already set; True when this call set it."""
    result = conn.execute(
        where(team_id, user_id)
        .where(members.c[column].is_(None))
        .values({column: now, "updated_at": now})
    )
    if result.rowcount:
        queue_row(conn, team_id=team_id, user_id=user_id, now=now)
    return bool(result.rowcount)


def queue_row(
    conn: Connection,
    *,
    team_id: str,
    now: dt.datetime,
    user_id: str | None = None,
    member: Any = None,
) -> None:
    """Queue the member's current Members row for the tracker (pass the row if you have it)."""
    if member is None:
        member = get(conn, team_id=team_id, user_id=user_id or "")
    if member is None:
        return
    base = workspace_url(conn, team_id=team_id)
    tracker_queue.put(conn, team_id=team_id, row=member_row(member, workspace_url=base), now=now)


def workspace_url(conn: Connection, *, team_id: str) -> str:
    """https://team.slack.com/ as auth.test gave it at start-up ("" until then): the base of
    the message and profile links Porch builds without a Web API call."""
    base = batch_cache.remember(
        conn,
        ("workspace_url", team_id),
        lambda: conn.execute(
            select(workspaces.c.url).where(workspaces.c.team_id == team_id)
        ).scalar(),
    )
    return base or ""


def profile_link(*, workspace_url: str, user_id: str) -> str:
    """The member's Slack profile, built like a message permalink (no Web API call): "" when the
    workspace's URL is not known yet."""
    if not workspace_url or not user_id:
        return ""
    return f"{workspace_url.rstrip('/')}/team/{user_id}"


def member_view(member: Any) -> dict[str, Any]:
    """What templates may show about a member. Names stay plain text: templates escape them."""
    # The newcomer's first steps, as App Home ticks them and the welcome DM lists them (the
    # key tells a template which step it is; the label is what App Home shows).
    checklist = [
        ("guidelines", "Read the guidelines", member.guidelines_opened_at),
        ("introduce", "Introduce yourself", member.introduced_at),
        ("channels", "Join the recommended channels", member.channels_joined_at),
        ("first_post", "Post your first message", member.first_post_at),
    ]
    return {
        "user_id": member.user_id,
        "mention": mention(member.user_id),
        "name": member.display_name or member.real_name or member.user_id,
        "joined_at": member.joined_at,
        "introduced": member.introduced_at is not None,
        "opted_out": member.opted_out_at is not None,
        "checklist": [
            {"key": key, "label": label, "done": done is not None} for key, label, done in checklist
        ],
        "done_count": sum(1 for _, _, done in checklist if done is not None),
    }


def member_row(member: Any, *, workspace_url: str = "") -> MemberRow:
    """The member's row in the tracker's Members sheet."""
    if member.is_deleted:
        status = "Left"
    elif member.opted_out_at:
        status = "Opted out of follow-ups"
    elif member.introduced_at:
        status = "Introduced"
    elif member.welcomed_at:
        status = "Welcomed"
    elif member.welcome_status == "not needed":
        # Recorded without a welcome: at install (import), or found by reconciliation long
        # after they joined, while Porch was not running.
        status = "Joined before Porch" if member.joined_via == "import" else "Joined unnoticed"
    else:
        status = (member.welcome_status or "").capitalize() or "New"
    return MemberRow(
        user_id=member.user_id,
        name=member.display_name or member.real_name or "",
        profile=profile_link(workspace_url=workspace_url, user_id=member.user_id),
        joined=member.joined_at,
        joined_via=member.joined_via or "",
        welcomed=member.welcomed_at,
        introduced=member.introduced_at,
        first_post=member.first_post_at,
        last_active=member.last_active_at,
        status=status,
    )


def set_cells(
    conn: Connection, *, team_id: str, user_id: str, cells: dict[str, str], now: dt.datetime
) -> None:
    """Fill some of a member's Members cells that features own (MemberRow.KEPT), keeping the
    rest of the row as queued."""
    if not set(cells) <= set(MemberRow.KEPT):
        raise ValueError(f"only {MemberRow.KEPT} are filled this way, not {sorted(cells)}")
    row = tracker_queue.get_row(conn, team_id=team_id, sheet=MemberRow.SHEET, key=user_id)
    if row is None:
        queue_row(conn, team_id=team_id, user_id=user_id, now=now)
        row = tracker_queue.get_row(conn, team_id=team_id, sheet=MemberRow.SHEET, key=user_id)
    if row is None:
        return  # not a member Porch knows
    updated = {**row, **cells}
    tracker_queue.put_row(
        conn, team_id=team_id, sheet=MemberRow.SHEET, key=user_id, values=updated, now=now
    )
