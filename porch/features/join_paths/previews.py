"""`porch preview`: what the join questions send, with the community's own questions and paths,
or these samples while its community.yml has none."""

from __future__ import annotations

from typing import Any

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.features.join_paths.config import JoinPathsConfig

SAMPLE = JoinPathsConfig(
    questions=[
        {"id": "role", "text": "What do you do?", "options": ["Designer", "Developer"]},
        {
            "id": "goals",
            "text": "What are you here for?",
            "kind": "multi",
            "options": ["Feedback", "Accountability"],
        },
    ],
    free_text="Anything else we should know?",
    paths=[
        {
            "id": "design",
            "when": {"role": ["Designer"]},
            "interest": "design",
            "paragraph": "Designers gather in #design-crit: post a screen, get three notes.",
            "channels": ["design-crit"],
            "checklist": ["Post one screen for critique"],
        }
    ],
)


def previews(
    config: Config, *, modal: str, follow_up: str, skipped: str, home: str, path_view: Any
) -> list[PreviewSample]:
    section: JoinPathsConfig = config.join_paths  # type: ignore[attr-defined]
    if not section.on:
        section = SAMPLE
        config = config.model_copy(update={"join_paths": SAMPLE})
    paths = [path_view(p) for p in section.paths[:2]]
    steps = [
        {"key": f"{p.id}:{n}", "label": label, "done": False}
        for p in section.paths[:2]
        for n, label in enumerate(p.checklist, start=1)
    ]
    return [
        (
            "Welcome DM, with the join questions",
            "Direct message",
            "onboarding/welcome_dm.j2",
            {"config": config, "personal_note": None, "sent_by": None},
        ),
        ("Tell us about you: the modal's introduction", "Modal", modal, {}),
        ("After the join questions", "Direct message", follow_up, {"paths": paths}),
        ("The join questions, skipped", "Only the member sees it", skipped, {}),
        (
            "App Home, with the steps of a member's path",
            "Home tab",
            "app_home.j2",
            {"sections": [{"template": home, "join": {"answered": True, "steps": steps}}]},
        ),
    ]
