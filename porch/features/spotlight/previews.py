"""The monthly spotlight's messages for `porch preview`, from sample picks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.features.spotlight.drafts import DRAFT_TEMPLATE, spotlight_context

SAMPLE_PICKS = [
    {
        "user_id": "U0SAMPLE1",
        "name": "Ana",
        "score": 31.5,
        "counts": {"replies_to_others": 14, "reactions_received": 9, "first_responses": 4},
    },
    {
        "user_id": "U0SAMPLE2",
        "name": "Ben",
        "score": 18.0,
        "counts": {"replies_to_others": 6, "wins_shared": 2, "first_responses": 3},
    },
    {
        "user_id": "U0SAMPLE3",
        "name": "Chloé",
        "score": 12.0,
        "counts": {"reactions_received": 12, "wins_shared": 2},
    },
]


def samples(config: Config) -> list[PreviewSample]:
    """(title, where it appears, template, context) for each spotlight message."""
    manager = config.managers.users[0] if config.managers.users else "U0MANAGER"
    settings = config.recognition.spotlight
    managers = f"#{config.channels.moderators}"

    def context(**changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "month": "2026-10",
            "picks": SAMPLE_PICKS,
            "state": "drafted",
            "note": None,
            "edited_by": None,
            "decided_by": None,
            "decided_at": None,
            "channel": getattr(config.channels, settings.channel),
            "weights": settings.weights.model_dump(),
        }
        return spotlight_context(**{**values, **changes})

    approved = context(
        state="approved",
        decided_by=manager,
        decided_at=dt.datetime(2026, 11, 1, 10, 12, tzinfo=config.community.tz),
    )
    return [
        ("Monthly spotlight, draft for the managers", managers, DRAFT_TEMPLATE, context()),
        ("Monthly spotlight, after approval", managers, DRAFT_TEMPLATE, approved),
        (
            "Monthly spotlight, public post",
            f"#{getattr(config.channels, settings.channel)}",
            "spotlight/post.j2",
            context(),
        ),
        ("Edit the spotlight", "Modal", "spotlight/edit_modal.j2", context()),
    ]
