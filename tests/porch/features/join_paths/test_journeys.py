"""Join questions and paths, as conversations through the sandbox workspace: Gia answers the
questions from her welcome DM and gets her path's channels; skipping, editing from App Home,
bad input."""

from __future__ import annotations

from porch.core import tracker_queue
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.porch.features.join_paths.paths_config import answers_state, with_paths

GIA = "U0GIA00001"


def buttons(message: dict) -> list[str]:
    return [
        element["text"]["text"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def submit(workspace: SandboxWorkspace, user: str, values: dict) -> slack.Response:
    return workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=user,
            callback_id="porch_join_questions",
            private_metadata="{}",
            values=values,
        )
    )


def test_gia_answers_the_join_questions_and_gets_her_paths_channels(workspace_factory, config):
    workspace = workspace_factory(with_paths(config))
    workspace.join(GIA, "Gia")
    workspace.settle()
    [welcome] = workspace.fake.dm_messages(GIA)
    assert "Tell us about you" in buttons(welcome) and "Not now" in buttons(welcome)

    workspace.click(GIA, "porch_join_questions_open", value="open")
    [opened] = workspace.fake.opened_views()
    modal = opened["view"]
    assert modal["callback_id"] == "porch_join_questions"
    inputs = [b for b in modal["blocks"] if b["type"] == "input"]
    assert [b["element"]["type"] for b in inputs] == [
        "static_select",
        "multi_static_select",
        "plain_text_input",
    ]

    state = answers_state("Designer", ["Feedback", "Hiring"], "I make <b>icons</b>")
    first, again = submit(workspace, GIA, state), submit(workspace, GIA, state)  # twice
    workspace.settle()
    assert [first.status_code, again.status_code] == [200, 200]

    [_, follow_up] = workspace.fake.dm_messages(GIA)
    text = str(follow_up["blocks"])
    assert "Designers gather in #design-crit" in text
    assert "Post one screen for critique" in text
    assert buttons(follow_up)[:2] == ["Join #design-crit", "Join #feedback"]

    # The Members worksheet shows her answers and paths, and keeps them when her row changes.
    workspace.say(GIA, "general", "Hello! =1+1")
    workspace.settle()
    with workspace.engine.connect() as conn:
        row = tracker_queue.get_row(conn, team_id=workspace.fake.team_id, sheet="Members", key=GIA)
    assert row is not None and row["Last active"]
    assert row["Join answers"] == (
        "role: Designer; interests: Feedback, Hiring; note: I make <b>icons</b>"
    )
    assert row["Path"] == "design, feedback"

    # One click joins (the bot invites her); a second click invites nobody twice.
    for _ in range(2):
        workspace.click(GIA, "porch_join_path_channel", value="design-crit")
    workspace.settle()
    design = workspace.fake.channel_id("design-crit")
    assert GIA in workspace.fake.channel_members(design)
    assert len(workspace.fake.calls("conversations.invite")) == 1

    # Her path's step is in App Home, ticked by its button.
    workspace.open_home(GIA)
    workspace.settle()
    home = str(workspace.fake.home_view(GIA)["blocks"])
    assert "Post one screen for critique" in home and "Edit your answers" in home
    workspace.click(GIA, "porch_join_path_step_done", value="design:1")
    workspace.settle()
    home = str(workspace.fake.home_view(GIA)["blocks"])
    assert ":white_check_mark:  Post one screen for critique" in home


def test_changed_answers_bring_the_new_paths_once_and_the_same_answers_nothing(
    workspace_factory, config
):
    workspace = workspace_factory(with_paths(config))
    workspace.join(GIA, "Gia")
    submit(workspace, GIA, answers_state("Developer", []))
    workspace.settle()
    assert len(workspace.fake.dm_messages(GIA)) == 2  # the welcome, a plain thank-you

    # Edited from App Home: the modal shows her earlier answer.
    workspace.click(GIA, "porch_join_questions_open", value="edit")
    [opened] = workspace.fake.opened_views()
    [role] = [b for b in opened["view"]["blocks"] if b.get("block_id") == "porch_jq_role"]
    assert role["element"]["initial_option"]["value"] == "Developer"

    submit(workspace, GIA, answers_state("Developer", ["Feedback"]))
    submit(workspace, GIA, answers_state("Developer", ["Feedback"]))
    workspace.settle()
    messages = workspace.fake.dm_messages(GIA)
    assert len(messages) == 3
    assert buttons(messages[-1]) == ["Join #feedback"]


def test_skipping_answers_once_and_nothing_more(workspace_factory, config):
    workspace = workspace_factory(with_paths(config))
    workspace.join(GIA, "Gia")
    workspace.settle()
    welcome = workspace.fake.dm_messages(GIA)[0]
    for _ in range(2):
        workspace.sender.interactive(
            slack.block_actions(
                team_id=workspace.fake.team_id,
                user_id=GIA,
                action_id="porch_join_questions_skip",
                value="skip",
                channel_id=welcome["channel"],
                message=welcome,
                response_url=workspace.fake.response_url(
                    channel_id=welcome["channel"], user_id=GIA, message_ts=welcome["ts"]
                ),
            )
        )
    workspace.settle()
    posts = workspace.fake.hook_posts()
    assert len(posts) == 1 and "Tell us about you" in str(posts[0])
    assert len(workspace.fake.dm_messages(GIA)) == 1


def test_a_required_question_left_empty_is_answered_under_it(workspace_factory, config):
    workspace = workspace_factory(with_paths(config))
    workspace.join(GIA, "Gia")
    response = submit(workspace, GIA, answers_state(None, ["Feedback"]))
    assert response.json()["response_action"] == "errors"
    assert "Choose an answer" in response.json()["errors"]["porch_jq_role"]

    stale = submit(workspace, GIA, answers_state("Astronaut", []))
    assert "no longer offered" in stale.json()["errors"]["porch_jq_role"]
    workspace.settle()
    assert len(workspace.fake.dm_messages(GIA)) == 1  # only the welcome


def test_a_forged_join_or_step_invites_nobody(workspace_factory, config):
    workspace = workspace_factory(with_paths(config))
    workspace.join(GIA, "Gia")
    submit(workspace, GIA, answers_state("Developer", []))  # on no path
    for action, value in (
        ("porch_join_path_channel", "community-team"),
        ("porch_join_path_step_done", "design:1"),
    ):
        response = workspace.sender.interactive(
            slack.block_actions(
                team_id=workspace.fake.team_id, user_id=GIA, action_id=action, value=value
            )
        )
        assert response.status_code == 400
    workspace.settle()
    assert workspace.fake.calls("conversations.invite") == []


def test_without_questions_the_welcome_offers_none(workspace_factory, config):
    workspace = workspace_factory(config)
    workspace.join(GIA, "Gia")
    workspace.settle()
    [welcome] = workspace.fake.dm_messages(GIA)
    assert "Tell us about you" not in buttons(welcome)
