"""`porch preview` samples for the sprint's messages."""

from __future__ import annotations

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.core.templating import mention
from porch.features.sprint.verdict import CHOICE_LABELS, Indicator, decide


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
    return found
