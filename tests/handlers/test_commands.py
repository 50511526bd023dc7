"""Slash commands: `/porch <verb>` routed to the feature's verb with the words after it, a
command of its own (`/probe`) with all its words; manager-only verbs refuse anyone else with the
same private answer; `later` runs after the acknowledgement."""

from __future__ import annotations

import json
import time

from porch.core.interactions import CommandRequest, Private
from porch.core.templating import Message
from tests.handlers.conftest import MEMBER, Surface

HI = Message(text="hi", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}])


def test_a_verb_gets_the_words_after_it_and_answers_privately(surface: Surface):
    surface.probe.replies["echo"] = Private(HI)
    response = surface.command(MEMBER, "/porch", "echo <@U0BEN00001> twice")

    answer = json.loads(response.body)
    assert (answer["response_type"], answer["text"]) == ("ephemeral", "hi")
    [request] = surface.asked("echo")
    assert isinstance(request, CommandRequest)
    assert request.args == "<@U0BEN00001> twice"
    assert request.mentioned_users() == ["U0BEN00001"]


def test_a_manager_only_verb_refuses_anyone_else_and_runs_nothing_later(surface: Surface):
    response = surface.command(MEMBER, "/porch", "tally")

    assert "Only community managers can do that" in json.loads(response.body)["text"]
    time.sleep(0.2)  # give a wrongly started lazy listener time to show itself
    assert surface.asked("tally") == [] and surface.asked("later") == []


def test_later_runs_after_the_acknowledgement(surface: Surface):
    response = surface.command(surface.manager, "/porch", "tally")

    assert response.status == 200
    deadline = time.monotonic() + 5
    while not surface.asked("later") and time.monotonic() < deadline:
        time.sleep(0.01)
    [request] = surface.asked("later")
    assert request.user_id == surface.manager


def test_a_command_of_its_own_gets_all_its_words(surface: Surface):
    surface.command(MEMBER, "/probe", "  the search misses old threads ")

    [request] = surface.asked("slash")
    assert request.args == "the search misses old threads"


def test_an_unknown_verb_gets_the_help(surface: Surface):
    response = surface.command(MEMBER, "/porch", "frobnicate")

    assert "Porch commands" in json.loads(response.body)["text"]
    assert surface.probe.asked == []
