"""community.yml's `buddies` section: newcomers paired with a buddy. Off unless `enabled`."""

from __future__ import annotations

from pydantic import Field

from porch.core.config import Strict, Text

STARTERS = [
    "What are you working on this week, and what is in the way?",
    "What brought you here, and what would make this month a good one?",
    "What is one thing you have tried lately that did not work?",
]


class BuddiesConfig(Strict):
    enabled: bool = False
    # Nobody is buddy to more newcomers than this at once (a pairing counts for pairing_days).
    max_at_once: int = Field(default=2, ge=1, le=20)
    pairing_days: int = Field(default=30, ge=7, le=365)
    # Newcomers are paired this long after joining (time to answer the join questions, whose
    # paths' interests pairs share), and only in their first pair_within_days.
    pair_after_hours: int = Field(default=24, ge=0, le=336)
    pair_within_days: int = Field(default=7, ge=1, le=60)
    # The check-in asking both whether they met: this many days after the introduction, at the
    # same time of day in the community's timezone (across a DST change too).
    check_in_after_days: int = Field(default=7, ge=1, le=60)
    starter_questions: list[Text] = Field(default=STARTERS, min_length=1)

    def summary_line(self) -> str:
        if not self.enabled:
            return "  buddies: off"
        return f"  buddies: on, at most {self.max_at_once} newcomers per buddy at once"
