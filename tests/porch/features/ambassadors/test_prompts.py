"""Ritual prompts from ambassadors, as conversations: the modal, a manager's approval (only
managers), the author told once, and the prompt taking its turn in the ritual's rotation."""

from __future__ import annotations

from sqlalchemy import Engine, insert

from porch.core.config import Config
from porch.features.ambassadors.ids import Action, Input, View
from porch.features.ambassadors.tables import ambassador_members
from porch.features.registry import build_features, templates
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.porch.features.ambassadors.community import ANA, BEN, program
from tests.porch.features.ambassadors.test_program import answers, card_of, dms, press

WORDS = "What's one thing you'll ship before Friday <!channel>?"


def make_ambassador(engine: Engine, user_id: str, workspace: SandboxWorkspace) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(ambassador_members).values(
                team_id=workspace.fake.team_id,
                user_id=user_id,
                state="accepted",
                invitations=1,
                updated_at=workspace.clock.now(),
            )
        )


def submit(workspace: SandboxWorkspace, user_id: str, ritual: str, words: str):
    values = {
        Input.AMBASSADOR_PROMPT_RITUAL: {
            Input.AMBASSADOR_PROMPT_RITUAL: {
                "type": "static_select",
                "selected_option": {"value": ritual},
            }
        },
        Input.AMBASSADOR_PROMPT_TEXT: {Input.AMBASSADOR_PROMPT_TEXT: words},
    }
    return workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=user_id,
            callback_id=View.AMBASSADOR_PROMPT,
            values=values,
            private_metadata="{}",
        )
    )


def test_a_suggested_prompt_approved_joins_the_rotation(
    workspace_factory, config: Config, engine: Engine
):
    config = program(config)
    workspace: SandboxWorkspace = workspace_factory(config)
    workspace.join(ANA, "Ana")
    workspace.join(BEN, "Ben")
    make_ambassador(engine, ANA, workspace)

    refused = workspace.command(BEN, "ambassador prompt").json()
    assert "Only ambassadors suggest ritual prompts" in str(refused)
    workspace.command(ANA, "ambassador prompt")
    [opened] = workspace.fake.opened_views()
    assert opened["view"]["callback_id"] == View.AMBASSADOR_PROMPT

    assert "Only ambassadors" in submit(workspace, BEN, "monday-goals", WORDS).text
    assert "Pick the ritual" in submit(workspace, ANA, "no-such-ritual", WORDS).text
    for _ in range(2):  # submitted twice: one suggestion
        assert submit(workspace, ANA, "monday-goals", WORDS).status_code == 200
    workspace.settle()
    card = card_of(workspace, "suggests a prompt")
    assert "&lt;!channel&gt;" in str(card["blocks"])  # a member's words ping nobody
    managers = workspace.config.channels.moderators
    suggestions = [
        m
        for m in workspace.fake.messages(workspace.fake.channel_id(managers))
        if "suggests a prompt" in str(m["blocks"])
    ]
    assert len(suggestions) == 1
    prompt_id = card["blocks"][-1]["elements"][0]["value"]

    press(workspace, BEN, Action.AMBASSADOR_PROMPT_APPROVE, card, prompt_id)
    workspace.settle()
    assert "Only community managers can do that" in answers(workspace, BEN)
    for _ in range(2):
        press(workspace, workspace.manager, Action.AMBASSADOR_PROMPT_APPROVE, card, prompt_id)
    workspace.settle()
    assert len(dms(workspace, ANA, "was approved")) == 1

    features = build_features(config=config, templates=templates())
    (ambassadors,) = [f for f in features.features if f.name == "ambassadors"]
    (job,) = [j for j in features.jobs if j.name == "rituals"]
    assert job.run.__self__.contributed == (ambassadors.ritual_prompts,)  # the rituals ask it
    with engine.connect() as conn:
        contributed = ambassadors.ritual_prompts(conn, workspace.fake.team_id, "monday-goals")
    assert contributed == [" ".join(WORDS.split())]


def test_the_rotation_takes_contributed_prompts_after_the_configured_ones(
    engine: Engine, config: Config
):
    import datetime as dt

    from porch.features.rituals.schedule import Rituals
    from porch.features.rituals.tables import ritual_occurrences

    ritual = next(r for r in config.rituals if r.id == "monday-goals")
    extra = ["Suggested by an ambassador"]
    rituals = Rituals(
        config=config, templates=templates(), contributed=(lambda conn, team, rid: extra,)
    )
    now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    seen = []
    for week in range(len(ritual.all_prompts) + 2):
        with engine.begin() as conn:
            prompt = rituals.next_prompt(conn, team_id="T1", ritual=ritual)
            seen.append(prompt)
            conn.execute(
                insert(ritual_occurrences).values(
                    team_id="T1",
                    ritual_id=ritual.id,
                    local_date=(now + dt.timedelta(weeks=week)).date().isoformat(),
                    state="posted",
                    slot_at=now,
                    prompt=prompt,
                    created_at=now,
                )
            )
    configured = ritual.all_prompts
    assert seen[: len(configured)] == configured
    assert seen[len(configured)] == extra[0]
    assert seen[len(configured) + 1] == configured[0]  # and round again
