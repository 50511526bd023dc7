"""The program's messages for `porch preview`, and what the site's ambassadors page shows
about levels (site_levels)."""

from __future__ import annotations

from typing import Any

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.core.templating import mention
from porch.features.ambassadors.config import CRITERIA, criterion

EVIDENCE = {
    "days_active": 14,
    "replies_to_others": 21,
    "first_answers": 5,
    "reactions_received": 30,
    "wins_shared": 2,
    "content_approved": 0,
    "tenure_days": 95,
}


def site_levels(config: Config) -> dict[str, Any]:
    """`ambassador_levels` for the site: each level's name and its criteria in words."""
    section = config.ambassadors
    return {
        "ambassador_levels": [
            {
                "name": level.name,
                "criteria": [criterion(key, need) for key, need in level.criteria().items()],
                "threshold": number == len(section.levels),
            }
            for number, level in enumerate(section.levels, start=1)
        ]
    }


def samples(config: Config) -> list[PreviewSample]:
    section = config.ambassadors
    managers = f"#{config.channels.moderators}"
    candidate = {
        "candidate": mention("U0SAMPLE2"),
        "user_id": "U0SAMPLE2",
        "level": section.threshold.name,
        "window_days": section.window_days,
        "evidence": [f"{words}: {EVIDENCE[key]}" for key, words in CRITERIA.items()],
    }
    page = config.community.site_url.rstrip("/") + "/ambassadors/"
    answered = {"ambassador": mention("U0SAMPLE2"), "count": 3, "cap": section.max_ambassadors}
    prompt = {
        "author": mention("U0SAMPLE2"),
        "ritual": "Monday goals",
        "words": "What's one thing you'll ship before Friday?",
        "prompt_id": "0123456789abcdef",
        "decided_by": mention("U0SAMPLE1"),
    }
    return [
        (
            "A member reached the ambassador threshold",
            managers,
            "ambassadors/candidate.j2",
            {**candidate, "applied": False},
        ),
        (
            "A member applied with /porch ambassador",
            managers,
            "ambassadors/candidate.j2",
            {**candidate, "applied": True},
        ),
        (
            "The invitation to the ambassador program",
            "DM",
            "ambassadors/invitation.j2",
            {"page": page, "program": section, "number": 1},
        ),
        (
            "An invitation accepted",
            managers,
            "ambassadors/answered.j2",
            {**answered, "accepted": True},
        ),
        (
            "An invitation declined",
            managers,
            "ambassadors/answered.j2",
            {**answered, "accepted": False},
        ),
        (
            "Monthly check-in reminder",
            managers,
            "ambassadors/check_in.j2",
            {"ambassador": mention("U0SAMPLE2"), "month": "December"},
        ),
        (
            "Quarterly update prompt",
            f"#{config.channels.ambassadors}",
            "ambassadors/quarterly.j2",
            {"quarter": "2027-Q1"},
        ),
        (
            "A suggested ritual prompt",
            managers,
            "ambassadors/prompt_card.j2",
            {**prompt, "state": "pending"},
        ),
        (
            "A suggested ritual prompt, approved",
            "DM",
            "ambassadors/prompt_decided.j2",
            {**prompt, "state": "approved"},
        ),
        (
            "/porch ambassador: the application is in",
            "Only visible to them",
            "ambassadors/answer.j2",
            {"outcome": "applied", "page": page},
        ),
        (
            "Invite, when the program is full",
            "Only visible to the manager",
            "ambassadors/answer.j2",
            {"outcome": "full", "who": mention("U0SAMPLE2"), "cap": section.max_ambassadors},
        ),
        (
            "Suggesting a ritual prompt (an ambassador's modal)",
            "Modal",
            "ambassadors/prompt_modal.j2",
            {"options": [(r.name, r.id) for r in config.rituals] or [("Monday goals", "goals")]},
        ),
        (
            "App Home: the ambassador program, for managers",
            "Home tab",
            "app_home.j2",
            {
                "sections": [
                    home(
                        manager=True,
                        count=3,
                        cap=section.max_ambassadors,
                        more=0,
                        candidates=[{**candidate, "mention": candidate["candidate"], "state": ""}],
                    )
                ]
            },
        ),
        (
            "App Home: the ambassador program, for an ambassador",
            "Home tab",
            "app_home.j2",
            {
                "sections": [
                    home(manager=False, ambassador=True, level=section.threshold.name, page=page)
                ]
            },
        ),
    ]


def home(**section: Any) -> dict[str, Any]:
    return {"template": "ambassadors/_home.j2", **section}
