"""`porch preview`: what a member sees when they ask for their data or to be forgotten."""

from __future__ import annotations

from typing import Any

from porch.core.feature import PreviewSample
from porch.features.privacy.answers import FORGET_CONFIRM, FORGOTTEN, MY_DATA

MEMBER_ONLY = "Only visible to the member"

SAMPLE: dict[str, Any] = {
    "summary": {
        "profile": {"display_name": "Ana", "joined_at": "2026-11-02T09:00:00+00:00"},
        "data": [
            {
                "data": "Wins",
                "in_sheet": True,
                "purpose": "Wins you shared in the wins channel, to celebrate them.",
                "kept_days": 730,
                "count": 1,
                "items": [{"Win": "Shipped my pricing page today!"}],
            }
        ],
    }
}


def samples() -> list[PreviewSample]:
    return [
        ("/porch my-data", MEMBER_ONLY, MY_DATA, SAMPLE),
        ("/porch forget-me", MEMBER_ONLY, FORGET_CONFIRM, {}),
        ("/porch forget-me, confirmed", "Replaces the question", FORGOTTEN, {}),
    ]
