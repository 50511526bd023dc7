"""The decision rule, applied to three weeks of figures.

The rule (the micro-community method): if returning engagers rise and replies per 1,000 members
improve two weeks in a row, keep the same rituals for another month; if they do not move,
narrow the topic and reduce formats, then test again. Read here, over the week that ended (W)
and the two before it (W-2, W-1):

- "keep": both figures went up from W-2 to W-1 and again from W-1 to W;
- "narrow": neither went up over the two weeks (W is at or below W-2 for both);
- "watch": anything in between (one rose, the other did not, or a rise was interrupted): the
  same plan for one more week, then look again;
- "early": one of the three weeks was not measured (Porch was not running yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

KEEP, NARROW, WATCH, EARLY = "keep", "narrow", "watch", "early"

# Each indicator's name in messages; the first two are the rule's.
LABELS = {
    "returning_engagers": "Returning engagers",
    "replies_per_1000": "Replies per 1,000 members",
    "reactions_per_1000": "Reactions per 1,000 members",
    "participation_pct": "Active participation (%)",
    "returning_pct": "Returning engagers (% of active)",
    "active_members": "Active members (30 days)",
    "new_members": "New members",
    "messages": "Messages",
    "health_score": "Health score",
}
RULE = ("returning_engagers", "replies_per_1000")
ARROWS = {"up": "▲", "down": "▼", "flat": "="}
# The decisions a manager can record, as messages and the Decisions worksheet name them.
CHOICE_LABELS = {
    "keep": "Keep the rituals another month",
    "narrow": "Narrow the topic",
    "reduce": "Reduce formats",
    "other": "Something else",
}


@dataclass(frozen=True)
class Indicator:
    key: str
    # The figure of W-2, W-1 and W, oldest first; None for a week Porch did not measure.
    values: tuple[float | None, float | None, float | None]

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def latest(self) -> float | None:
        return self.values[-1]

    @property
    def steps(self) -> list[str]:
        """Each week's move against the week before: "up", "down" or "flat" ("" unmeasured)."""
        return [_step(a, b) for a, b in zip(self.values, self.values[1:], strict=False)]

    @property
    def trend(self) -> str:
        """The three weeks as read: "4 → 6 → 9"."""
        return " → ".join(figure(value) for value in self.values)

    @property
    def arrows(self) -> str:
        """Each week's move: "▲ ▲", "= ▼" ("" when no two measured weeks follow each other)."""
        return " ".join(ARROWS[step] for step in self.steps if step)

    @property
    def measured(self) -> int:
        return sum(1 for value in self.values if value is not None)

    def rose_twice(self) -> bool:
        return self.steps == ["up", "up"]

    def moved_up(self) -> bool:
        first, _, last = self.values
        return first is not None and last is not None and last > first

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "values": list(self.values)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Indicator:
        values = data["values"]
        assert isinstance(values, list) and len(values) == 3
        return cls(key=str(data["key"]), values=(values[0], values[1], values[2]))


def _step(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return ""
    if after > before:
        return "up"
    return "down" if after < before else "flat"


def decide(indicators: Sequence[Indicator]) -> str:
    """The rule's verdict over the two indicators it names (see the module docstring)."""
    by_key = {indicator.key: indicator for indicator in indicators}
    rule = [by_key[key] for key in RULE]
    if any(value is None for indicator in rule for value in indicator.values):
        return EARLY
    if all(indicator.rose_twice() for indicator in rule):
        return KEEP
    if not any(indicator.moved_up() for indicator in rule):
        return NARROW
    return WATCH


def figure(value: float | None) -> str:
    """A figure as the scorecard shows it: "12", "12.5", or "–" when not measured."""
    if value is None:
        return "–"
    return f"{value:,.1f}".removesuffix(".0")
