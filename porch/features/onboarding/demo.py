"""Onboarding's parts of `porch demo` that press its buttons (the story in
porch/sandbox/demo.py plays them by name, through `box.scene(...)`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from porch.features.onboarding.ids import Action

# As on every opt-out button (templates/onboarding/): the demo's transcript shows the label.
OPT_OUT_LABEL = "Turn off reminders and check-ins"


def open_guidelines(box: Any, user_id: str) -> None:
    """A member opens the guidelines from their welcome (the checklist ticks)."""
    box.click(user_id, Action.OPEN_GUIDELINES, "Read the guidelines")


def turn_off_reminders(box: Any, user_id: str) -> None:
    """A member would rather not get reminders and check-ins."""
    box.click(user_id, Action.OPT_OUT, OPT_OUT_LABEL)


def a_month_in(box: Any) -> None:
    box.narrate(
        "A month in: Ana's 30-day check-in, and a note to the members not seen for "
        f"{box.config.onboarding.follow_ups.inactive_after_days} days or more (Chloé and Farid; "
        "Ben opted out)."
    )


DEMO_SCENES: Mapping[str, Callable[..., None]] = MappingProxyType(
    {
        "open the guidelines": open_guidelines,
        "turn off reminders": turn_off_reminders,
        "a month in": a_month_in,
    }
)
