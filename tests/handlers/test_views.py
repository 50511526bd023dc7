"""Modal submissions: routed by callback_id; a manager-only modal submitted by anyone else is
refused under its first input (the submission is a request of its own, whoever the modal was
opened for); a feature's Errors are shown under the inputs they name."""

from __future__ import annotations

import json

from porch.core.interactions import Errors, ViewSubmission
from porch.sandbox import slack_requests as slack
from tests.handlers.conftest import MEMBER, TEAM, Surface

NOTE = {"type": "input", "block_id": "probe_note", "label": {"type": "plain_text", "text": "x"}}


def submit(surface: Surface, user_id: str, callback_id: str, text: str = "hello"):
    payload = slack.view_submission(
        team_id=TEAM,
        user_id=user_id,
        callback_id=callback_id,
        values={"probe_note": {"probe_note": text}},
        private_metadata=json.dumps({"item": "42"}),
        blocks=[NOTE],
    )
    return surface.interactive(payload)


def test_a_submission_reaches_the_feature_with_its_inputs(surface: Surface):
    response = submit(surface, MEMBER, "probe_form")

    assert (response.status, response.body) == (200, "")
    [request] = surface.asked("form")
    assert isinstance(request, ViewSubmission)
    assert request.text("probe_note") == "hello"
    assert request.metadata() == {"item": "42"}


def test_errors_are_shown_under_their_inputs(surface: Surface):
    surface.probe.replies["form"] = Errors({"probe_note": "Write a few words."})
    response = submit(surface, MEMBER, "probe_form", text="")

    assert response.status == 200
    assert json.loads(response.body) == {
        "response_action": "errors",
        "errors": {"probe_note": "Write a few words."},
    }


def test_a_manager_only_modal_refuses_anyone_else_under_its_first_input(surface: Surface):
    response = submit(surface, MEMBER, "probe_modal")

    assert surface.asked("modal") == []
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert "Only community managers can do that" in answer["errors"]["probe_note"]

    assert submit(surface, surface.manager, "probe_modal").status == 200
    assert [r.user_id for r in surface.asked("modal")] == [surface.manager]


def test_forged_private_metadata_is_a_400(surface: Surface):
    payload = slack.view_submission(
        team_id=TEAM, user_id=MEMBER, callback_id="probe_metadata", values={}, private_metadata="{"
    )
    assert surface.interactive(payload).status == 400
    assert surface.asked("metadata") == []
