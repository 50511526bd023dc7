"""Moderation's private record: the Moderation worksheet (one row per case, no message text),
`/porch mod history @member` (managers only), the personal data it keeps, and the figures the
weekly health report shows (reports, time to first action, repeat cases)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import Connection, func, select

from porch.core import member_records, tracker_queue
from porch.core.feature import PersonalData
from porch.core.interactions import CommandRequest, Private, Reply
from porch.core.permalinks import permalink
from porch.core.templating import Templates, mention
from porch.core.worksheets import SheetRow, column
from porch.features.moderation import cases
from porch.features.moderation.cases import BUTTONS, NAMES
from porch.features.moderation.tables import moderation_cases, moderation_reports

HISTORY = "moderation/history.j2"
USAGE = "Say whose record: `/porch mod history @member`."


@dataclass(frozen=True, kw_only=True)
class ModerationRow(SheetRow):
    """One case: whose message, why it came up, how many reported it, how soon a manager acted
    and the steps taken. No message text: the words stay in Slack."""

    SHEET: ClassVar[str] = "Moderation"

    case: str = field(metadata=column("Case"))
    member: str = field(metadata=column("Member"))
    opened: dt.datetime | None = field(metadata=column("Opened", "datetime"))
    rule: str = field(metadata=column("Rule"))
    guideline: str = field(metadata=column("Guideline"))
    reports: int = field(metadata=column("Reports", "int"))
    first_action: dt.datetime | None = field(metadata=column("First action", "datetime"))
    minutes_to_act: int | None = field(metadata=column("Minutes to first action", "int"))
    steps: str = field(metadata=column("Steps"))
    decided_by: str = field(metadata=column("Decided by"))
    status: str = field(metadata=column("Status"))
    message: str = field(metadata=column("Message", "link"))


def _name(conn: Connection, team_id: str, user_id: str) -> str:
    member = member_records.get(conn, team_id=team_id, user_id=user_id)
    if member is None:
        return user_id
    return member.display_name or member.real_name or user_id


def queue_row(conn: Connection, *, team_id: str, channel_id: str, ts: str, now: dt.datetime):
    """The case's row in the Moderation worksheet, as it is now."""
    row = cases.case(conn, team_id=team_id, channel_id=channel_id, ts=ts)
    if row is None:
        return
    record = cases.history(conn, team_id=team_id, member_id=row.author_id)
    here = [s for s in record.steps if (s.channel_id, s.ts) == (channel_id, ts)]
    minutes = None
    if row.first_action_at is not None:
        minutes = max(0, round((row.first_action_at - row.opened_at).total_seconds() / 60))
    tracker_queue.put(
        conn,
        team_id=team_id,
        row=ModerationRow(
            case=f"{channel_id}:{ts}",
            member=_name(conn, team_id, row.author_id),
            opened=row.opened_at,
            rule=row.rule or ("Reported" if row.reports else ""),
            guideline=row.guideline or "",
            reports=row.reports,
            first_action=row.first_action_at,
            minutes_to_act=minutes,
            steps=", ".join(NAMES[s.step] for s in here),
            decided_by=", ".join(
                dict.fromkeys(_name(conn, team_id, s.decided_by) for s in here if s.decided_by)
            ),
            status=row.state,
            message=permalink(conn, team_id=team_id, channel_id=channel_id, ts=ts),
        ),
        now=now,
    )


PERSONAL_DATA = (
    PersonalData(
        table="moderation_cases",
        user_columns=("author_id", "cleared_by"),
        purpose="Messages of yours that a moderation rule matched or members reported, and what "
        "came of them, so the community team applies the guidelines consistently.",
        text_columns=("excerpt", "found"),
        timestamp_column="opened_at",
        retention="moderation_text",
        label="Moderation cases about your messages",
    ),
    PersonalData(
        table="moderation_reports",
        user_columns=("reporter_id",),
        purpose="Messages you reported to the community team (only managers see who reported), "
        "so several reports of one message count once each.",
        timestamp_column="reported_at",
        label="Messages you reported",
    ),
    PersonalData(
        table="moderation_steps",
        user_columns=("member_id", "decided_by"),
        purpose="Reminders and warnings the community team gave you, who decided and why, so "
        "the next step follows the published consequence ladder.",
        text_columns=("reason",),
        timestamp_column="decided_at",
        retention="moderation_text",
        label="Moderation steps with you",
    ),
    PersonalData(
        table="tracker_rows",
        worksheet="Moderation",
        user_columns=("Member", "Decided by"),
        purpose="Moderation cases in the tracker (no message text), so the team sees how soon "
        "it acts and which cases repeat.",
        timestamp_column="Opened",
    ),
)


class HistoryCommand:
    """`/porch mod history @member` (managers only): the member's record, only for the asker."""

    def __init__(self, *, templates: Templates) -> None:
        self.templates = templates

    def handle(self, request: CommandRequest) -> Reply:
        words = request.args.split()
        users = request.mentioned_users()
        if not words or words[0] != "history" or len(users) != 1:
            return Private(self.templates.render("moderation/explain.j2", problem=USAGE))
        member = users[0]

        def read(conn: Connection) -> dict[str, Any]:
            record = cases.history(conn, team_id=request.team_id, member_id=member)
            return {
                "who": mention(member),
                "cases": record.cases,
                "suggested": BUTTONS[record.suggested()],
                "steps": [
                    {
                        "when": s.decided_at.date().isoformat(),
                        "name": NAMES[s.step],
                        "decided_by": s.decided_by,
                        "reason": s.reason,
                    }
                    for s in record.steps
                ],
            }

        return Private(self.templates.render(HISTORY, **request.read(read)))


@dataclass(frozen=True)
class ModerationFigures:
    """A period's moderation: cases opened, reports made, the median minutes from a case to a
    manager's first step, and members with more than one case (repeat cases)."""

    cases: int
    reports: int
    first_action_median_min: int | None
    repeat_members: int


def figures(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
) -> ModerationFigures:
    opened = conn.execute(
        select(moderation_cases).where(
            moderation_cases.c.team_id == team_id,
            moderation_cases.c.opened_at >= since,
            moderation_cases.c.opened_at < until,
        )
    ).all()
    reports = conn.execute(
        select(func.count()).where(
            moderation_reports.c.team_id == team_id,
            moderation_reports.c.reported_at >= since,
            moderation_reports.c.reported_at < until,
        )
    ).scalar_one()
    waits = [
        (row.first_action_at - row.opened_at).total_seconds() / 60
        for row in opened
        if row.first_action_at is not None
    ]
    authors = [row.author_id for row in opened]
    return ModerationFigures(
        cases=len(opened),
        reports=int(reports),
        first_action_median_min=round(statistics.median(waits)) if waits else None,
        repeat_members=len({a for a in authors if authors.count(a) > 1}),
    )
