"""`porch preview`: what a member sees when they ask for their data or to be forgotten."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from porch.core.feature import PersonalData, PreviewSample
from porch.features.privacy.answers import FORGET_CONFIRM, FORGOTTEN, MY_DATA, member_view

MEMBER_ONLY = "Only visible to the member"

SUMMARY: dict[str, Any] = {
    "profile": {
        "display_name": "Ana",
        "tz": "Europe/Lisbon",
        "joined_at": "2026-11-02T09:00:00+00:00",
        "joined_via": "team_join",
    },
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
SAMPLE = member_view(
    SUMMARY,
    declarations=[
        PersonalData(table="tracker_rows", worksheet="Wins", user_columns=(), purpose="")
    ],
    community_tz=ZoneInfo("UTC"),
)


def samples() -> list[PreviewSample]:
    return [
        ("/porch my-data", MEMBER_ONLY, MY_DATA, SAMPLE),
        ("/porch forget-me", MEMBER_ONLY, FORGET_CONFIRM, {}),
        ("/porch forget-me, confirmed", "Replaces the question", FORGOTTEN, {}),
    ]
