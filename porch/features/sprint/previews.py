"""`porch preview` samples for the sprint's messages."""

from __future__ import annotations

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.core.templating import mention
from porch.features.sprint.plan import WEEK_MESSAGE
from porch.features.sprint.tasks import states
from porch.features.sprint.verdict import CHOICE_LABELS, Indicator, decide

HOME = "sprint/_home.j2"


def samples(config: Config) -> list[PreviewSample]:
    where = f"#{config.channels.moderators}"
    cards = {
        "rising": ((18, 21, 25), (40.0, 52.5, 61.0)),
        "flat": ((20, 20, 19), (45.0, 45.0, 41.5)),
    }
    found: list[PreviewSample] = []
    for name, (returning, replies) in cards.items():
        indicators = [
            Indicator("returning_engagers", returning),
            Indicator("replies_per_1000", replies),
            Indicator(config.sprint.third_indicator, (30.0, 34.5, 33.0)),
        ]
        context = {
            "week": "2026-W47",
            "indicators": indicators,
            "returning": indicators[0],
            "replies": indicators[1],
            "verdict": decide(indicators),
            "decision": None,
            "key_posts": {"watched": 9, "in_time": 7, "pct": 78},
        }
        found.append((f"The weekly scorecard ({name})", where, "sprint/scorecard.j2", context))
    found.append(
        (
            "A week's decision, recorded",
            where,
            "sprint/decided.j2",
            {
                "week": "2026-W47",
                "choice": CHOICE_LABELS["narrow"],
                "note": "Drop the Wednesday poll; Friday wins only, about pricing.",
                "manager": mention("U0SAMPLE1"),
            },
        )
    )
    found.append(
        (
            "The decision's note",
            "a modal",
            "sprint/decision_modal.j2",
            {"week": "2026-W47", "choice": CHOICE_LABELS["keep"]},
        )
    )
    found.append(
        (
            "A comment on a key post waited too long",
            where,
            "sprint/key_post_late.j2",
            {
                "author": mention("U0SAMPLE2"),
                "where": "general",
                "minutes": config.sprint.key_post_response_minutes,
                "url": "https://example.slack.com/archives/C0GENERAL/p1700000000000200",
            },
        )
    )
    found.append(
        (
            "Mark as key post",
            "a modal",
            "sprint/key_post_marked.j2",
            {
                "comments": config.sprint.key_post_comments,
                "minutes": config.sprint.key_post_response_minutes,
            },
        )
    )
    found += home_samples(config)
    return found


def home_samples(config: Config) -> list[PreviewSample]:
    """A manager's App Home section: before a sprint, and in week 2 of one."""
    figures = {"rituals": {"posted": {"monday-goals": 2, "friday-wins": 1}, "recaps": 1}}
    tasks = states(config=config, figures=figures, ticked={"site"}, week=2)
    sprint = {
        "started_on": "2026-11-02",
        "ends_on": "2026-11-29",
        "week": 2,
        "weeks": [[t for t in tasks if t.task.week == n] for n in range(1, 5)],
        "done": sum(1 for t in tasks if t.done),
        "total": len(tasks),
        "open_tasks": [(t.task.label, t.task.id) for t in tasks if t.tickable and not t.done],
    }
    when = {
        "weekday": config.sprint.scorecard_weekday,
        "time": config.sprint.scorecard_time,
        "scorecards_on": True,
    }
    week_two = {
        **sprint,
        "asks": [t for t in tasks if t.task.week == 2],
        "late": [t for t in tasks if t.late],
        "done_before": [t for t in tasks if t.done and t.task.week < 2],
    }
    return [
        (
            "The sprint's Monday message, week 2",
            f"#{config.channels.moderators}",
            WEEK_MESSAGE,
            week_two,
        ),
        (
            "App Home, before a sprint",
            "App Home (managers)",
            "app_home.j2",
            {"sections": [{"template": HOME, **when, "sprint": None}]},
        ),
        (
            "App Home, a sprint's week 2",
            "App Home (managers)",
            "app_home.j2",
            {"sections": [{"template": HOME, **when, "sprint": sprint}]},
        ),
    ]
