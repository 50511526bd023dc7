"""The site's rituals calendar comes from the same ritual settings that schedule the posts."""

from __future__ import annotations

from porch.features.registry import config_model
from porch.site.render import build_context, make_environment, render_page
from tests.porch.site.helpers import REPO, community_data


def test_the_calendar_shows_each_cadence_and_the_first_of_rotating_prompts() -> None:
    data = community_data()
    data["rituals"] = [
        {
            "id": "ama",
            "name": "Monthly AMA",
            "weekday": "thursday",
            "time": "17:00",
            "channel": "home",
            "cadence": "monthly",
            "week_of_month": 1,
            "prompts": ["Ask the team anything.", "Ask a guest anything."],
        },
        {
            "id": "demo-day",
            "name": "Demo day",
            "weekday": "tuesday",
            "time": "16:00",
            "channel": "wins",
            "every_weeks": 2,
            "prompt": "Show what you built.",
        },
    ]
    page = render_page(
        (REPO / "site" / "getting-started.md").read_text(encoding="utf-8"),
        page="site/getting-started.md",
        context=build_context(config_model().model_validate(data)),
        environment=make_environment(),
    )
    assert "| Every 2 weeks on Tuesday | 16:00 Berlin time | Demo day |" in page
    assert "| First Thursday of the month | 17:00 Berlin time | Monthly AMA |" in page
    assert "Ask the team anything." in page and "Ask a guest anything." not in page
