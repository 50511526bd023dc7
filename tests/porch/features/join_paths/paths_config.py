"""The join questions and paths the tests use: a role, interests, and two paths."""

from __future__ import annotations

from porch.core.config import Config
from porch.features.join_paths.config import JoinPathsConfig

SECTION = {
    "questions": [
        {
            "id": "role",
            "text": "What do you do?",
            "options": ["Designer", "Developer", "Founder"],
        },
        {
            "id": "interests",
            "text": "What are you here for?",
            "kind": "multi",
            "options": ["Feedback", "Accountability", "Hiring"],
            "optional": True,
        },
    ],
    "free_text": "Anything else we should know?",
    "paths": [
        {
            "id": "design",
            "when": {"role": ["Designer"]},
            "interest": "design",
            "paragraph": "Designers gather in #design-crit: post a screen, get three notes.",
            "channels": ["design-crit"],
            "checklist": ["Post one screen for critique"],
        },
        {
            "id": "feedback",
            "when": {"interests": ["Feedback"]},
            "interest": "feedback <swaps>",
            "channels": ["feedback"],
        },
    ],
}


def with_paths(config: Config, **changes: object) -> Config:
    return config.model_copy(update={"join_paths": JoinPathsConfig(**{**SECTION, **changes})})


def answers_state(role: str | None, interests: list[str], note: str = "") -> dict:
    """view.state.values as Slack sends them for the modal."""

    def option(text: str) -> dict:
        return {"text": {"type": "plain_text", "text": text}, "value": text}

    return {
        "porch_jq_role": {
            "porch_jq_role": {
                "type": "static_select",
                "selected_option": option(role) if role else None,
            }
        },
        "porch_jq_interests": {
            "porch_jq_interests": {
                "type": "multi_static_select",
                "selected_options": [option(i) for i in interests],
            }
        },
        "porch_jq__free_text": {"porch_jq__free_text": note},
    }
