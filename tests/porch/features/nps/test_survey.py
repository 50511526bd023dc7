"""The NPS survey: one DM per active member per quarter, never to someone who opted out; the
first click is the score, a comment is optional (on a real store, with a recording worker, the
buttons and the modal answered by the survey's own functions)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from porch.core.config import Config
from porch.core.effect_queue import Effect
from porch.core.interactions import MalformedPayload, Modal
from porch.features.nps.ids import Action, Input, View
from porch.features.nps.tables import nps_responses
from tests.conftest import config_with
from tests.porch.features.community import Community

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BERLIN).astimezone(dt.UTC)


def community(engine: Engine, config: Config, *, at: dt.datetime) -> Community:
    return Community(engine=engine, config=config, now=at, running=("participation", "nps"))


def surveys(community: Community, user_id: str) -> list[Effect]:
    """The survey DMs sent to a member (not their updates)."""
    return [e for e in community.sent("nps:") if e.kind == "post" and e.key.endswith(user_id)]


def updates(community: Community, user_id: str) -> list[Effect]:
    return [e for e in community.sent("nps:") if e.kind == "update" and user_id in e.key]


def responses(community: Community) -> list[tuple]:
    with community.engine.begin() as conn:
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
    engine: Engine, config: Config
):
    # Q3 2026's survey week starts on 1 August at 10:00 (the quarter's second month).
    survey = community(engine, config, at=berlin(2026, 7, 20, 10))
    manager = config.managers.users[0]
    for user_id, name in (("U0ANA00001", "Ana"), ("U0BEN00001", "Ben"), ("U0CHLOE001", "Chloé")):
        survey.member(user_id, name)
    survey.member(manager, "Sam")
    survey.member("U0GUS00001", "Gus", is_guest=True)
    survey.say("U0ANA00001", "general", "Morning all")
    survey.say("U0CHLOE001", "general", "Hi!")
    survey.say(manager, "general", "Welcome all")
    survey.say("U0GUS00001", "general", "Hello from a guest")
    # Ben joined, never posted: not active.
    assert survey.at(berlin(2026, 8, 1, 9)) == {"surveys": 0}

    assert survey.at(berlin(2026, 8, 1, 10)) == {"surveys": 2}
    assert survey.at(berlin(2026, 8, 3, 10)) == {"surveys": 0}
    assert len(surveys(survey, "U0ANA00001")) == 1
    assert len(surveys(survey, "U0CHLOE001")) == 1
    assert surveys(survey, "U0BEN00001") == surveys(survey, manager) == []
    assert surveys(survey, "U0GUS00001") == []

    assert survey.click("U0CHLOE001", Action.NPS_OPT_OUT, value="2026-Q3") is None
    survey.worker.deliver()
    [opted_out] = updates(survey, "U0CHLOE001")
    assert opted_out.payload["of"] == "nps:2026-Q3:U0CHLOE001"
    assert "no more surveys" in opted_out.payload["text"].lower()

    # Q4: both are active again; only Ana is asked.
    survey.now = berlin(2026, 10, 20, 10)
    survey.say("U0ANA00001", "general", "Back from holidays")
    survey.say("U0CHLOE001", "general", "Me too")
    survey.at(berlin(2026, 11, 1, 10))
    survey.at(berlin(2026, 11, 2, 10))
    assert len(surveys(survey, "U0ANA00001")) == 2
    assert len(surveys(survey, "U0CHLOE001")) == 1
    assert responses(survey) == [
        ("U0ANA00001", "2026-Q3", None, None),
        ("U0CHLOE001", "2026-Q3", None, None),
        ("U0ANA00001", "2026-Q4", None, None),
    ]


def test_the_first_click_is_the_score_and_a_comment_is_optional(engine: Engine, config: Config):
    survey = community(engine, config, at=berlin(2026, 11, 1, 9))
    survey.member("U0ANA00001", "Ana")
    survey.say("U0ANA00001", "general", "Hello")
    survey.at(berlin(2026, 11, 1, 10))
    [sent] = surveys(survey, "U0ANA00001")
    assert sent.payload["channel"] == "U0ANA00001"
    actions = [
        e["action_id"]
        for b in sent.payload["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert actions == [Action[f"NPS_SCORE_{n}"] for n in range(11)] + [Action.NPS_OPT_OUT]

    for score in (8, 8, 3):
        assert survey.click("U0ANA00001", Action[f"NPS_SCORE_{score}"], value="2026-Q4") is None
    survey.worker.deliver()
    [scored] = updates(survey, "U0ANA00001")
    assert scored.payload["of"] == sent.key
    assert "You answered *8*" in scored.payload["blocks"][0]["text"]["text"]
    assert responses(survey) == [("U0ANA00001", "2026-Q4", 8, None)]

    modal = survey.click("U0ANA00001", Action.NPS_COMMENT, value="2026-Q4")
    assert isinstance(modal, Modal)
    assert (modal.callback_id, modal.private_metadata) == (View.NPS_COMMENT, {"quarter": "2026-Q4"})
    assert [b["block_id"] for b in modal.view["blocks"] if b["type"] == "input"] == [
        Input.NPS_COMMENT_TEXT
    ]
    for _ in range(2):
        survey.submit(
            "U0ANA00001",
            View.NPS_COMMENT,
            values={Input.NPS_COMMENT_TEXT: "More <!channel> demos"},
            metadata={"quarter": "2026-Q4"},
        )
    survey.worker.deliver()
    assert responses(survey) == [("U0ANA00001", "2026-Q4", 8, "More <!channel> demos")]
    scored, commented = updates(survey, "U0ANA00001")
    assert "Your suggestion reached the team" in commented.payload["blocks"][0]["text"]["text"]


def test_an_empty_comment_records_nothing(engine: Engine, config: Config):
    survey = community(engine, config, at=berlin(2026, 11, 1, 9))
    survey.member("U0ANA00001", "Ana")
    survey.say("U0ANA00001", "general", "Hello")
    survey.at(berlin(2026, 11, 1, 10))
    survey.click("U0ANA00001", Action.NPS_SCORE_9, value="2026-Q4")
    values = {Input.NPS_COMMENT_TEXT: "   "}
    survey.submit("U0ANA00001", View.NPS_COMMENT, values=values, metadata={"quarter": "2026-Q4"})
    assert responses(survey) == [("U0ANA00001", "2026-Q4", 9, None)]


def test_a_comment_button_without_a_trigger_is_malformed(engine: Engine, config: Config):
    survey = community(engine, config, at=berlin(2026, 11, 1, 9))
    with pytest.raises(MalformedPayload):
        survey.click("U0ANA00001", Action.NPS_COMMENT, value="2026-Q4", trigger_id="")


def test_no_survey_when_switched_off(engine: Engine, config: Config):
    off = config_with(config, nps={"enabled": False})
    survey = community(engine, off, at=berlin(2026, 10, 25, 10))
    survey.member("U0ANA00001", "Ana")
    survey.say("U0ANA00001", "general", "Hello")
    assert survey.at(berlin(2026, 11, 1, 10)) == {"surveys": 0}
    assert surveys(survey, "U0ANA00001") == []


def test_a_survey_is_recorded_once_even_when_its_delivery_was_never_confirmed(
    engine: Engine, config: Config
):
    # The worker finds a post whose outcome was lost by its key (tests/porch/runtime/
    # test_worker.py); the job, running again in the survey week, never records it twice.
    survey = community(engine, config, at=berlin(2026, 11, 1, 9))
    survey.member("U0ANA00001", "Ana")
    survey.say("U0ANA00001", "general", "Hello")
    assert survey.at(berlin(2026, 11, 1, 10), error=lambda effect: "timed out") == {"surveys": 1}
    assert survey.at(berlin(2026, 11, 1, 11)) == {"surveys": 0}
    assert [e.key for e in survey.worker.failed] == ["nps:2026-Q4:U0ANA00001"]
    assert surveys(survey, "U0ANA00001") == []
