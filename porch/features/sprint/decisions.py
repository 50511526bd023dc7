"""Recording the week's decision: a scorecard button (keep, narrow the topic, reduce formats,
other) opens a note modal; its submission is the decision.

One decision per week: recorded again (a double submission, Slack's retry, a manager changing
their mind) it replaces the week's row, so the Decisions worksheet has one row a week. The
managers' channel hears of each different decision once (the post is keyed by the week, the
choice and the note). All of it is the managers' (managers_only: the Slack adapter refuses
anyone else before these run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import Connection, update

from porch.core import tracker_queue
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.interactions import (
    ActionRequest,
    Errors,
    Interaction,
    MalformedPayload,
    Modal,
    ViewSubmission,
    text_at,
)
from porch.core.posting import post
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates, mention
from porch.features.sprint.ids import Action, Input, View
from porch.features.sprint.rows import DecisionRow
from porch.features.sprint.scorecard import Scorecards, decision_of, indicators_of
from porch.features.sprint.tables import sprint_decisions
from porch.features.sprint.verdict import CHOICE_LABELS, RULE

WEEK_KEY = re.compile(r"\d{4}-W\d{2}")
CHOICES = {
    Action.SPRINT_DECIDE_KEEP: "keep",
    Action.SPRINT_DECIDE_NARROW: "narrow",
    Action.SPRINT_DECIDE_REDUCE: "reduce",
    Action.SPRINT_DECIDE_OTHER: "other",
}
MODAL = "sprint/decision_modal.j2"
RECORDED = "sprint/decided.j2"
NO_NOTE = "Say in a few words what you decided and why, or press Cancel."
NOTE_CHARS = 2000


class WeeklyDecisions:
    def __init__(
        self, *, config: Config, templates: Templates, scorecards: Scorecards, app_home: AppHome
    ) -> None:
        self.config = config
        self.templates = templates
        self.scorecards = scorecards
        self.app_home = app_home

    def interactions(self) -> tuple[Interaction, ...]:
        buttons = tuple(
            Interaction("action", action, self.open_note, managers_only=True) for action in CHOICES
        )
        return (*buttons, Interaction("view", View.SPRINT_DECISION, self.save, managers_only=True))

    def _week(self, request: ActionRequest) -> str:
        """The scorecard's week the button carries (a 400 when no scorecard has it)."""
        week = request.value_matching(WEEK_KEY)
        team_id = request.team_id
        if request.read(lambda conn: self.scorecards.scorecard(conn, team_id=team_id, week=week)):
            return week
        raise MalformedPayload(f"no scorecard was sent for {week}")

    def open_note(self, request: ActionRequest) -> Modal:
        week = self._week(request)
        choice = CHOICES[Action(text_at(request.action, "action_id"))]
        message = self.templates.render(MODAL, week=week, choice=CHOICE_LABELS[choice])
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Record the decision"},
            "submit": {"type": "plain_text", "text": "Record"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": message.blocks,
        }
        return Modal(
            view=view,
            callback_id=View.SPRINT_DECISION,
            private_metadata={"week": week, "choice": choice},
        )

    def save(self, request: ViewSubmission) -> Errors | None:
        metadata = request.metadata()
        week = text_at(metadata, "week", pattern=WEEK_KEY)
        choice = text_at(metadata, "choice")
        if choice not in CHOICE_LABELS:
            raise MalformedPayload("choice is not one of the scorecard's")
        note = request.text(Input.SPRINT_DECISION_NOTE).strip()[:NOTE_CHARS]
        if not note:
            return Errors({Input.SPRINT_DECISION_NOTE: NO_NOTE})
        request.transaction(
            lambda conn, now: self.record(
                conn,
                team_id=request.team_id,
                week=week,
                choice=choice,
                note=note,
                manager_id=request.user_id,
                now=now,
            )
        )
        return None

    def record(
        self,
        conn: Connection,
        *,
        team_id: str,
        week: str,
        choice: str,
        note: str,
        manager_id: str,
        now: dt.datetime,
    ) -> bool:
        """Keep the week's decision (one row a week); False when it was already this one."""
        card = self.scorecards.scorecard(conn, team_id=team_id, week=week)
        if card is None:
            raise MalformedPayload(f"no scorecard was sent for {week}")
        before = decision_of(conn, team_id=team_id, week=week)
        if before is not None and (before["choice"], before["note"]) == (choice, note):
            return False
        values = {"choice": choice, "note": note, "decided_by": manager_id, "decided_at": now}
        if not insert_ignore(conn, sprint_decisions, team_id=team_id, week=week, **values):
            conn.execute(
                update(sprint_decisions)
                .where(sprint_decisions.c.team_id == team_id, sprint_decisions.c.week == week)
                .values(**values)
            )
        by_key = {indicator.key: indicator for indicator in indicators_of(card)}
        trend = {key: by_key[key].trend for key in RULE}
        tracker_queue.put_row(
            conn,
            team_id=team_id,
            sheet=DecisionRow.SHEET,
            key=week,
            values=DecisionRow(
                week=week,
                verdict=card.verdict,
                decision=CHOICE_LABELS[choice],
                note=note,
                decided_by=manager_id,
                decided_at=now,
                returning_engagers=trend[RULE[0]],
                replies_per_1000=trend[RULE[1]],
            ),
            now=now,
        )
        digest = hashlib.sha256(f"{choice}\n{note}".encode()).hexdigest()[:16]
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"sprint-decision:{week}:{digest}",
            template=RECORDED,
            to={"channel_name": self.config.channels.moderators},
            now=now,
            week=week,
            choice=CHOICE_LABELS[choice],
            note=note,
            manager=mention(manager_id),
        )
        for user_id in self.config.managers.users:
            self.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)
        return True
