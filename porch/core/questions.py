"""What counts as a question: the start of a time-to-first-response clock.

A question is a member's top-level message in one of `thresholds.help_channels`, or elsewhere one
whose text ends in a question mark. Participation records such a message under the activity kind
QUESTION instead of "message" (it is still a top-level post), so metrics, alerts and recognition
find questions without keeping the text.
"""

from __future__ import annotations

import re

from porch.core.config import Config

QUESTION = "question"
# Activity kinds of a member's top-level post.
TOP_LEVEL_KINDS = frozenset({"message", QUESTION})

# What may follow the question mark: closing brackets, quotes, "!", spaces and emoji codes
# ("right? :slightly_smiling_face:", "ok?!", "(is it?)").
_TAIL = re.compile(r"\?(?:[\s)\]}\"'`!*_~.]|:[a-z0-9_+-]+:)*\Z")


def is_question(*, config: Config, channel_name: str | None, text: str) -> bool:
    if channel_name is not None and channel_name in config.thresholds.help_channels:
        return True
    return _TAIL.search(text) is not None
