"""The demo's monthly spotlight: members help each other in November, and on 1 December the
managers get the draft and Sam approves it.

Each scene takes the demo (porch.sandbox.demo.Demo: its clock, members and transcript), which
plays them by name (Feature.demo_scenes) in the story's order.
"""

from __future__ import annotations

from typing import Any

from porch.features.spotlight.ids import Action

Demo = Any  # porch.sandbox.demo.Demo, which features do not import


def helping_out(box: Demo) -> None:
    """Mid-November: Eli's question, answered first by Ben, then Dana; Eli thanks Ben."""
    home = box.config.channels.home
    box.at(10, "14:00")
    box.narrate("Wednesday: Eli asks a question, and members answer before any manager does.")
    question = box.say("U0ELI00001", home, "How do you all handle VAT for EU customers?")
    box.at(10, "14:20")
    answer = box.say(
        "U0BEN00001", home, "I use a merchant of record, so VAT is their job.", thread_ts=question
    )
    box.say("U0DANA0001", home, "Same here, it saved me a week.", thread_ts=question)
    box.react("U0ELI00001", home, answer, "pray", author="U0BEN00001")


def monthly_spotlight(box: Demo) -> None:
    """The draft reached the managers on the 1st (above); Sam approves it, and only then does
    the thank-you go out, once."""
    settings = box.config.recognition.spotlight
    box.narrate(
        f"The spotlight's moment (day {settings.day} of the month, {settings.time}) has passed, so "
        "Porch drafted November's spotlight for the managers (above). Sam approves it, and "
        "double-clicks by accident."
    )
    for _ in range(2):
        box.workspace.click(box.workspace.manager, Action.SPOTLIGHT_APPROVE, value="2026-11")
    box.settle()
    box.narrate("The draft card now says Sam approved it; the spotlight was posted once.")
