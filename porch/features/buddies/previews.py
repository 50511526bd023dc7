"""`porch preview`: what buddies send, with sample members."""

from __future__ import annotations

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.core.templating import mention

NEWCOMER, BUDDY = "U0SAMPLE2", "U0SAMPLE3"


def previews(config: Config) -> list[PreviewSample]:
    pair = {"newcomer": mention(NEWCOMER), "buddy": mention(BUDDY)}
    home = "buddies/_home.j2"
    return [
        (
            "A newcomer meets their buddy",
            "Group DM",
            "buddies/intro.j2",
            {
                **pair,
                "shared": ["design"],
                "question": config.buddies.starter_questions[0],  # type: ignore[attr-defined]
            },
        ),
        ("A week later", "Group DM", "buddies/check_in.j2", {**pair, "newcomer_id": NEWCOMER}),
        ("After answering the check-in", "Only they see it", "buddies/answered.j2", {"met": True}),
        (
            "/porch buddy on",
            "Only they see it",
            "buddies/chosen.j2",
            {"available": True, "most": 2},
        ),
        *(
            (
                f"App Home, {title}",
                "Home tab",
                "app_home.j2",
                {"sections": [{"template": home, "buddies": {"available": on, "buddy": None}}]},
            )
            for title, on in (("offering to be a buddy", False), ("a buddy", True))
        ),
    ]
