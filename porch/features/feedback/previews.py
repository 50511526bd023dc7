"""Sample contexts for the feedback templates in `porch preview` (and the template tests)."""

from __future__ import annotations

import datetime as dt

from porch.core.config import Config
from porch.core.feature import PreviewSample

AUTHOR = "U0SAMPLE1"


def samples(*, config: Config) -> list[PreviewSample]:
    manager = config.managers.users[0] if config.managers.users else "U0MANAGER"
    tags = list(dict.fromkeys(config.feedback.tags.values()))
    statuses = list(config.feedback.closing_statuses)
    # The preview names channels C0PREVIEW<n> in sorted order (see preview.sample_contexts).
    home = sorted(set(config.channels.model_dump().values())).index(config.channels.home)
    channel_id = f"C0PREVIEW{home}"
    item = {
        "id": f"{channel_id}:1764590400.000100",
        "author_id": AUTHOR,
        "excerpt": "Search misses messages older than 90 days, so I can't find the old thread.",
        "summary": "Search misses old threads",
        "tags": tags[:1],
        "area": (config.feedback.areas or [""])[0],
        "votes": 3,
        "status": "open",
        "channel_id": channel_id,
        "created_at": dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
        "created_epoch": 1_793_610_000,
    }
    card = {
        "item": item,
        "statuses": [(s.capitalize(), f"{s} {item['id']}") for s in statuses],
        "current": f"open {item['id']}",
        "permalink": f"https://example.slack.com/archives/{channel_id}/p1764590400000100",
    }
    hours = config.feedback.response_hours
    moderators = f"#{config.channels.moderators}"
    closed = {**item, "status": statuses[0]}
    praise = {
        **item,
        "excerpt": "The weekly thread is great, more of those please.",
        "summary": "",
        "tags": list(config.feedback.praise_tags[:1]) or tags[:1],
        "status": "thanked",
    }
    return [
        (
            "Feedback acknowledged",
            "In the tagged message's thread",
            "feedback/ack.j2",
            {"item": item, "response_hours": hours},
        ),
        (
            "Praise thanked",
            "In the tagged message's thread",
            "feedback/ack.j2",
            {"item": praise, "response_hours": hours},
        ),
        (
            "Feedback: asking the author for details",
            "Direct message",
            "feedback/ask.j2",
            {"item": item, "response_hours": hours},
        ),
        ("Feedback triage card", moderators, "feedback/card.j2", card),
        (
            f"Feedback closed as {statuses[0]}",
            "In the tagged message's thread",
            "feedback/follow_up.j2",
            {"item": closed, "manager_id": manager},
        ),
        (
            "Tag as feedback",
            "Modal (message shortcut)",
            "feedback/modal.j2",
            {
                "excerpt": item["excerpt"],
                "tags": [(t, t) for t in tags],
                "areas": [(a, a) for a in config.feedback.areas],
            },
        ),
        (
            "/feedback",
            "Only visible to the member",
            "feedback/submitted.j2",
            {"response_hours": hours},
        ),
        (
            "/feedback with no text",
            "Only visible to the member",
            "feedback/empty.j2",
            {"problem": "Add your feedback after the command."},
        ),
    ]
