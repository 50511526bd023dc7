"""`porch preview` entries for the managers' alerts and check-in and the NPS survey."""

from __future__ import annotations

from typing import Any

from porch.core.config import Config
from porch.core.templating import channel_link, link, mention

SAMPLE_LINK = "https://example.slack.com/archives/C0PREVIEW0/p1700000000000100"


def alert_samples(
    config: Config, *, channel_ids: dict[str, str]
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(title, where it appears, template, extra context) for each of these messages."""
    managers = f"#{config.channels.moderators}"
    help_name = next(iter(config.thresholds.help_channels), config.channels.home)
    question = {
        "asker": "Ben",
        "where": channel_link(channel_ids.get(help_name), help_name),
        "asked": "Mon 10:00",
        "waited": "4 h",
        "link": link(SAMPLE_LINK, "Open the question"),
    }
    manager = config.managers.users[0] if config.managers.users else "U0MANAGER"
    newcomer = {"mention": mention("U0SAMPLE3"), "name": "Chloé", "user_id": "U0SAMPLE3"}
    return [
        (
            "A question waits past the response commitment",
            managers,
            "response_alert.j2",
            {**question, "hours": f"{config.thresholds.first_response_hours:g}"},
        ),
        (
            "The alert, once the question is answered",
            managers,
            "response_alert_answered.j2",
            {**question, "waited": "5 h", "answered_by": mention(manager)},
        ),
        (
            "The manager's morning check-in",
            managers,
            "manager_check_in.j2",
            {
                "since": "Fri 27 Nov, 09:00",
                "newcomers": [
                    {
                        **newcomer,
                        "welcome": "waiting for your welcome",
                        "awaiting_manager": True,
                        "introduced": False,
                        "posted": False,
                    },
                    {
                        "mention": mention("U0SAMPLE2"),
                        "name": "Ben",
                        "user_id": "U0SAMPLE2",
                        "welcome": "welcomed",
                        "awaiting_manager": False,
                        "introduced": True,
                        "posted": True,
                    },
                ],
                "more_newcomers": 0,
                "questions": [question],
                "more_questions": 0,
                "worth": {"kind": "question", **question},
            },
        ),
        ("Quarterly survey", "Direct message", "nps_survey.j2", {"quarter": "2026-Q4"}),
        (
            "Survey, answered",
            "Direct message",
            "nps_answered.j2",
            {"quarter": "2026-Q4", "score": 9, "commented": False, "opted_out": False},
        ),
        (
            "Survey, opted out",
            "Direct message",
            "nps_answered.j2",
            {"quarter": "2026-Q4", "score": None, "commented": False, "opted_out": True},
        ),
        ("Survey comment", "Modal", "nps_comment_modal.j2", {}),
    ]
