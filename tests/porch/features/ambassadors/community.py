"""Shared set-up for the ambassador tests: a small program and its members."""

from __future__ import annotations

from porch.core.config import Config
from porch.features.ambassadors.config import AmbassadorsConfig, LevelConfig

ANA, BEN, ELI = "U0ANA00001", "U0BEN00001", "U0ELI00001"

LEVELS = [
    LevelConfig(name="basic", days_active=1),
    LevelConfig(
        name="leader",
        days_active=2,
        replies_to_others=2,
        first_answers=1,
        reactions_received=1,
        wins_shared=1,
        tenure_days=5,
    ),
]


def program(config: Config, **changes: object) -> Config:
    section = AmbassadorsConfig(
        **{
            **config.ambassadors.model_dump(),
            "levels": LEVELS,
            "window_days": 30,
            "grace_days": 7,
            **changes,
        }
    )
    return config.model_copy(update={"ambassadors": section})
