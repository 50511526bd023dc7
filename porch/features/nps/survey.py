"""The quarterly NPS survey: "how likely are you to recommend us?", 0 to 10, by DM.

In each quarter's survey week (from `nps.day` of its `nps.month_of_quarter`-th month at
`nps.time`), every active member (a post, reply or reaction in the last `nps.active_days` days;
not bots, guests or managers) gets one DM, recorded as a row per member and quarter before the
keyed effect, so nobody is asked twice in a quarter. A member's first click is their score (a
second click changes nothing); they may add a comment, and "No more surveys" stops every later
survey. This opt-out is separate from the follow-ups one. Reports see aggregates only
(summary.py). The buttons and the comment modal are answered in answers.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, exists, select, update

from porch.core import effect_queue, member_records
from porch.core.config import Config
from porch.core.feature import Feature, Job, PersonalData, PreviewSample
from porch.core.posting import post
from porch.core.store.schema import activity, members
from porch.core.store.upsert import insert_ignore
from porch.core.templating import Templates
from porch.features.nps.answers import interactions
from porch.features.nps.summary import nps_summary
from porch.features.nps.tables import nps_opt_outs, nps_responses

SURVEY_WEEK = dt.timedelta(days=7)
# Members surveyed per transaction.
PAGE = 200
SCORES = range(11)
SURVEY = "nps/survey.j2"
ANSWERED = "nps/answered.j2"
COMMENT_MODAL = "nps/comment_modal.j2"


def quarter_of(moment: dt.datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def survey_key(quarter: str, user_id: str) -> str:
    return f"nps:{quarter}:{user_id}"


@dataclass(frozen=True, kw_only=True)
class Nps:
    config: Config
    templates: Templates

    def feature(self) -> Feature:
        return Feature(
            name="nps",
            jobs=(Job(name="nps-survey", every=dt.timedelta(minutes=5), run=self.tick),),
            interactions=interactions(self),
            previews=self.previews,
            # The health report's NPS: totals for a period, never who said what.
            period_figures={"nps": nps_summary},
            personal_data=(
                PersonalData(
                    table="nps_responses",
                    label="Your survey answers",
                    user_columns=("user_id",),
                    purpose="Your answer to the quarterly survey (how likely you are to "
                    "recommend the community, and your comment), so the team sees how it is "
                    "doing. Reports only ever show totals.",
                    text_columns=("comment",),
                    timestamp_column="sent_at",
                    retention="nps_comment",
                ),
                PersonalData(
                    table="nps_opt_outs",
                    label="Your survey opt-out",
                    user_columns=("user_id",),
                    purpose="That you asked for no more surveys, so you never get another one.",
                ),
            ),
        )

    def previews(self) -> list[PreviewSample]:
        quarter = "2026-Q4"
        answered = {"quarter": quarter, "score": None, "commented": False, "opted_out": False}
        return [
            ("Quarterly survey", "Direct message", SURVEY, {"quarter": quarter}),
            ("Survey, answered", "Direct message", ANSWERED, {**answered, "score": 9}),
            ("Survey, opted out", "Direct message", ANSWERED, {**answered, "opted_out": True}),
            ("Survey comment", "Modal", COMMENT_MODAL, {}),
        ]

    # ---- sending ---------------------------------------------------------------------------

    def survey_start(self, quarter: str) -> dt.datetime:
        settings = self.config.nps
        year, number = int(quarter[:4]), int(quarter[-1])
        day = dt.date(year, (number - 1) * 3 + settings.month_of_quarter, settings.day)
        at = dt.time.fromisoformat(settings.time)
        return dt.datetime.combine(day, at, tzinfo=self.config.community.tz).astimezone(dt.UTC)

    def tick(self, engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        """In the survey week: whoever is active and not yet asked this quarter, a page at a
        time so the store is never held for long."""
        if not self.config.nps.enabled:
            return {"surveys": 0}
        quarter = quarter_of(now, self.config.community.tz)
        start = self.survey_start(quarter)
        if not start <= now < start + SURVEY_WEEK:
            return {"surveys": 0}
        with engine.begin() as conn:
            user_ids = self.due(conn, team_id=team_id, quarter=quarter, now=now)
        sent = 0
        for first in range(0, len(user_ids), PAGE):
            with engine.begin() as conn:
                for user_id in user_ids[first : first + PAGE]:
                    sent += self.send(
                        conn, team_id=team_id, user_id=user_id, quarter=quarter, now=now
                    )
        return {"surveys": sent}

    def due(self, conn: Connection, *, team_id: str, quarter: str, now: dt.datetime) -> list[str]:
        cutoff = now - dt.timedelta(days=self.config.nps.active_days)
        active = exists().where(
            activity.c.team_id == team_id,
            activity.c.user_id == members.c.user_id,
            activity.c.at >= cutoff,
            activity.c.kind != "join",
        )
        opted_out = exists().where(
            nps_opt_outs.c.team_id == team_id, nps_opt_outs.c.user_id == members.c.user_id
        )
        asked = exists().where(
            and_(
                nps_responses.c.team_id == team_id,
                nps_responses.c.user_id == members.c.user_id,
                nps_responses.c.quarter == quarter,
            )
        )
        query = (
            select(members.c.user_id)
            .where(
                members.c.team_id == team_id,
                members.c.is_deleted.is_(False),
                members.c.is_guest.is_(False),
                members.c.user_id.not_in(list(self.config.managers.users)),
                active,
                ~opted_out,
                ~asked,
            )
            .order_by(members.c.user_id)
        )
        return list(conn.execute(query).scalars())

    def send(
        self, conn: Connection, *, team_id: str, user_id: str, quarter: str, now: dt.datetime
    ) -> int:
        if not insert_ignore(
            conn, nps_responses, team_id=team_id, user_id=user_id, quarter=quarter, sent_at=now
        ):
            return 0
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=survey_key(quarter, user_id),
            template=SURVEY,
            to={"channel": user_id},
            member=member_records.get(conn, team_id=team_id, user_id=user_id),
            now=now,
            quarter=quarter,
        )
        return 1

    # ---- answers (buttons and the comment modal) -------------------------------------------

    def record_score(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        quarter: str,
        score: int,
        now: dt.datetime,
    ) -> bool:
        """The member's first click is their score; later clicks change nothing."""
        if score not in SCORES:
            raise ValueError(f"an NPS score is 0 to 10, not {score}")
        changed = conn.execute(
            update(nps_responses)
            .where(
                nps_responses.c.team_id == team_id,
                nps_responses.c.user_id == user_id,
                nps_responses.c.quarter == quarter,
                nps_responses.c.score.is_(None),
            )
            .values(score=score, answered_at=now)
        ).rowcount
        if not changed:
            return False
        self._update_survey(
            conn,
            team_id=team_id,
            user_id=user_id,
            quarter=quarter,
            step="scored",
            now=now,
            score=score,
            commented=False,
        )
        return True

    def record_comment(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        quarter: str,
        text: str,
        now: dt.datetime,
    ) -> bool:
        """The optional "what would make it better?", kept once, after a score."""
        text = text.strip()[:3000]
        if not text:
            return False
        row = conn.execute(
            update(nps_responses)
            .where(
                nps_responses.c.team_id == team_id,
                nps_responses.c.user_id == user_id,
                nps_responses.c.quarter == quarter,
                nps_responses.c.score.is_not(None),
                nps_responses.c.comment.is_(None),
            )
            .values(comment=text)
            .returning(nps_responses.c.score)
        ).first()
        if row is None:
            return False
        self._update_survey(
            conn,
            team_id=team_id,
            user_id=user_id,
            quarter=quarter,
            step="commented",
            now=now,
            score=row.score,
            commented=True,
        )
        return True

    def opt_out(
        self, conn: Connection, *, team_id: str, user_id: str, quarter: str, now: dt.datetime
    ) -> bool:
        """No more surveys, from this one on."""
        if not insert_ignore(
            conn, nps_opt_outs, team_id=team_id, user_id=user_id, opted_out_at=now
        ):
            return False
        if effect_queue.exists(conn, team_id=team_id, key=survey_key(quarter, user_id)):
            self._update_survey(
                conn,
                team_id=team_id,
                user_id=user_id,
                quarter=quarter,
                step="opted-out",
                now=now,
                opted_out=True,
            )
        return True

    def comment_view(self, *, quarter: str) -> dict[str, Any]:
        message = self.templates.render(COMMENT_MODAL, community=self.config.community)
        return {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Your suggestion"},
            "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": message.blocks,
        }

    def _update_survey(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        quarter: str,
        step: str,
        now: dt.datetime,
        **context: Any,
    ) -> None:
        """Replace the survey DM's buttons with where the member is now (once per step)."""
        message = self.templates.render(
            ANSWERED,
            community=self.config.community,
            quarter=quarter,
            **{"score": None, "commented": False, "opted_out": False, **context},
        )
        key = survey_key(quarter, user_id)
        effect_queue.record(
            conn,
            team_id=team_id,
            key=f"{key}:{step}",
            kind="update",
            payload={"of": key, **message.payload()},
            now=now,
        )
