"""The NPS survey, as conversations: one DM per active member per quarter, never to someone
who opted out; the first click is the score, a comment is optional; reports see totals."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select

from porch.features.nps.ids import Action, Input, View
from porch.features.nps.summary import NpsSummary, nps_summary
from porch.features.nps.tables import nps_opt_outs, nps_responses
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import config_with

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BERLIN).astimezone(dt.UTC)


def surveys(workspace: SandboxWorkspace, user_id: str) -> list[dict]:
    return [
        m
        for m in workspace.fake.dm_messages(user_id)
        if ((m.get("metadata") or {}).get("event_payload") or {}).get("key", "").startswith("nps:")
    ]


def responses(workspace: SandboxWorkspace) -> list[tuple]:
    with workspace.engine.begin() as conn:
        rows = conn.execute(
            select(
                nps_responses.c.user_id,
                nps_responses.c.quarter,
                nps_responses.c.score,
                nps_responses.c.comment,
            ).order_by(nps_responses.c.quarter, nps_responses.c.user_id)
        )
        return [tuple(row) for row in rows]


def test_active_members_get_one_survey_a_quarter_and_opted_out_members_none(
    workspace_factory, config
):
    # Q3 2026's survey week starts on 1 August at 10:00 (the quarter's second month).
    workspace: SandboxWorkspace = workspace_factory(config, at=berlin(2026, 7, 20, 10))
    workspace.join("U0ANA00001", "Ana")
    workspace.join("U0BEN00001", "Ben")  # joins, never posts: not active
    workspace.join("U0CHLOE001", "Chloé")
    workspace.say("U0ANA00001", "general", "Morning all")
    workspace.say("U0CHLOE001", "general", "Hi!")
    workspace.at(berlin(2026, 8, 1, 9))
    assert surveys(workspace, "U0ANA00001") == []

    workspace.at(berlin(2026, 8, 1, 10))
    workspace.at(berlin(2026, 8, 3, 10))
    assert len(surveys(workspace, "U0ANA00001")) == 1
    assert len(surveys(workspace, "U0CHLOE001")) == 1
    assert surveys(workspace, "U0BEN00001") == []
    assert surveys(workspace, workspace.manager) == []

    workspace.click("U0CHLOE001", Action.NPS_OPT_OUT, value="2026-Q3")
    workspace.settle()
    [chloe] = surveys(workspace, "U0CHLOE001")
    assert "no more surveys" in chloe["text"].lower()

    # Q4: both are active again; only Ana is asked.
    workspace.clock.set(berlin(2026, 10, 20, 10))
    workspace.say("U0ANA00001", "general", "Back from holidays")
    workspace.say("U0CHLOE001", "general", "Me too")
    workspace.at(berlin(2026, 11, 1, 10))
    workspace.at(berlin(2026, 11, 2, 10))
    assert len(surveys(workspace, "U0ANA00001")) == 2
    assert len(surveys(workspace, "U0CHLOE001")) == 1
    assert responses(workspace) == [
        ("U0ANA00001", "2026-Q3", None, None),
        ("U0CHLOE001", "2026-Q3", None, None),
        ("U0ANA00001", "2026-Q4", None, None),
    ]


def test_the_first_click_is_the_score_and_a_comment_is_optional(workspace_factory, config):
    workspace: SandboxWorkspace = workspace_factory(config, at=berlin(2026, 11, 1, 9))
    workspace.join("U0ANA00001", "Ana")
    workspace.say("U0ANA00001", "general", "Hello")
    workspace.at(berlin(2026, 11, 1, 10))
    [survey] = surveys(workspace, "U0ANA00001")
    actions = [
        e["action_id"] for b in survey["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == [Action[f"NPS_SCORE_{n}"] for n in range(11)] + [Action.NPS_OPT_OUT]

    workspace.click("U0ANA00001", Action.NPS_SCORE_8, value="2026-Q4")
    workspace.click("U0ANA00001", Action.NPS_SCORE_8, value="2026-Q4")
    workspace.click("U0ANA00001", Action.NPS_SCORE_3, value="2026-Q4")
    workspace.settle()
    [survey] = surveys(workspace, "U0ANA00001")
    assert "You answered *8*" in survey["blocks"][0]["text"]["text"]
    updates = [c for c in workspace.fake.calls("chat.update") if c.params["ts"] == survey["ts"]]
    assert len(updates) == 1
    assert responses(workspace) == [("U0ANA00001", "2026-Q4", 8, None)]

    workspace.click("U0ANA00001", Action.NPS_COMMENT, value="2026-Q4")
    [opened] = workspace.fake.opened_views()
    assert opened["view"]["callback_id"] == View.NPS_COMMENT
    submission = slack.view_submission(
        team_id=workspace.fake.team_id,
        user_id="U0ANA00001",
        callback_id=View.NPS_COMMENT,
        values={Input.NPS_COMMENT_TEXT: {Input.NPS_COMMENT_TEXT: "More <!channel> demos"}},
        private_metadata=json.dumps({"quarter": "2026-Q4"}),
    )
    for _ in range(2):
        assert workspace.sender.interactive(submission).status_code == 200
    workspace.settle()
    assert responses(workspace) == [("U0ANA00001", "2026-Q4", 8, "More <!channel> demos")]
    [survey] = surveys(workspace, "U0ANA00001")
    assert "Your suggestion reached the team" in survey["blocks"][0]["text"]["text"]


def test_a_forged_quarter_is_refused(workspace: SandboxWorkspace):
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id="U0ANA00001",
            action_id=Action.NPS_SCORE_9,
            value="<!channel>",
        )
    )
    assert response.status_code == 400


def test_no_survey_when_switched_off(workspace_factory, config):
    off = config_with(config, nps={"enabled": False})
    workspace: SandboxWorkspace = workspace_factory(off, at=berlin(2026, 10, 25, 10))
    workspace.join("U0ANA00001", "Ana")
    workspace.say("U0ANA00001", "general", "Hello")
    workspace.at(berlin(2026, 11, 1, 10))
    assert surveys(workspace, "U0ANA00001") == []


def test_the_summary_counts_promoters_passives_and_detractors(engine: Engine):
    at = dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC)
    scores = {"U1": 10, "U2": 9, "U3": 8, "U4": 7, "U5": 6, "U6": 0, "U7": 3, "U8": 10}
    with engine.begin() as conn:
        for user_id, score in scores.items():
            conn.execute(
                insert(nps_responses).values(
                    team_id="T1",
                    user_id=user_id,
                    quarter="2026-Q4",
                    sent_at=at,
                    score=score,
                    answered_at=at,
                )
            )
        # Not counted: unanswered, another quarter's answer, another workspace.
        conn.execute(
            insert(nps_responses).values(team_id="T1", user_id="U9", quarter="2026-Q4", sent_at=at)
        )
        old = at - dt.timedelta(days=100)
        conn.execute(
            insert(nps_responses).values(
                team_id="T1", user_id="U1", quarter="2026-Q3", sent_at=old, score=0, answered_at=old
            )
        )
        conn.execute(
            insert(nps_responses).values(
                team_id="T2", user_id="U1", quarter="2026-Q4", sent_at=at, score=0, answered_at=at
            )
        )
        conn.execute(insert(nps_opt_outs).values(team_id="T1", user_id="U9", opted_out_at=at))

        quarter = nps_summary(
            conn,
            team_id="T1",
            since=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
            until=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        )
        empty = nps_summary(
            conn,
            team_id="T1",
            since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            until=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
        )
        for user_id, score in {"U1": 10, "U2": 10, "U3": 9, "U4": 5}.items():
            conn.execute(
                insert(nps_responses).values(
                    team_id="T3",
                    user_id=user_id,
                    quarter="2026-Q4",
                    sent_at=at,
                    score=score,
                    answered_at=at,
                )
            )
        third = nps_summary(conn, team_id="T3", since=at, until=at + dt.timedelta(seconds=1))
    # 3 promoters (10, 9, 10), 2 passives (8, 7), 3 detractors (6, 0, 3): (3 - 3) / 8 = 0.
    assert quarter == NpsSummary(responses=8, promoters=3, passives=2, detractors=3, score=0.0)
    # 3 promoters, 1 detractor of 4: 75% - 25%.
    assert third == NpsSummary(responses=4, promoters=3, passives=0, detractors=1, score=50.0)
    assert empty == NpsSummary(responses=0, promoters=0, passives=0, detractors=0, score=None)


def test_a_survey_whose_delivery_outcome_was_lost_is_not_sent_twice(workspace_factory, config):
    workspace: SandboxWorkspace = workspace_factory(config, at=berlin(2026, 11, 1, 9))
    workspace.join("U0ANA00001", "Ana")
    workspace.say("U0ANA00001", "general", "Hello")
    workspace.settle()
    workspace.fake.crash_after_next("chat.postMessage")  # Slack sends it, Porch never hears
    workspace.at(berlin(2026, 11, 1, 10))
    workspace.at(berlin(2026, 11, 1, 11))
    assert len(surveys(workspace, "U0ANA00001")) == 1
    assert workspace.runtime.worker.stats.recovered == 1
