"""Sample contexts for the ritual templates in `porch preview`, from community.yml's rituals
(or one sample ritual when it has none)."""

from __future__ import annotations

import datetime as dt
from itertools import islice

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.features.rituals.calendar import cadence_label, latest, upcoming
from porch.features.rituals.commands import OVERVIEW_TEMPLATE, SKIP_TEMPLATE
from porch.features.rituals.config import RitualConfig
from porch.features.rituals.overview import LastOccurrence, RitualStatus, Upcoming
from porch.features.rituals.recaps import Featured
from porch.features.rituals.schedule import POST_TEMPLATE

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


def samples(config: Config) -> list[PreviewSample]:
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
                r.template or POST_TEMPLATE,
                {"ritual": r, "prompt": r.all_prompts[0]},
            )
            for r in rituals
        ),
        (
            f"{recapped.name} recap, in its thread",
            f"{channel}, in the thread",
            "rituals/recap.j2",
            {**recap, "in_thread": True},
        ),
        (f"{recapped.name} recap", channel, "rituals/recap.j2", {**recap, "in_thread": False}),
        (
            "A ritual Porch cannot post (once per ritual and problem)",
            f"#{config.channels.moderators}",
            "rituals/problem.j2",
            {
                "ritual": rituals[0],
                "problem": "not_in_channel",
                "channel_name": getattr(config.channels, rituals[0].channel),
            },
        ),
        (
            "/porch rituals",
            "Only visible to the manager",
            OVERVIEW_TEMPLATE,
            {"statuses": statuses, "timezone": config.community.timezone},
        ),
        (
            "/porch ritual skip",
            "Only visible to the manager",
            SKIP_TEMPLATE,
            {
                "ritual": rituals[0],
                "day": dt.date(2026, 11, 9),
                "skipped": True,
                "ids": [r.id for r in rituals],
            },
        ),
    ]
