"""What counts as a question (the start of a time-to-first-response clock)."""

from __future__ import annotations

import pytest

from porch.core.config import Config
from porch.core.questions import is_question


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Has anyone tried Paddle?", True),
        ("ok?!", True),
        ("right? :slightly_smiling_face:", True),
        ("(is that allowed?)", True),
        ("Shipped it.", False),
        ("what? no way", False),
    ],
)
def test_a_question_ends_in_a_question_mark(config: Config, text: str, expected: bool) -> None:
    assert is_question(config=config, channel_name="general", text=text) is expected


def test_every_top_level_post_in_a_help_channel_is_a_question(config: Config) -> None:
    help_desk = config.model_copy(
        update={"thresholds": config.thresholds.model_copy(update={"help_channels": ["help"]})}
    )
    assert is_question(config=help_desk, channel_name="help", text="Stripe webhooks fail.")
    assert not is_question(config=help_desk, channel_name="general", text="Stripe webhooks fail.")
