"""The names Slack echoes back for the join questions (wire format: never rename a value)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """Buttons in the welcome DM, the path's follow-up and App Home."""

    JOIN_QUESTIONS_OPEN = "porch_join_questions_open"
    JOIN_QUESTIONS_SKIP = "porch_join_questions_skip"
    JOIN_PATH_CHANNEL = "porch_join_path_channel"
    JOIN_PATH_STEP_DONE = "porch_join_path_step_done"


class View(StrEnum):
    """The "Tell us about you" modal."""

    JOIN_QUESTIONS = "porch_join_questions"


# Each question's block_id and action_id: this prefix and the question's id (its config id).
QUESTION_PREFIX = "porch_jq_"
FREE_TEXT = "porch_jq__free_text"
