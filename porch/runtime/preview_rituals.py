"""Sample contexts for the ritual templates in `porch preview`, from community.yml's rituals."""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Any

from porch.core.config import Config, RitualConfig
from porch.features.ritual_calendar import cadence_label, latest, upcoming
from porch.features.ritual_overview import LastOccurrence, RitualStatus, Upcoming
from porch.features.ritual_recaps import Featured

SAMPLE_RITUAL = RitualConfig(
    id="friday-wins",
    name="Friday wins",
    weekday="friday",
    time="15:00",
    channel="wins",
    kind="wins",
    prompt="What moved forward this week? Big or small, post it here.",
    recap_after_hours=18,
)


def ritual_samples(config: Config) -> list[tuple[str, str, str, dict[str, Any]]]:
    rituals = config.rituals or [SAMPLE_RITUAL]
    recapped = next((r for r in rituals if r.recap_after_hours), rituals[0])
    channel = f"#{getattr(config.channels, recapped.channel)}"
    friday = dt.datetime(2026, 11, 6, 14, 0, tzinfo=dt.UTC)
    link = "https://example.slack.com/archives/C0PREVIEW/p1"
    featured = [
        Featured("U0SAMPLE1", "Ana", "My first sale!", link, 2, True, "C0PREVIEW", "1.1", friday),
        Featured(
            "U0SAMPLE2", "Bo", "Shipped v2 with dark mode", link, 5, False, "C0", "1.2", friday
        ),
        Featured("U0SAMPLE3", "Cy", "Fixed the login bug", link, 3, False, "C0", "1.3", friday),
    ]
    recap = {
        "ritual": recapped,
        "replies": 9,
        "participants": 7,
        "newcomers": 2,
        "featured": featured,
        "thread_link": link,
    }
    statuses = [
        RitualStatus(
            ritual=r,
            cadence=cadence_label(r),
            paused=False,
            upcoming=[
                Upcoming(day=day, local_time=r.time, state="scheduled")
                for day, _ in islice(upcoming(r, friday, config.community.tz), 2)
            ],
            last=LastOccurrence(
                day=latest(r, friday, config.community.tz)[0].isoformat(),
                state="posted",
                replies=6,
            ),
        )
        for r in rituals
    ]
    return [
        *(
            (
                r.name,
                f"#{getattr(config.channels, r.channel)}",
                r.template or "ritual_post.j2",
                {"ritual": r, "prompt": r.all_prompts[0]},
            )
            for r in rituals
        ),
        (
            f"{recapped.name} recap, in its thread",
            f"{channel}, in the thread",
            "ritual_recap.j2",
            {**recap, "in_thread": True},
        ),
        (f"{recapped.name} recap", channel, "ritual_recap.j2", {**recap, "in_thread": False}),
        (
            "A ritual Porch cannot post (once per ritual and problem)",
            f"#{config.channels.moderators}",
            "ritual_problem.j2",
            {
                "ritual": rituals[0],
                "problem": "not_in_channel",
                "channel_name": getattr(config.channels, rituals[0].channel),
            },
        ),
        (
            "/porch rituals",
            "Only visible to the manager",
            "command_rituals.j2",
            {"statuses": statuses, "timezone": config.community.timezone},
        ),
        (
            "/porch ritual skip",
            "Only visible to the manager",
            "command_ritual_skip.j2",
            {
                "ritual": rituals[0],
                "day": dt.date(2026, 11, 9),
                "skipped": True,
                "ids": [r.id for r in rituals],
            },
        ),
    ]
